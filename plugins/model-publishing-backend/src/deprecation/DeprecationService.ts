import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type {
  ApiKeyInfo,
  Publication,
} from '@model-publishing/plugin-model-publishing-common';
import type { AuditLog } from '../audit/AuditLog';
import type { DeprecationNotifier } from './notifier';
import type {
  AtSunset,
  DeprecationRecord,
  DeprecationStore,
} from './DeprecationStore';
import {
  deprecationHeaders,
  reminderDue,
  sunsetDue,
  sunsetProblem,
} from './headers';

export interface DeprecationInput {
  sunsetAt: string;
  successor?: string;
  /** The successor's public endpoint (the route resolves it from the successor's live publication). */
  successorUrl?: string;
  message?: string;
  atSunset?: AtSunset;
}

export interface DeprecationConsumer {
  consumerRef: string;
  keyIds: string[];
  lastUsedAt?: string;
}

export interface DeprecationServiceOptions {
  store: DeprecationStore;
  publications: { get(id: string): Promise<Publication | undefined> };
  /** The publication's keys, with their status and last use. */
  keys: { list(publicationId: string): Promise<ApiKeyInfo[]> };
  /** Consumer keys of a publication (AccessStore.consumerKeys). */
  consumerKeys(
    publicationId: string,
  ): Promise<{ keyId: string; consumerRef?: string }[]>;
  /** Users/groups a consumer's notices go to. */
  recipientsOf(consumerRef: string): Promise<string[]>;
  /** Re-applies the publication's objects (the route's response headers follow the deprecation). */
  reapply(publicationId: string): Promise<unknown>;
  /** Unpublishes at the sunset. */
  unpublish(publication: Publication, actor: string): Promise<unknown>;
  auditLog: Pick<AuditLog, 'record'>;
  notifier: DeprecationNotifier;
  logger: LoggerService;
  now?: () => Date;
}

const SYSTEM = 'system:model-publishing';
const LIVE: ApiKeyInfo['status'][] = ['active', 'grace'];

/**
 * Deprecation that knows its consumers (issue 21): the owner sets a sunset and maybe a successor; the
 * route answers with Deprecation/Sunset/Link headers; new access is refused with a pointer to the successor;
 * consumers holding live keys are told at once and 7 days before; at the sunset the publication is
 * unpublished or stops issuing keys. Each notice and the sunset happen once, on whichever replica claims them.
 */
export class DeprecationService {
  private readonly now: () => Date;

  constructor(private readonly o: DeprecationServiceOptions) {
    this.now = o.now ?? (() => new Date());
  }

  get(publicationId: string): Promise<DeprecationRecord | undefined> {
    return this.o.store.get(publicationId);
  }

  /** The response headers a publication's route carries now (none when not deprecated). */
  async responseHeaders(publicationId: string) {
    const d = await this.o.store.get(publicationId);
    return d ? deprecationHeaders(d) : undefined;
  }

  /** Why a new access request (or key) is refused, with the pointer to the successor; undefined = allowed. */
  async refusal(publicationId: string): Promise<string | undefined> {
    const d = await this.o.store.get(publicationId);
    if (!d) return undefined;
    const pointer = d.successor
      ? `: request access to ${d.successor}${
          d.successorUrl ? ` (${d.successorUrl})` : ''
        } instead`
      : '';
    return `this model is deprecated (sunset ${d.sunsetAt.toISOString()}) and takes no new consumers${pointer}`;
  }

  /** After a stop-new-keys sunset no key is issued at all, not even by the owners. */
  async keysStopped(publicationId: string): Promise<string | undefined> {
    const d = await this.o.store.get(publicationId);
    return d?.sunsetDoneAt && d.atSunset === 'stop-new-keys'
      ? `this model reached its sunset (${d.sunsetAt.toISOString()}): no new keys are issued`
      : undefined;
  }

  async deprecate(
    publication: Publication,
    input: DeprecationInput,
    who: { actor: string; request?: unknown },
  ) {
    const now = this.now();
    const sunsetAt = new Date(input.sunsetAt);
    const problem = sunsetProblem(sunsetAt, now);
    if (problem) throw new InputError(problem);
    const current = await this.o.store.get(publication.id);
    if (current?.sunsetDoneAt)
      throw new ConflictError('the publication already reached its sunset');
    await this.o.store.upsert({
      publicationId: publication.id,
      deprecatedAt: current?.deprecatedAt ?? now,
      deprecatedBy: who.actor,
      sunsetAt,
      ...(input.successor ? { successor: input.successor } : {}),
      ...(input.successorUrl ? { successorUrl: input.successorUrl } : {}),
      ...(input.message ? { message: input.message } : {}),
      atSunset: input.atSunset ?? 'unpublish',
    });
    await this.o.reapply(publication.id);
    await this.audit('publication.deprecate', publication, who);
    const saved = (await this.o.store.get(publication.id))!;
    await this.tellConsumers(
      publication,
      saved,
      'deprecated',
      'notified_at',
      now,
    );
    return this.view((await this.o.store.get(publication.id))!);
  }

