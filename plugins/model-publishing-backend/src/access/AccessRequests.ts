import { randomUUID } from 'crypto';
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
  IssuedApiKey,
  Plan,
  Publication,
} from '@model-publishing/plugin-model-publishing-common';
import type { AuditLog } from '../audit/AuditLog';
import type { PlanStore } from '../plans/PlanStore';
import { auditAccess, type AccessAuditEntry } from './accessAudit';
import { keyForRequest, keyLifetimeDays } from './keyIssue';
import type { AccessKeys, AccessModel, AccessParts, Caller } from './types';

export interface AccessRequestsOptions extends AccessParts {
  plans: PlanStore;
  keys: Pick<AccessKeys, 'create'>;
  auditLog: Pick<AuditLog, 'record'>;
  /** Why a publication takes no new consumers (deprecated, with a pointer to the successor); undefined = it does. */
  refuseNewAccess?: (publicationId: string) => Promise<string | undefined>;
}

/**
 * Requests on a publication's plans, their decision by the model's owners, and the one collection of
 * an approved request's key by its requester (docs/design.md §9).
 */
export class AccessRequests {
  private readonly now: () => Date;

  constructor(private readonly o: AccessRequestsOptions) {
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

  async request(
    publication: Publication,
    model: AccessModel,
    input: AccessRequestInput,
    caller: Caller,
  ): Promise<{ request: AccessRequest; issued?: IssuedApiKey }> {
    const refused = await this.o.refuseNewAccess?.(publication.id);
    if (refused) throw new ConflictError(refused);
    await this.o.consumers.verify(caller.actor, input.consumer);
    const plan = await this.planNamed(publication, input.plan);
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
    await this.audit('access.request', caller, publication.id, model);
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
        ? await this.planNamed(publication, decision.plan)
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
      await this.audit(action, caller, publication.id, model, {
        outcome: 'failed',
        error: `request is already ${current.status}`,
      });
      throw new ConflictError(
        `access request ${request.id} is already ${current.status}`,
      );
    }
    await this.audit(action, caller, publication.id, model);
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
    let issued: IssuedApiKey;
    try {
      issued = await this.o.keys.create(
        {
          publicationId: publication.id,
          ...keyForRequest(request, plan, this.now(), options.maxLifetimeMs),
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
    await this.audit('access.issue', caller, publication.id, model, {
      keyId: issued.key.id,
    });
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

  /** The publication's plan of that name, or a 400 naming the `plan` field and the plans on offer. */
  private async planNamed(publication: Publication, name: string) {
    const plans = await this.plansOf(publication);
    const plan = plans.find(p => p.name === name);
    if (!plan) {
      throw new InputError(
        `plan: no plan named '${name}' (this model offers ${plans
          .map(p => p.name)
          .join(', ')})`,
      );
    }
    return plan;
  }

  private async publication(id: string): Promise<Publication> {
    const publication = await this.o.publications.get(id);
    if (!publication) throw new NotFoundError(`publication ${id} not found`);
    return publication;
  }

  private audit(
    action: AccessAuditEntry['action'],
    caller: Caller,
    publicationId: string,
    model: AccessModel,
    more: Partial<Pick<AccessAuditEntry, 'outcome' | 'error' | 'keyId'>> = {},
  ): Promise<void> {
    return auditAccess(this.o.auditLog, {
      action,
      caller,
      publicationId,
      model,
      outcome: 'succeeded',
      ...more,
    });
  }
}
