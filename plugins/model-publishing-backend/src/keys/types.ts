import type {
  PublicationStatus,
  PublishConfig,
  PublishableModelKind,
  RateLimits,
} from '@model-publishing/plugin-model-publishing-common';

/** Where a publication's key Secret lives. */
export interface SecretTarget {
  cluster: string;
  namespace: string;
  name: string;
}

/** The parts of a core/v1 Secret the key service reads and writes. */
export interface SecretObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    [key: string]: unknown;
  };
  type?: string;
  /** base64 values, as the API server returns them. */
  data?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * The two cluster calls key management needs. `replaceSecret` must send the resourceVersion it
 * was given and fail with a 409 (see isConflictError) when the Secret changed since it was read;
 * that is what keeps concurrent writers from losing each other's keys.
 */
export interface KeySecretClient {
  getSecret(target: SecretTarget): Promise<SecretObject | undefined>;
  replaceSecret(
    target: SecretTarget,
    secret: SecretObject,
  ): Promise<SecretObject>;
}

/** What the key service needs to know about a publication. */
export interface KeyPublication {
  id: string;
  cluster: string;
  namespace: string;
  /** The InferenceService name: the Secret is `<name>-mp-keys`. */
  name: string;
  status: PublicationStatus;
  entityRef?: string;
  modelKind: PublishableModelKind;
  config: PublishConfig;
}

/** PublicationStore satisfies this structurally. */
export interface KeyPublicationLookup {
  get(id: string): Promise<KeyPublication | undefined>;
}

export type KeyAuditAction =
  | 'key.create'
  | 'key.rotate'
  | 'key.update'
  | 'key.revoke'
  | 'key.expire';

/** One audited key action. Carries the key id, never the key. */
export interface KeyAuditEvent {
  action: KeyAuditAction;
  /** Entity ref of the user or service; `system` for the scheduled sweep. */
  actor: string;
  publicationId: string;
  entityRef?: string;
  keyId: string;
  outcome: 'succeeded' | 'failed';
  error?: string;
  /** Flat, non-secret details (previous key id, grace end, reason). */
  meta?: Record<string, string | number | boolean | null>;
  /** The HTTP request, for the auditor event's context. */
  request?: unknown;
}

/** Minimal audit sink; the plugin's AuditLog (audit row + auditor event) satisfies it. */
export interface KeyAuditor {
  record(event: KeyAuditEvent): Promise<unknown>;
}

/** A key as the gateway builders need it for rate limits: the client id only, never the key. */
export interface ActiveKeyLimits {
  clientId: string;
  key?: never;
  rateLimits?: RateLimits;
  /** The client id of the key this one replaced, while that key is in its grace period (one budget). */
  sharesBudgetWith?: string;
}

/** The stored row, in application form. */
export interface ApiKeyRecord {
  id: string;
  publicationId: string;
  name: string;
  /** What the key is for (owner's words; never a secret). */
  description?: string;
  prefix: string;
  hash: string;
  clientId: string;
  createdBy: string;
  createdAt: Date;
  expiresAt?: Date;
  revokedAt?: Date;
  lastUsedAt?: Date;
  rotatedFrom?: string;
  graceUntil?: Date;
  removedAt?: Date;
  rateLimits?: RateLimits;
}

/** True for a Kubernetes 409 Conflict from any of the clients this plugin uses. */
export function isConflictError(error: unknown): boolean {
  const e = error as
    | {
        code?: unknown;
        statusCode?: unknown;
        status?: unknown;
        name?: unknown;
        response?: { statusCode?: unknown; status?: unknown };
        body?: unknown;
      }
    | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e.code === 409 || e.statusCode === 409 || e.status === 409) return true;
  if (e.response?.statusCode === 409 || e.response?.status === 409) return true;
  if (e.name === 'ConflictError') return true;
  let body = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return false;
    }
  }
  return (body as { code?: unknown } | undefined)?.code === 409;
}
