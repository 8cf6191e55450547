import type { Knex } from 'knex';
import type {
  Publication,
  PublicationStatus,
  PublishConfig,
  PublishableModelKind,
} from '@model-publishing/plugin-model-publishing-common';
import { fieldsOfRow } from './fields';
import { toIso } from './util';

/** The publication tables (migrations/20261126100000_init.js and later). */
export const TABLE = 'publications';
export const HISTORY = 'publication_status_history';
export const HOSTNAMES = 'publication_hostnames';

/** Statuses during which the record is "live": it holds the model's unique slot. */
export const LIVE_STATUSES: PublicationStatus[] = [
  'publishing',
  'published',
  'updating',
  'degraded',
  'unpublishing',
];
/** Statuses an operation leaves behind when a process dies mid-way. */
export const IN_FLIGHT_STATUSES: PublicationStatus[] = [
  'publishing',
  'updating',
  'unpublishing',
];

/** What a new publication is recorded with; the store sets its status, times and live slot. */
export type NewPublication = Pick<
  Publication,
  | 'id'
  | 'cluster'
  | 'namespace'
  | 'name'
  | 'entityRef'
  | 'owner'
  | 'resourceKind'
  | 'modelKind'
  | 'config'
  | 'objects'
  | 'endpoints'
  | 'createdBy'
>;

/**
 * Who runs a record's in-flight operation, until when. `holder` is the instance (stable across restarts),
 * `token` the process; an operation renews `expiresAt` while it runs (publishing/Leases).
 */
export interface Lease {
  holder: string;
  token: string;
  expiresAt: Date;
}

export interface PublicationPatch {
  status?: PublicationStatus;
  /** `null` clears the reason. */
  statusReason?: string | null;
  config?: PublishConfig;
  objects?: Publication['objects'];
  endpoints?: Publication['endpoints'];
  modelKind?: PublishableModelKind;
}

/** A row of the publications table as the drivers return it. */
export type Row = {
  id: string;
  cluster: string;
  namespace: string;
  name: string;
  live_key: string | null;
  entity_ref: string | null;
  owner: string | null;
  resource_kind: string | null;
  model_kind: string;
  status: string;
  status_reason: string | null;
  config: string;
  objects: string;
  endpoints: string;
  created_by: string;
  created_at: unknown;
  updated_at: unknown;
  lease_holder?: string | null;
  lease_token?: string | null;
  lease_expires_at?: unknown;
};

/** The model's unique slot: set while the record is live, so one model has at most one live record. */
export function liveKey(
  cluster: string,
  namespace: string,
  name: string,
): string {
  return `${cluster}/${namespace}/${name}`;
}

export function leaseColumns(lease: Lease | undefined) {
  return {
    lease_holder: lease?.holder ?? null,
    lease_token: lease?.token ?? null,
    lease_expires_at: lease?.expiresAt ?? null,
  };
}

/** The row a new publication is inserted as: live, in `publishing`. */
export function toRow(p: NewPublication, now: Date, lease?: Lease): Row {
  return {
    id: p.id,
    cluster: p.cluster,
    namespace: p.namespace,
    name: p.name,
    live_key: liveKey(p.cluster, p.namespace, p.name),
    entity_ref: p.entityRef ?? null,
    owner: p.owner ?? null,
    resource_kind: p.resourceKind ?? null,
    model_kind: p.modelKind,
    status: 'publishing',
    status_reason: null,
    config: JSON.stringify(p.config),
    objects: JSON.stringify(p.objects),
    endpoints: JSON.stringify(p.endpoints),
    created_by: p.createdBy,
    created_at: now,
    updated_at: now,
    ...leaseColumns(lease),
  };
}

/** The columns a patch changes (JSON columns serialised; leaving the live statuses frees the slot). */
export function patchColumns(
  patch: PublicationPatch,
  now: Date,
  lease: Lease | undefined,
): Record<string, unknown> {
  const set: Record<string, unknown> = { updated_at: now };
  if (patch.status) set.status = patch.status;
  if (patch.statusReason !== undefined) set.status_reason = patch.statusReason;
  if (patch.config) set.config = JSON.stringify(patch.config);
  if (patch.objects) set.objects = JSON.stringify(patch.objects);
  if (patch.endpoints) set.endpoints = JSON.stringify(patch.endpoints);
  if (patch.modelKind) set.model_kind = patch.modelKind;
  if (patch.status && !LIVE_STATUSES.includes(patch.status))
    set.live_key = null;
  if (lease) Object.assign(set, leaseColumns(lease));
  else if (patch.status && !IN_FLIGHT_STATUSES.includes(patch.status))
    Object.assign(set, leaseColumns(undefined));
  return set;
}

export function fromRow(row: Row): Publication {
  return {
    ...fieldsOfRow<Publication>(row, [
      'id',
      'cluster',
      'namespace',
      'name',
      'entityRef',
      'owner',
      'resourceKind',
      'modelKind',
      'status',
      'statusReason',
    ]),
    config: JSON.parse(row.config),
    endpoints: JSON.parse(row.endpoints),
    objects: JSON.parse(row.objects),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export function isPostgres(db: Knex): boolean {
  return /^(pg|postgres)/.test(String(db.client.config.client));
}
