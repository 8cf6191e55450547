import { parseEntityRef } from '@backstage/catalog-model';
import { LIFECYCLE_KEYS, OWNER_KEYS, SYSTEM_KEYS } from '../constants';
import type { KubeObjectLike, MappingDefaults } from './types';

export interface Ownership {
  owner: string;
  lifecycle: string;
  system?: string;
}

type Validator = (value: string) => boolean;

const isEntityRef =
  (defaultKind: string): Validator =>
  value => {
    try {
      parseEntityRef(value, { defaultKind, defaultNamespace: 'default' });
      return true;
    } catch {
      return false;
    }
  };

const isLifecycle: Validator = value => /^[a-z0-9][a-z0-9._-]*$/i.test(value);

/**
 * The first usable value, in precedence order: the InferenceService before its Namespace; on each,
 * annotations before labels; within those, `model-publishing/<key>` before `backstage.io/<key>`.
 * Invalid values are skipped so a typo falls through to the next source instead of breaking the entity.
 */
function pick(
  keys: readonly string[],
  sources: (KubeObjectLike | undefined)[],
  valid: Validator,
): string | undefined {
  for (const source of sources) {
    for (const bag of [
      source?.metadata?.annotations,
      source?.metadata?.labels,
    ]) {
      for (const key of keys) {
        const value = bag?.[key]?.trim();
        if (value && valid(value)) return value;
      }
    }
  }
  return undefined;
}

export function resolveOwnership(
  isvc: KubeObjectLike,
  namespace: KubeObjectLike | undefined,
  defaults: MappingDefaults,
): Ownership {
  const sources = [isvc, namespace];
  const system =
    pick(SYSTEM_KEYS, sources, isEntityRef('system')) ?? defaults.system;
  return {
    owner: pick(OWNER_KEYS, sources, isEntityRef('group')) ?? defaults.owner,
    lifecycle: pick(LIFECYCLE_KEYS, sources, isLifecycle) ?? defaults.lifecycle,
    ...(system ? { system } : {}),
  };
}
