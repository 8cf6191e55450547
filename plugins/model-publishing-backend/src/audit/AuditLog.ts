import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import type {
  AuditorService,
  AuditorServiceEventSeverityLevel,
} from '@backstage/backend-plugin-api';
import type {
  AuditAction,
  AuditEntry,
} from '@model-publishing/plugin-model-publishing-common';
import { fieldsOfRow, rowOf, setFields } from '../database/fields';
import { decodeCursor, encodeCursor, toDate, toIso } from '../database/util';
import type { Page } from '../database/PublicationStore';

const TABLE = 'audit_log';

/** What an action was done on, as far as it says: entries and events name only what is set. */
const TARGET_FIELDS = ['entityRef', 'publicationId', 'keyId'] as const;
/** An entry's fields besides its time, each in its column of audit_log. */
const ENTRY_FIELDS = [
  'id',
  'actor',
  'action',
  ...TARGET_FIELDS,
  'outcome',
  'error',
] as const;

/** Kept as an alias: common's AuditAction now holds the read actions (denied reads are audited). */
export type AuditedAction = AuditAction;

export interface AuditRecord {
  actor: string;
  action: AuditedAction;
  entityRef?: string;
  publicationId?: string;
  keyId?: string;
  outcome: AuditEntry['outcome'];
  /** A message safe to keep: callers must never pass a raw key (errors here never carry one). */
  error?: string;
  /** The HTTP request, for the auditor event's request context. */
  request?: any;
}

/** Publication actions are medium severity; key actions high (docs/design.md §6); reads low. */
export function severityOf(
  action: AuditedAction,
): AuditorServiceEventSeverityLevel {
  if (action.startsWith('key.')) return 'high';
  if (action.endsWith('.read')) return 'low';
  return 'medium';
}

/** Raw API keys must never reach an audit row or event; this strips anything shaped like one. */
export function redactKeys(text: string): string {
  return text.replace(/mpk_[A-Za-z0-9]{8,}/g, 'mpk_[redacted]');
}

/** Every audited action goes both to coreServices.auditor and to the queryable audit table. */
export class AuditLog {
  constructor(
    private readonly db: Knex,
    private readonly auditor?: AuditorService,
  ) {}

  async record(rec: AuditRecord, now = new Date()): Promise<AuditEntry> {
    const error = rec.error ? redactKeys(rec.error).slice(0, 2000) : undefined;
    const entry: AuditEntry = {
      id: randomUUID(),
      actor: rec.actor,
      action: rec.action,
      ...setFields(rec, TARGET_FIELDS),
      outcome: rec.outcome,
      ...(error ? { error } : {}),
      createdAt: now.toISOString(),
    };
    await this.db(TABLE).insert({
      ...rowOf(entry, ENTRY_FIELDS),
      created_at: now,
    });
    if (this.auditor) {
      const meta = {
        action: rec.action,
        actor: rec.actor,
        outcome: rec.outcome,
        ...setFields(rec, TARGET_FIELDS),
      };
      const event = await this.auditor.createEvent({
        eventId: rec.action.replace('.', '-'),
        severityLevel: severityOf(rec.action),
        request: rec.request,
        meta,
      });
      if (rec.outcome === 'succeeded') await event.success();
      else await event.fail({ error: new Error(error ?? rec.outcome) });
    }
    return entry;
  }

  /** An entity's audit history, newest first, keyset-paginated. */
  async list(q: {
    entityRef: string;
    cursor?: string;
    limit?: number;
  }): Promise<Page<AuditEntry>> {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
    const cursor = decodeCursor(q.cursor);
    let query = this.db(TABLE).where('entity_ref', q.entityRef);
    if (cursor) {
      query = query.where(b =>
        b
          .where('created_at', '<', cursor.createdAt)
          .orWhere(b2 =>
            b2
              .where('created_at', '=', cursor.createdAt)
              .andWhere('id', '<', cursor.id),
          ),
      );
    }
    const rows = await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit + 1);
    const items: AuditEntry[] = rows.slice(0, limit).map(r => ({
      ...fieldsOfRow<AuditEntry>(r, ENTRY_FIELDS),
      createdAt: toIso(r.created_at),
    }));
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items,
      ...(last
        ? {
            nextCursor: encodeCursor({
              createdAt: toDate(last.created_at),
              id: last.id,
            }),
          }
        : {}),
    };
  }
}
