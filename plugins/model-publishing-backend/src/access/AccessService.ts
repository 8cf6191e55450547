import { randomUUID } from 'crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type {
  AccessDecisionInput,
  AccessRequest,
  AccessRequestInput,
  ConsumerKey,
  IssuedApiKey,
  Plan,
  Publication,
  RotatedApiKey,
} from '@model-publishing/plugin-model-publishing-common';
import type { AuditLog, AuditedAction } from '../audit/AuditLog';
import type { PlanStore } from '../plans/PlanStore';
import type { AccessStore, ConsumerKeyRow } from './AccessStore';
import type { ConsumerDirectory } from './consumers';
import type {
  AccessKeys,
  AccessModel,
  AccessNotifier,
  AccessPublications,
} from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface AccessServiceOptions {
  store: AccessStore;
  plans: PlanStore;
  publications: AccessPublications;
  keys: AccessKeys;
  consumers: ConsumerDirectory;
  auditLog: Pick<AuditLog, 'record'>;
  notifier: AccessNotifier;
  logger: LoggerService;
  /** Rebuilds the publication's BackendTrafficPolicy after a key's limits changed (suspend, resume). */
  reapply(publicationId: string): Promise<unknown>;
  /** Why a publication takes no new consumers (deprecated, with a pointer to the successor); undefined = it does. */
  refuseNewAccess?: (publicationId: string) => Promise<string | undefined>;
  now?: () => Date;
}

/** What a model's owners may do to a consumer's key. */
export type ConsumerKeyAction = 'suspend' | 'resume' | 'revoke';

export interface Caller {
  /** The user's entity ref (access routes are for users only). */
  actor: string;
  request?: unknown;
}

/** Shortest of the plan's maximum and the approver's choice; undefined = no expiry. */
export function keyLifetimeDays(
  plan: Pick<Plan, 'maxKeyLifetimeDays'>,
  chosen?: number,
): number | undefined {
  const limits = [plan.maxKeyLifetimeDays, chosen].filter(
    (d): d is number => typeof d === 'number',
  );
  return limits.length ? Math.min(...limits) : undefined;
}

/**
 * Consumers' half of publishing (docs/design.md §9): requests on a plan, decisions by the model's owners, and
 * keys owned by the consumer entity and shown once to the requester. Permission checks happen in the
 * routes before anything here runs; this service enforces who the requester and consumer are.
 */
export class AccessService {
  private readonly now: () => Date;

