import { createHash } from 'node:crypto';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';

/** What a provider last applied: entity ref → a hash of the entity as sent. */
export type EmittedEntities = Map<string, string>;

export interface EntityDelta {
  /** New or changed entities. */
  added: Entity[];
  /** Refs of entities no longer provided. */
  removed: string[];
  /** The state after the delta is applied. */
  next: EmittedEntities;
}

/**
 * Hash and ref of each entity object seen. Built entities are never mutated (the mapping reuses an
 * unchanged model's entity, componentEntities.ts), so an entity emitted before is not serialized again.
 */
const seen = new WeakMap<Entity, { ref: string; hash: string }>();

function identify(entity: Entity): { ref: string; hash: string } {
  let known = seen.get(entity);
  if (!known) {
    known = {
      ref: stringifyEntityRef(entity),
      hash: createHash('sha256')
        .update(JSON.stringify(entity))
        .digest('base64'),
    };
    seen.set(entity, known);
  }
  return known;
}

/**
 * The delta from what was applied before to `entities`: only entities that are new or differ, and the
 * refs that are gone. Entities are compared by a hash of their JSON, so the provider keeps 44 bytes per
 * entity rather than a copy.
 */
export function entityDelta(
  previous: EmittedEntities,
  entities: Entity[],
): EntityDelta {
  const next: EmittedEntities = new Map();
  const added: Entity[] = [];
  for (const entity of entities) {
    const { ref, hash } = identify(entity);
    next.set(ref, hash);
    if (previous.get(ref) !== hash) added.push(entity);
  }
  const removed = [...previous.keys()].filter(ref => !next.has(ref));
  return { added, removed, next };
}
