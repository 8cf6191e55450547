import { InputError } from '@backstage/errors';
import {
  agentKeyExpiry,
  agentKeyName,
  AGENT_KEY_MAX_LIFETIME_HOURS,
  modelPathOf,
} from './agentKeys';

const NOW = new Date('2026-12-05T09:30:15.123Z');
const HOUR_MS = 3_600_000;

describe('agent keys', () => {
  it('expire after the asked lifetime, 8 hours by default', () => {
    expect(agentKeyExpiry(NOW).getTime()).toBe(NOW.getTime() + 8 * HOUR_MS);
    expect(agentKeyExpiry(NOW, 0.5).getTime()).toBe(
      NOW.getTime() + HOUR_MS / 2,
    );
    expect(agentKeyExpiry(NOW, AGENT_KEY_MAX_LIFETIME_HOURS).getTime()).toBe(
      NOW.getTime() + 24 * HOUR_MS,
    );
  });

  it.each([0, -1, 24.5, 48, Number.NaN])(
    'refuse a lifetime of %p hours, naming the field',
    hours => {
      expect(() => agentKeyExpiry(NOW, hours)).toThrow(InputError);
      expect(() => agentKeyExpiry(NOW, hours)).toThrow(/^lifetimeHours: /);
    },
  );

  it('are named after their user and time, in the characters key names allow', () => {
    expect(agentKeyName('user:default/frank', NOW)).toBe(
      'agent-frank-20261205T093015Z',
    );
    expect(agentKeyName("user:default/o'brien+x", NOW)).toBe(
      'agent-o-brien-x-20261205T093015Z',
    );
    expect(agentKeyName(`user:default/${'a'.repeat(80)}`, NOW)).toHaveLength(
      63,
    );
  });
});

describe('modelPathOf', () => {
  it('reads an entity ref, a Component by default', () => {
    expect(modelPathOf('component:default/qwen-chat')).toEqual({
      addressedBy: 'entities',
      scope: 'component',
      namespace: 'default',
      name: 'qwen-chat',
    });
    expect(modelPathOf(' qwen-chat ')).toMatchObject({
      scope: 'component',
      namespace: 'default',
      name: 'qwen-chat',
    });
    expect(modelPathOf('resource:ml/scorer')).toMatchObject({
      scope: 'resource',
      namespace: 'ml',
      name: 'scorer',
    });
  });

  it('refuses what is no entity ref, naming the field', () => {
    expect(() => modelPathOf('component:')).toThrow(/^model: /);
  });
});