  constructor(private readonly o: AccessServiceOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /** The plans a publication offers (default first), in step with its config. */
  async plansOf(publication: Publication): Promise<Plan[]> {
    return this.o.plans.sync(publication, this.now());
  }

  /**
   * After a publication's config changed (publish form, scaffolder, REST): its plans follow the config,
   * and keys already issued on a plan whose limits changed get the new limits at the gateway. A plan's
   * approval and maximum key lifetime apply to new requests only: issued keys keep their expiry. Keys of a
   * plan the config no longer declares keep their limits. Returns how many keys changed.
   */
  async applyPlanEdits(publication: Publication): Promise<number> {
    let changed = 0;
    for (const plan of await this.plansOf(publication)) {
      // Keys of the default plan carry no limits of their own: the publication's rules apply to them.
      if (!plan.isDefault)
        changed += await this.o.store.setPlanKeyLimits(
          plan.id,
          plan.rateLimits,
        );
    }
    if (changed) {
      try {
        await this.o.reapply(publication.id);
      } catch (error) {
        this.o.logger.warn(
          `Could not re-apply the limits of publication ${
            publication.id
          } after its plans changed: ${(error as Error).message}`,
        );
      }
    }
    return changed;
  }

  private async planNamed(
    publication: Publication,
    name: string,
    field: string,
  ): Promise<Plan> {
    const plans = await this.plansOf(publication);
    const plan = plans.find(p => p.name === name);
    if (!plan) {
      throw new InputError(
        `${field}: no plan named '${name}' (this model offers ${plans
          .map(p => p.name)
          .join(', ')})`,
      );
    }
    return plan;
  }

  async request(
    publication: Publication,
    model: AccessModel,
    input: AccessRequestInput,
    caller: Caller,
  ): Promise<{ request: AccessRequest; issued?: IssuedApiKey }> {
    const refused = await this.o.refuseNewAccess?.(publication.id);
    if (refused) throw new ConflictError(refused);
    await this.o.consumers.verify(caller.actor, input.consumer);
    const plan = await this.planNamed(publication, input.plan, 'plan');
    const id = randomUUID();
    const automatic = plan.approval === 'automatic';
    await this.o.store.insert(
      {
        id,
        publicationId: publication.id,
        entityRef: model.entityRef,
        planId: plan.id,
        purpose: input.purpose.trim(),
        consumerRef: input.consumer,
        requester: caller.actor,
        status: automatic ? 'approved' : 'pending',
        ...(plan.maxKeyLifetimeDays
          ? { keyLifetimeDays: plan.maxKeyLifetimeDays }
          : {}),
        ...(automatic ? { decidedBy: 'system:automatic-approval' } : {}),
      },
      this.now(),
    );
    await this.audit('access.request', caller, publication, model, 'succeeded');
    if (automatic && !input.collectLater) return this.issue(id, model, caller);
    if (automatic) return { request: await this.getRequest(id) };
    const request = await this.getRequest(id);
    await this.o.notifier.requestCreated(request, model);
    return { request };
  }

  async getRequest(id: string): Promise<AccessRequest> {
    const request = await this.o.store.get(id);
    if (!request) throw new NotFoundError(`access request ${id} not found`);
    return request;
  }

  /** Approve (optionally on another plan or with a shorter key lifetime) or deny with a reason. */
  async decide(
    request: AccessRequest,
    model: AccessModel,
    decision: AccessDecisionInput,
    caller: Caller,
  ): Promise<AccessRequest> {
    const publication = await this.publication(request.publicationId);
    const now = this.now();
    let won: boolean;
    if (decision.decision === 'approve') {
      const plan = decision.plan
        ? await this.planNamed(publication, decision.plan, 'plan')
        : (await this.o.plans.get(request.planId))!;
      won = await this.o.store.approve(
        request.id,
        {
          by: caller.actor,
          planId: plan.id,
          keyLifetimeDays: keyLifetimeDays(plan, decision.keyLifetimeDays),
        },
        now,
      );
    } else {
      won = await this.o.store.deny(
        request.id,
        { by: caller.actor, reason: decision.reason },
        now,
      );
    }
    const action =
      decision.decision === 'approve' ? 'access.approve' : 'access.deny';
    if (!won) {
      const current = await this.getRequest(request.id);
      await this.audit(
        action,
        caller,
        publication,
        model,
        'failed',
        `request is already ${current.status}`,
      );
      throw new ConflictError(
        `access request ${request.id} is already ${current.status}`,
      );
    }
    await this.audit(action, caller, publication, model, 'succeeded');
    const decided = await this.getRequest(request.id);
    await this.o.notifier.requestDecided(decided, model);
    return decided;
  }

  /**
   * Issues the key of an approved request to its requester, exactly once: the first caller to move the
   * request from approved to issued creates the key; everyone after gets a 409 (the key is never shown twice).
   */
  async issue(
    requestId: string,
    model: AccessModel,
    caller: Caller,
    options: {
      /** Caps the key's lifetime below the approved one (an agent's short-lived key). */
      maxLifetimeMs?: number;
    } = {},
  ): Promise<{ request: AccessRequest; issued: IssuedApiKey }> {
    const request = await this.getRequest(requestId);
    if (request.requester !== caller.actor) {
      throw new NotAllowedError(
        'only the requester can collect the key of an access request',
      );
    }
    if (
      request.status !== 'approved' ||
      !(await this.o.store.claimIssue(request.id))
    ) {
      const current = await this.getRequest(request.id);
      throw new ConflictError(
        current.status === 'issued'
          ? 'the key of this request was already issued and shown once; rotate or request again if it is lost'
          : `access request ${request.id} is ${current.status}, not approved`,
      );
    }
    const publication = await this.publication(request.publicationId);
    const plan = await this.o.plans.get(request.planId);
    if (!plan) throw new NotFoundError(`plan ${request.planId} not found`);
    const now = this.now();
    const lifetimeMs = [
      request.keyLifetimeDays && request.keyLifetimeDays * DAY_MS,
      options.maxLifetimeMs,
    ].filter((ms): ms is number => typeof ms === 'number' && ms > 0);
    let issued: IssuedApiKey;
    try {
      issued = await this.o.keys.create(
        {
          publicationId: publication.id,
          name: `${parseEntityRef(request.consumerRef).name}-${request.id.slice(
            0,
            8,
          )}`.slice(0, 63),
          ...(lifetimeMs.length
            ? {
                expiresAt: new Date(
                  now.getTime() + Math.min(...lifetimeMs),
                ).toISOString(),
              }
            : {}),
          // The default plan is the publication's own per-client rules; other plans get the key's own rules.
          ...(plan.isDefault ? {} : { rateLimits: plan.rateLimits }),
        },
        { actor: caller.actor, request: caller.request },
      );
      await this.o.store.linkKey(request.id, {
        keyId: issued.key.id,
        planId: plan.id,
        consumerRef: request.consumerRef,
      });
    } catch (error) {
      await this.o.store.releaseIssue(request.id);
      throw error;
    }
    await this.audit(
      'access.issue',
      caller,
      publication,
      model,
      'succeeded',
      undefined,
      issued.key.id,
    );
    return { request: await this.getRequest(request.id), issued };
  }

  /** Requests of one model, for its owners. */
  listRequests(
    publicationId: string,
    status?: AccessRequest['status'],
  ): Promise<AccessRequest[]> {
    return this.o.store.listByPublication(publicationId, status);
  }

  /** Pending requests of every model; callers filter them by what the user may decide. */
  listPending(): Promise<AccessRequest[]> {
    return this.o.store.listPending();
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
    const scope = await this.o.consumers.scopeOf(userRef);
    const refs = [scope.user, ...scope.groups, ...scope.components];
    const [rows, requests] = await Promise.all([
      this.o.store.consumerKeys({ consumerRefs: refs }),
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
    const scope = await this.o.consumers.scopeOf(userRef);
    return [scope.user, ...scope.groups, ...scope.components].includes(
      key.consumerRef,
    );
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
    await this.audit(
      `access.${action}`,
      caller,
      await this.publication(publicationId),
      model,
      'succeeded',
      undefined,
      keyId,
    );
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

  private async describe(rows: ConsumerKeyRow[]): Promise<ConsumerKey[]> {
    const out: ConsumerKey[] = [];
    const byPublication = new Map<string, ConsumerKeyRow[]>();
    for (const row of rows)
      byPublication.set(row.publicationId, [
        ...(byPublication.get(row.publicationId) ?? []),
        row,
      ]);
    for (const [publicationId, group] of byPublication) {
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

  private async publication(id: string): Promise<Publication> {
    const publication = await this.o.publications.get(id);
    if (!publication) throw new NotFoundError(`publication ${id} not found`);
    return publication;
  }

  private async audit(
    action: AuditedAction,
    caller: Caller,
    publication: Publication,
    model: AccessModel,
    outcome: 'succeeded' | 'failed',
    error?: string,
    keyId?: string,
  ): Promise<void> {
    await this.o.auditLog.record({
      actor: caller.actor,
      action,
      entityRef: model.entityRef,
      publicationId: publication.id,
      ...(keyId ? { keyId } : {}),
      outcome,
      ...(error ? { error } : {}),
      request: caller.request,
    });
  }
}
