import { createHash } from 'node:crypto';

const MAX = 63;

/** A valid catalog `metadata.name` (≤63 chars of [a-z0-9-_.]); over-long names keep a hash suffix
 * so two long names never truncate to the same value. */
export function toEntityName(raw: string): string {
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (cleaned.length <= MAX) return cleaned;
  return `${cleaned.slice(0, MAX - 7).replace(/[^a-z0-9]+$/, '')}-${shortHash(
    raw,
  )}`;
}

export interface NameCandidate {
  /** Stable identity, e.g. `InferenceService:ns/name`. */
  key: string;
  namespace: string;
  name: string;
  /** Appended only when kind and namespace/name both collide (an ISVC and an LLMISVC of one name). */
  kindSuffix: string;
}

/**
 * Entity names for one cluster: `<name>` when unique, `<namespace>-<name>` for every member of a group
 * that shares a name (never "first one wins", so the result does not depend on list order), and
 * `<namespace>-<name>-<kindSuffix>` in the rare case that still collides, then a short hash.
 */
export function assignEntityNames(
  candidates: NameCandidate[],
  prefix = '',
): Map<string, string> {
  const byName = new Map<string, NameCandidate[]>();
  for (const c of candidates) {
    const base = toEntityName(`${prefix}${c.name}`);
    byName.set(base, [...(byName.get(base) ?? []), c]);
  }
  const firstPass = new Map<string, string>();
  for (const [base, group] of byName) {
    for (const c of group) {
      firstPass.set(
        c.key,
        group.length === 1
          ? base
          : toEntityName(`${prefix}${c.namespace}-${c.name}`),
      );
    }
  }
  const second = dedupe(
    candidates,
    firstPass,
    c => `${firstPass.get(c.key)}-${c.kindSuffix}`,
  );
  // Last resort (e.g. `<ns>-<name>` equals another model's literal name): a hash of the identity.
  return dedupe(
    candidates,
    second,
    c => `${second.get(c.key)}-${shortHash(c.key)}`,
  );
}

function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 6);
}

/** Renames every member of a still-colliding group with `rename`; unique names stay. */
function dedupe(
  candidates: NameCandidate[],
  names: Map<string, string>,
  rename: (c: NameCandidate) => string,
): Map<string, string> {
  const counts = new Map<string, number>();
  for (const name of names.values())
    counts.set(name, (counts.get(name) ?? 0) + 1);
  const result = new Map<string, string>();
  for (const c of candidates) {
    const name = names.get(c.key)!;
    result.set(
      c.key,
      (counts.get(name) ?? 0) > 1 ? toEntityName(rename(c)) : name,
    );
  }
  return result;
}
