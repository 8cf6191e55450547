import type { Entity } from '@backstage/catalog-model';
import { entityDelta } from './entityDelta';

const component = (name: string, owner = 'group:default/a'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'model', lifecycle: 'production', owner },
});

describe('entityDelta', () => {
  it('adds everything the first time', () => {
    const d = entityDelta(new Map(), [component('a'), component('b')]);
    expect(d.added.map(e => e.metadata.name)).toEqual(['a', 'b']);
    expect(d.removed).toEqual([]);
    expect([...d.next.keys()]).toEqual([
      'component:default/a',
      'component:default/b',
    ]);
  });

  it('sends only what changed, and the refs that are gone', () => {
    const first = entityDelta(new Map(), [
      component('a'),
      component('b'),
      component('c'),
    ]);
    const d = entityDelta(first.next, [
      component('a'),
      component('b', 'group:default/other'),
      component('d'),
    ]);
    expect(d.added.map(e => `${e.metadata.name} ${e.spec!.owner}`)).toEqual([
      'b group:default/other',
      'd group:default/a',
    ]);
    expect(d.removed).toEqual(['component:default/c']);
  });

  it('is empty when nothing changed', () => {
    const first = entityDelta(new Map(), [component('a')]);
    const d = entityDelta(first.next, [component('a')]);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
  });
});
