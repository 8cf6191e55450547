import { groupBy } from './groupBy';
import {
  DAY_MS,
  type AccessKeys,
  type AccessModel,
  type AccessParts,
} from './types';

/** Holders are told this long before a key expires (issue 15). */
export const EXPIRY_NOTICE_DAYS = 7;

export interface AccessLifecycleOptions extends AccessParts {
  keys: Pick<AccessKeys, 'list'>;
}

const modelOf = (p: {
  entityRef?: string;
  owner?: string;
  name: string;
}): AccessModel => ({
  entityRef: p.entityRef ?? '',
  ...(p.owner ? { owner: p.owner } : {}),
  title: p.name,
});

/**
 * The scheduled side of access: keys of consumers that left the catalog are suspended (owners told),
 * and holders of keys that expire within 7 days are told once. Safe on several replicas: each change is a
 * conditional update, so one replica acts and notifies.
 */
export class AccessLifecycle {
  private readonly now: () => Date;

  constructor(private readonly o: AccessLifecycleOptions) {
    this.now = o.now ?? (() => new Date());
  }

  async run(): Promise<{ suspended: string[]; expiring: string[] }> {
    const suspended = await this.suspendGoneConsumers();
    const expiring = await this.noticeExpiring();
    return { suspended, expiring };
  }

  async suspendGoneConsumers(): Promise<string[]> {
    const live = (await this.o.store.liveConsumers()).filter(k => !k.suspended);
    const byConsumer = groupBy(live, k => k.consumerRef);
    const suspended: string[] = [];
    for (const [consumerRef, keys] of byConsumer) {
      if (await this.o.consumers.exists(consumerRef)) continue;
      const suspendedNow: typeof keys = [];
      for (const k of keys) {
        if (!(await this.o.store.suspend(k.keyId, this.now()))) continue;
        suspended.push(k.keyId);
        suspendedNow.push(k);
      }
      for (const [publicationId, group] of groupBy(
        suspendedNow,
        k => k.publicationId,
      )) {
        const keyIds = group.map(k => k.keyId);
        const publication = await this.o.publications.get(publicationId);
        await this.o
          .reapply(publicationId)
          .catch(error =>
            this.o.logger.warn(
              `Could not re-apply publication ${publicationId} after suspending keys: ${error}`,
            ),
          );
        if (publication)
          await this.o.notifier.consumerGone({
            consumerRef,
            keyIds,
            model: modelOf(publication),
          });
        this.o.logger.info(
          `Suspended ${keyIds.length} key(s) of ${consumerRef}: it left the catalog`,
        );
      }
    }
    return suspended;
  }

  async noticeExpiring(): Promise<string[]> {
    const now = this.now();
    const due = await this.o.store.keysExpiringBefore(
      new Date(now.getTime() + EXPIRY_NOTICE_DAYS * DAY_MS),
      now,
    );
    const told: string[] = [];
    for (const key of due) {
      if (!(await this.o.store.markExpiryNotified(key.keyId, now))) continue;
      const publication = await this.o.publications.get(key.publicationId);
      if (!publication) continue;
      const info = (await this.o.keys.list(key.publicationId)).find(
        k => k.id === key.keyId,
      );
      const recipients = await this.o.consumers.recipientsOf(key.consumerRef!);
      await this.o.notifier.keyExpiring({
        recipients,
        keyName: info?.name ?? key.keyId,
        expiresAt: key.expiresAt!,
        model: modelOf(publication),
      });
      told.push(key.keyId);
    }
    return told;
  }
}
