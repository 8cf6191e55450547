import { diffObjects, lineDiff } from './objectDiff';

describe('lineDiff', () => {
  it('keeps common lines and marks the rest, in order', () => {
    expect(lineDiff(['a', 'b', 'c'], ['a', 'x', 'c', 'd'])).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
      { op: '+', text: 'd' },
    ]);
    expect(lineDiff([], ['a'])).toEqual([{ op: '+', text: 'a' }]);
    expect(lineDiff(['a'], [])).toEqual([{ op: '-', text: 'a' }]);
  });
});

describe('diffObjects', () => {
  const obj = (kind: string, name: string, spec?: object) => ({
    apiVersion: 'v1',
    kind,
    metadata: { name },
    ...(spec ? { spec } : {}),
  });
  it('says which objects an update adds, changes, keeps and removes', () => {
    const changes = diffObjects(
      [
        obj('Secret', 's'),
        obj('HTTPRoute', 'r', { a: 1 }),
        obj('Backend', 'b'),
      ],
      [
        obj('Secret', 's'),
        obj('HTTPRoute', 'r', { a: 2 }),
        obj('AIGatewayRoute', 'g'),
      ],
    );
    expect(changes.map(c => [c.kind, c.change, c.added, c.removed])).toEqual([
      ['Secret', 'unchanged', 0, 0],
      ['HTTPRoute', 'changed', 1, 1],
      ['AIGatewayRoute', 'added', 7, 0],
      ['Backend', 'removed', 0, 7],
    ]);
  });
});
