/**
 * The wire types are generated from the backend's openapi.yaml (./generated/models); what is here is
 * what the contract cannot state as a type.
 */

/**
 * Every action the audit trail records (openapi.yaml's AuditEntry.action enum, checked by a test). The
 * `.read` actions appear for denied reads, which are audited too.
 */
export const AUDIT_ACTIONS = [
  'publication.create',
  'publication.update',
  'publication.delete',
  'key.create',
  'key.rotate',
  'key.update',
  'key.revoke',
  'key.expire',
  'publication.read',
  'usage.read',
  'audit.read',
  'plan.update',
  'access.request',
  'access.approve',
  'access.deny',
  'access.issue',
  'access.suspend',
  'access.resume',
  'access.revoke',
  'key.leak',
  'publication.deprecate',
  'publication.undeprecate',
  'publication.sunset',
  'budget.update',
  'budget.delete',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Bucket size of a usage report. */
export type UsageGranularity = 'hour' | 'day';
