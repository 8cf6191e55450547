import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { ModelPath } from '@model-publishing/plugin-model-publishing-common';

const HOUR_MS = 3_600_000;

/** The longest an agent's key lives: it is handed to a tool, so it should not outlive a working day. */
export const AGENT_KEY_MAX_LIFETIME_HOURS = 24;
/** What an agent gets when it does not ask for a lifetime. */
export const AGENT_KEY_DEFAULT_LIFETIME_HOURS = 8;

/** When an agent's key expires: the asked lifetime (default 8 h), never more than 24 h from now. */
export function agentKeyExpiry(now: Date, lifetimeHours?: number): Date {
  const hours = lifetimeHours ?? AGENT_KEY_DEFAULT_LIFETIME_HOURS;
  if (
    !Number.isFinite(hours) ||
    hours <= 0 ||
    hours > AGENT_KEY_MAX_LIFETIME_HOURS
  ) {
    throw new InputError(
      `lifetimeHours: must be more than 0 and at most ${AGENT_KEY_MAX_LIFETIME_HOURS}`,
    );
  }
  return new Date(now.getTime() + hours * HOUR_MS);
}

/**
 * The name of a key an agent creates for its user: says who and when, in the characters key names allow
 * (letters, digits, dots, dashes, underscores), at most 63 long.
 */
export function agentKeyName(userRef: string, now: Date): string {
  const user = parseEntityRef(userRef, { defaultKind: 'user' }).name.replace(
    /[^A-Za-z0-9._-]/g,
    '-',
  );
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `agent-${user}-${stamp}`.slice(0, 63);
}

/**
 * A model's address from the entity ref an agent passes (`component:default/fraud-detector`, or
 * `default/fraud-detector` and `fraud-detector` for a Component), as the routes' entity address form.
 */
export function modelPathOf(model: string): ModelPath {
  let ref;
  try {
    ref = parseEntityRef(model.trim(), {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (e) {
    throw new InputError(
      `model: '${model}' is not an entity ref (${(e as Error).message})`,
    );
  }
  return {
    addressedBy: 'entities',
    scope: ref.kind,
    namespace: ref.namespace,
    name: ref.name,
  };
}
