import type { AuditLog, AuditedAction } from '../audit/AuditLog';
import type { AccessModel, Caller } from './types';

/** One audited access action: on a model's publication, maybe on one key. */
export interface AccessAuditEntry {
  action: AuditedAction;
  caller: Caller;
  publicationId: string;
  model: AccessModel;
  outcome: 'succeeded' | 'failed';
  error?: string;
  keyId?: string;
}

/** Writes an access action's audit row (the key id, never the key). */
export async function auditAccess(
  auditLog: Pick<AuditLog, 'record'>,
  entry: AccessAuditEntry,
): Promise<void> {
  await auditLog.record({
    actor: entry.caller.actor,
    action: entry.action,
    entityRef: entry.model.entityRef,
    publicationId: entry.publicationId,
    ...(entry.keyId ? { keyId: entry.keyId } : {}),
    outcome: entry.outcome,
    ...(entry.error ? { error: entry.error } : {}),
    request: entry.caller.request,
  });
}