  async undeprecate(
    publication: Publication,
    who: { actor: string; request?: unknown },
  ): Promise<void> {
    const current = await this.o.store.get(publication.id);
    if (!current) throw new NotFoundError('the publication is not deprecated');
    if (current.sunsetDoneAt)
      throw new ConflictError('the publication already reached its sunset');
    await this.o.store.remove(publication.id);
    await this.o.reapply(publication.id);
    await this.audit('publication.undeprecate', publication, who);
  }

  /** Who still calls: consumers with live keys and their last use, most recent first. */
  async consumers(publicationId: string): Promise<DeprecationConsumer[]> {
    const [keys, links] = await Promise.all([
      this.o.keys.list(publicationId),
      this.o.consumerKeys(publicationId),
    ]);
    const live = new Map(
      keys.filter(k => LIVE.includes(k.status)).map(k => [k.id, k]),
    );
    const byConsumer = new Map<string, DeprecationConsumer>();
    for (const link of links) {
      const key = live.get(link.keyId);
      if (!key || !link.consumerRef) continue;
      const c = byConsumer.get(link.consumerRef) ?? {
        consumerRef: link.consumerRef,
        keyIds: [],
      };
      c.keyIds.push(key.id);
      if (key.lastUsedAt && (!c.lastUsedAt || key.lastUsedAt > c.lastUsedAt))
        c.lastUsedAt = key.lastUsedAt;
      byConsumer.set(link.consumerRef, c);
    }
    return [...byConsumer.values()].sort(
      (a, b) =>
        (b.lastUsedAt ?? '').localeCompare(a.lastUsedAt ?? '') ||
        a.consumerRef.localeCompare(b.consumerRef),
    );
  }

  /** The scheduled step: reminders 7 days before, sunsets when due. Returns what it did. */
  async run(): Promise<{ reminded: string[]; sunset: string[] }> {
    const now = this.now();
    const reminded: string[] = [];
    const sunset: string[] = [];
    for (const d of await this.o.store.pending()) {
      const publication = await this.o.publications.get(d.publicationId);
      if (!publication) continue;
      if (sunsetDue(d, now)) {
        if (!(await this.o.store.claim(d.publicationId, 'sunset_done_at', now)))
          continue;
        sunset.push(d.publicationId);
        let error: string | undefined;
        if (
          d.atSunset === 'unpublish' &&
          publication.status !== 'unpublished'
        ) {
          try {
            await this.o.unpublish(publication, SYSTEM);
          } catch (e) {
            error = (e as Error).message;
            this.o.logger.warn(
              `Sunset of publication ${d.publicationId}: could not unpublish: ${error}`,
            );
          }
        }
        await this.audit(
          'publication.sunset',
          publication,
          { actor: SYSTEM },
          error,
        );
      } else if (reminderDue(d, now)) {
        if (
          await this.tellConsumers(
            publication,
            d,
            'reminder',
            'reminded_at',
            now,
          )
        )
          reminded.push(d.publicationId);
      }
    }
    return { reminded, sunset };
  }

  /** The API form, with the headers the route carries. */
  view(d: DeprecationRecord) {
    const iso = (x?: Date) => x?.toISOString();
    return {
      publicationId: d.publicationId,
      deprecatedAt: d.deprecatedAt.toISOString(),
      deprecatedBy: d.deprecatedBy,
      sunsetAt: d.sunsetAt.toISOString(),
      ...(d.successor ? { successor: d.successor } : {}),
      ...(d.successorUrl ? { successorUrl: d.successorUrl } : {}),
      ...(d.message ? { message: d.message } : {}),
      atSunset: d.atSunset,
      ...(d.notifiedAt ? { notifiedAt: iso(d.notifiedAt) } : {}),
      ...(d.remindedAt ? { remindedAt: iso(d.remindedAt) } : {}),
      ...(d.sunsetDoneAt ? { sunsetDoneAt: iso(d.sunsetDoneAt) } : {}),
      headers: deprecationHeaders(d),
    };
  }

  private async tellConsumers(
    publication: Publication,
    d: DeprecationRecord,
    kind: 'deprecated' | 'reminder',
    column: 'notified_at' | 'reminded_at',
    now: Date,
  ): Promise<boolean> {
    if (!(await this.o.store.claim(publication.id, column, now))) return false;
    const consumers = await this.consumers(publication.id);
    const recipients = (
      await Promise.all(
        consumers.map(c =>
          this.o.recipientsOf(c.consumerRef).catch(() => [c.consumerRef]),
        ),
      )
    ).flat();
    await this.o.notifier.notify({
      kind,
      recipients,
      modelTitle: `${publication.namespace}/${publication.name}`,
      sunsetAt: d.sunsetAt,
      ...(d.successor ? { successor: d.successor } : {}),
      ...(d.successorUrl ? { successorUrl: d.successorUrl } : {}),
      ...(d.message ? { message: d.message } : {}),
      atSunset: d.atSunset,
    });
    return true;
  }

  private async audit(
    action:
      | 'publication.deprecate'
      | 'publication.undeprecate'
      | 'publication.sunset',
    publication: Publication,
    who: { actor: string; request?: unknown },
    error?: string,
  ): Promise<void> {
    await this.o.auditLog.record({
      actor: who.actor,
      action,
      ...(publication.entityRef ? { entityRef: publication.entityRef } : {}),
      publicationId: publication.id,
      outcome: error ? 'failed' : 'succeeded',
      ...(error ? { error } : {}),
      request: who.request,
    });
  }
}
