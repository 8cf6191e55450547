import type { KubeObject } from './objects';

/**
 * Server-side apply bookkeeping (https://kubernetes.io/docs/reference/using-api/server-side-apply/).
 * The API server tracks field ownership per manager *and operation*: fields our manager set with a
 * create or replace (operation Update) are not the fields of its apply, so an apply that stops sending
 * one of them would leave it in place. Before our first apply over such an object, its Update entry is
 * moved into our Apply entry, as client-go's csaupgrade does for kubectl.
 */

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsV1?: Record<string, unknown>;
  [key: string]: unknown;
}

type FieldSet = Record<string, unknown>;

const isRecord = (v: unknown): v is FieldSet =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function unionOf(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = out[key];
    out[key] = isRecord(mine) && isRecord(value) ? unionOf(mine, value) : value;
  }
  return out;
}

/**
 * The object's managedFields with `manager`'s Update entry (main resource) merged into its Apply entry,
 * or undefined when there is nothing to move.
 */
export function movedToApply(
  obj: KubeObject,
  manager: string,
): ManagedFieldsEntry[] | undefined {
  const raw = obj.metadata.managedFields;
  const entries: ManagedFieldsEntry[] = Array.isArray(raw)
    ? raw.filter(isRecord)
    : [];
  const mainResource = (e: ManagedFieldsEntry) => !e.subresource;
  const update = entries.find(
    e => e.manager === manager && e.operation === 'Update' && mainResource(e),
  );
  if (!update) return undefined;
  const apply = entries.find(
    e => e.manager === manager && e.operation === 'Apply' && mainResource(e),
  );
  const merged: ManagedFieldsEntry = {
    ...update,
    ...(apply ?? {}),
    operation: 'Apply',
    fieldsV1: unionOf(update.fieldsV1 ?? {}, apply?.fieldsV1 ?? {}),
  };
  return [...entries.filter(e => e !== update && e !== apply), merged];
}

/** What an apply sends: the object as we want it, without what the server owns (status, versions, ownership). */
export function applyConfiguration<T extends KubeObject>(obj: T): T {
  const {
    resourceVersion: _rv,
    uid: _uid,
    creationTimestamp: _created,
    generation: _generation,
    managedFields: _managed,
    ...metadata
  } = obj.metadata;
  const { status: _status, ...rest } = obj;
  return { ...rest, metadata } as T;
}
