import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  AccessRequest,
  ConsumerKey,
  RotatedApiKey,
} from '@model-publishing/plugin-model-publishing-common';
import type { AuditLog } from '../audit/AuditLog';
import type { PlanStore } from '../plans/PlanStore';
import type { ConsumerKeyRow } from './AccessStore';
import { auditAccess } from './accessAudit';
import { groupBy } from './groupBy';
import type {
  AccessKeys,
  AccessModel,
  AccessParts,
  Caller,
  ConsumerKeyAction,
} from './types';

export interface ConsumerKeysOptions extends AccessParts {
  plans: Pick<PlanStore, 'get' | 'listStored'>;
  keys: Pick<AccessKeys, 'list' | 'revoke' | 'rotate'>;
  auditLog: Pick<AuditLog, 'record'>;
}

/**
 * Keys issued to consumers (docs/design.md §9): listed for the model's owners and for whoever holds
 * them, rotated or revoked by their holder, suspended, resumed or revoked by the model's owners.
 */
export class ConsumerKeys {
  private readonly now: () => Date;

  constructor(private readonly o: ConsumerKeysOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /** Consumer entity refs with live keys, per publication id. */
  consumerEntities(): Promise<Map<string, string[]>> {
    return this.o.store.consumerRefsByPublication();
  }

  /** Every consumer key of one model, for its owners. */
  async consumersOf(publicationId: string): Promise<ConsumerKey[]> {
    return this.describe(await this.o.store.consumerKeys({ publicationId }));
  }

  /** The caller's access across all models: keys of the consumers they may act for, and their requests. */
  async mine(
    userRef: string,
  ): Promise<{ keys: ConsumerKey[]; requests: AccessRequest[] }> {
    const [rows, requests] = await Promise.all([
      this.o.store.consumerKeys({ consumerRefs: await this.refsOf(userRef) }),
      this.o.store.listByRequester(userRef),
    ]);
    return { keys: await this.describe(rows), requests };
  }

  /** A consumer key by id, whatever model it is for (404 when no consumer key has that id). */
  async consumerKeyById(keyId: string): Promise<ConsumerKey> {
    const [key] = await this.describe(
      await this.o.store.consumerKeys({ keyId }),
    );
    if (!key) throw new NotFoundError(`key ${keyId} is not a consumer key`);
    return key;
  }

  /**
   * Whether the user holds the key: it is theirs, their group's, or a Component's they (or one of their
   * groups) own — as the catalog says now, so leaving a team or handing over a Component takes it away.
   */
  async holds(userRef: string, key: Pick<ConsumerKey, 'consumerRef'>) {
    return (await this.refsOf(userRef)).includes(key.consumerRef);
  }

  /**
   * The holder rotates their own key (the route checked they hold it). The new key stays on the plan and
   * with the consumer; a suspended key is the owners' to resume, so it cannot be rotated out of suspension.
   */
  async rotateHeld(
    key: ConsumerKey,
    gracePeriodHours: number | undefined,
    caller: Caller,
  ): Promise<RotatedApiKey> {
    if (key.suspended) {
      throw new ConflictError(
        `key ${key.key.id} is suspended by the model's owners; ask them to resume it before rotating`,
      );
    }
    return this.o.keys.rotate(
      {
        publicationId: key.publicationId,
        keyId: key.key.id,
        ...(gracePeriodHours === undefined ? {} : { gracePeriodHours }),
      },
      caller,
    );
  }

  /** The holder revokes their own key (the route checked they hold it); returns it as it is now. */
  async revokeHeld(key: ConsumerKey, caller: Caller): Promise<ConsumerKey> {
    await this.o.keys.revoke(
      { publicationId: key.publicationId, keyId: key.key.id },
      caller,
    );
    return this.consumerKeyById(key.key.id);
  }

  async consumerKey(
    publicationId: string,
    keyId: string,
  ): Promise<ConsumerKeyRow> {
    const [row] = await this.o.store.consumerKeys({ publicationId, keyId });
    if (!row)
      throw new NotFoundError(
        `key ${keyId} is not a consumer key of this publication`,
      );
    return row;
  }

  /**
   * The owners suspend, resume or revoke a consumer's key (audited as `access.<action>`). Suspending and
   * resuming rebuild the route's limits; doing either twice changes nothing and audits nothing.
   */
  async manage(
    publicationId: string,
    keyId: string,
    action: ConsumerKeyAction,
    model: AccessModel,
    caller: Caller,
  ): Promise<void> {
    const row = await this.consumerKey(publicationId, keyId);
    if (!(await this.change(row, action, caller))) return;
    await auditAccess(this.o.auditLog, {
      action: `access.${action}`,
      caller,
      publicationId,
      model,
      outcome: 'succeeded',
      keyId,
    });
  }

  /** The consumer refs the user may act for: themselves, their groups and their Components. */
  private async refsOf(userRef: string): Promise<string[]> {
    const scope = await this.o.consumers.scopeOf(userRef);
    return [scope.user, ...scope.groups, ...scope.components];
  }

  /** Applies one owner action to a key; false when it was already in that state. */
  private async change(
    row: ConsumerKeyRow,
    action: ConsumerKeyAction,
    caller: Caller,
  ): Promise<boolean> {
    if (action === 'revoke') {
      await this.o.keys.revoke(
        { publicationId: row.publicationId, keyId: row.keyId },
        caller,
      );
      return true;
    }
    let changed: boolean;
    if (action === 'suspend') {
      changed = await this.o.store.suspend(row.keyId, this.now());
    } else {
      const plan = row.planId ? await this.o.plans.get(row.planId) : undefined;
      changed = await this.o.store.resume(
        row.keyId,
        plan && !plan.isDefault ? plan.rateLimits : undefined,
      );
    }
    if (changed) await this.o.reapply(row.publicationId);
    return changed;
  }

  /** Joins consumer rows with their key, plan and publication; rows whose key or publication is gone are left out. */
  private async describe(rows: ConsumerKeyRow[]): Promise<ConsumerKey[]> {
    const out: ConsumerKey[] = [];
    for (const [publicationId, group] of groupBy(rows, r => r.publicationId)) {
      const publication = await this.o.publications.get(publicationId);
      if (!publication) continue;
      const infos = new Map(
        (await this.o.keys.list(publicationId)).map(k => [k.id, k]),
      );
      const plans = new Map(
        (await this.o.plans.listStored(publicationId)).map(p => [p.id, p]),
      );
      for (const row of group) {
        const key = infos.get(row.keyId);
        if (!key) continue;
        const plan = row.planId ? plans.get(row.planId) : undefined;
        out.push({
          key,
          consumerRef: row.consumerRef!,
          ...(plan ? { planId: plan.id, planName: plan.name } : {}),
          rateLimits: plan?.isDefault
            ? publication.config.rateLimits
            : plan?.rateLimits ?? {},
          suspended: !!row.suspendedAt,
          ...(row.requestId ? { requestId: row.requestId } : {}),
          ...(publication.entityRef
            ? { entityRef: publication.entityRef }
            : {}),
          publicationId,
          cluster: publication.cluster,
          namespace: publication.namespace,
          name: publication.name,
        });
      }
    }
    return out;
  }
}
