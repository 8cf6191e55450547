import { randomUUID } from 'crypto';
import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  IssuedApiKey,
  OwnedObject,
  Publication,
  PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import type { AuditedAction, AuditLog } from '../audit/AuditLog';
import type { GatewaySettings } from '../gateway/types';
import {
  IN_FLIGHT_STATUSES,
  LIVE_STATUSES,
  type PublicationStore,
} from '../database/PublicationStore';
import type { BuildKey, KubeObject } from '../gateway/types';
import { refOf } from '../kubernetes/ClusterClient';
import type { ModelLookup } from '../kubernetes/ModelWatch';
import { errorMessage, type SagaExecutor } from './ClusterSaga';
import type { LoadedModel, ModelLocation, ModelReader } from './ModelReader';
import { ownedRef, sameRef } from './objects';
import type { HeldLease, Leases } from './Leases';
import {
  type PublishKind,
  type PublishPolicy,
  resolveKind,
} from './publishPolicy';
import { planPublication, type PublicationPlan } from './planPublication';
import { occupiedHostname } from './hostnamePolicy';
import type {
  ServingContext,
  ServingContextReader,
} from './ServingContextReader';

export type { ModelInfo, ModelLocation, LoadedModel } from './ModelReader';

export interface OperationContext {
  actor: string;
  credentials?: BackstageCredentials;
  request?: unknown;
}

/** The parts of the key service the publishing workflow uses (src/keys/PublicationKeys). */
export interface PublishingKeys {
  issueInitialKey(
    input: { publicationId: string; name: string; expiresAt?: string },
    who: { actor: string; request?: unknown },
    /** The record just inserted (saves a read-after-write). */
    known?: Publication,
  ): Promise<{ issued: IssuedApiKey; buildKey: BuildKey }>;
  discardKeys(
    publicationId: string,
    who: { actor: string; request?: unknown },
  ): Promise<void>;
  readLiveSecretKeys(publicationId: string): Promise<{ keys: BuildKey[] }>;
}

export interface PublishingServiceOptions {
  models: ModelReader;
  policy: PublishPolicy;
  sagas: SagaExecutor;
  keys: PublishingKeys;
  publications: PublicationStore;
  auditLog: AuditLog;
  gateway: GatewaySettings;
  /** How KServe serves the model and what surrounds its route; without it, decided from the model alone. */
  servingContext?: ServingContextReader;
  logger: LoggerService;
  /**
   * TechDocs publishing of the guide (src/docs/techdocs), told after every successful publish, update and
   * unpublish. Fire-and-forget: it never fails or delays the operation; the reconciler retries.
   */
  guides?: {
    published(p: Publication): void;
    unpublished(p: Publication): void;
  };
  newId?: () => string;
  /** Leases on in-flight operations: heartbeats while they run, takeover when their process died. */
  leases: Leases;
  /** Response headers a publication's route carries (a deprecation's; src/deprecation). */
  responseHeaders?: (
    publicationId: string,
  ) => Promise<{ name: string; value: string }[] | undefined>;
}

/** Thrown before the route when the watched copy a publish built from is not the live model. */
class StaleModelError extends Error {
  constructor(readonly live: LoadedModel) {
    super('the watched copy of the model was out of date');
  }
}

/** What a taken-over operation became. */
export interface TakeOver {
  from: Publication['status'];
  publication: Publication;
}

/** An unpublish found its model's unpublish interrupted, and the takeover completed it. */
class AlreadyDone extends Error {
  constructor(readonly publication: Publication) {
    super('already unpublished');
  }
}

/** Placeholder first key of a dry run: shows where the key goes without issuing one. */
const DRY_RUN_KEY = {
  clientId: 'key-00000000-0000-0000-0000-000000000000',
  key: 'mpk_000000000000000000000000000000000000DRYRUN',
};

/** A placeholder for the i-th live key in an update's dry run: distinct (one Secret never holds two equal keys). */
function dryRunKey(i: number): string {
  const digits = String(i + 1);
  return `mpk_${'0'.repeat(36 - digits.length)}${digits}DRYRUN`;
}

/**
 * Publish / update / unpublish as sagas (docs/design.md §3): validated by the publish policy, written through a
 * journalled ClusterSaga that undoes itself on failure, recorded in the store, audited.
 */
export class PublishingService {
  private readonly newId: () => string;

  constructor(private readonly o: PublishingServiceOptions) {
    this.newId = o.newId ?? randomUUID;
  }

  /**
   * Before the route: the live model must be the very version the objects were built from. Anything
   * else (changed, recreated, gone, not Ready) is decided again from the live read.
   */
  private async confirmModel(
    built: KubeObject,
    live: Promise<LoadedModel>,
  ): Promise<void> {
    const now = await live;
    const same =
      now.isvc.metadata.uid === built.metadata.uid &&
      now.isvc.metadata.resourceVersion === built.metadata.resourceVersion;
    if (!same) throw new StaleModelError(now);
  }

  private build(
    publicationId: string,
    isvc: KubeObject,
    kind: PublishKind,
    config: PublishConfig,
    keys: BuildKey[],
    context: ServingContext | undefined,
    creating = false,
    responseHeaders?: { name: string; value: string }[],
  ): PublicationPlan {
    return planPublication(
      {
        publicationId,
        isvc,
        detection: kind,
        config,
        keys,
        gateway: this.o.gateway,
        ...(responseHeaders?.length ? { responseHeaders } : {}),
      },
      context,
      { creating },
    );
  }

  /** Started before the model is validated: its round trip runs alongside the model's read. */
  private servingContext(
    model: ModelLocation,
    options: { fresh: boolean; withModels?: boolean },
  ): Promise<ServingContext | undefined> {
    const read =
      this.o.servingContext?.read(model, options) ?? Promise.resolve(undefined);
    read.catch(() => undefined); // awaited later; a refusal of the model may come first
    return read;
  }

  async dryRun(
    model: ModelLocation,
    config: PublishConfig,
  ): Promise<{ objects: KubeObject[]; notes: string[] }> {
    const contextRead = this.servingContext(model, {
      fresh: true,
      withModels: true,
    });
    const { isvc, kind } = await this.o.policy.validate(model, config, {
      creating: true,
      requireReady: true,
    });
    const context = await contextRead;
    const { objects, notes } = this.build(
      this.newId(),
      isvc,
      kind,
      config,
      config.firstKey ? [DRY_RUN_KEY] : [],
      context,
      true,
    );
    return { objects, notes };
  }

  /**
   * What an update would change, without writing: the objects the new config builds (`objects`) beside
   * those the publication's current config builds (`current`: what the reconciler keeps running), with
   * the same live keys, serving context and response headers. Key values never leave: every live key is
   * built with a placeholder of its own (client ids and limits are real).
   */
  async dryRunUpdate(
    model: ModelLocation,
    config: PublishConfig,
  ): Promise<{
    objects: KubeObject[];
    current: KubeObject[];
    notes: string[];
  }> {
    const current = await this.findLive(model);
    const contextRead = this.servingContext(model, { fresh: true });
    const { isvc, kind } = await this.o.policy.validate(model, config, {
      creating: false,
      requireReady: false,
    });
    const context = await contextRead;
    const keys = (await this.liveKeys(current)).map((k, i) => ({
      ...k,
      key: dryRunKey(i),
    }));
    const headers = await this.o.responseHeaders?.(current.id);
    const planned = this.build(
      current.id,
      isvc,
      kind,
      config,
      keys,
      context,
      false,
      headers,
    );
    let running: KubeObject[] = [];
    try {
      running = this.build(
        current.id,
        isvc,
        // The same detection (and OpenAI path prefix) unless the update changes the kind.
        current.modelKind === kind.kind
          ? kind
          : resolveKind(
              {
                kind: current.modelKind,
                confidence: 'high',
                reason: 'the current publication',
                alternatives: [],
              },
              { ...current.config, modelKind: current.modelKind },
            ),
        current.config,
        keys,
        context,
        false,
        headers,
      ).objects;
    } catch (error) {
      // The current config no longer builds (e.g. the model changed under it): everything shows as new.
      planned.notes.push(
        `The current settings no longer build (${errorMessage(
          error,
        )}): every object is shown as new.`,
      );
    }
    return { objects: planned.objects, current: running, notes: planned.notes };
  }

  async publish(
    model: ModelLocation,
    config: PublishConfig,
    op: OperationContext,
  ): Promise<{ publication: Publication; key?: IssuedApiKey }> {
    try {
      return await this.publishOnce(model, config, op);
    } catch (error) {
      // 409 because of a publish (or update, unpublish) whose process died — its live record, or its
      // leftover objects around the route: take it over, then publish once more.
      if (!(error instanceof ConflictError)) throw error;
      const live = await this.o.publications.findLive(
        model.cluster,
        model.namespace,
        model.name,
      );
      if (!live || !(await this.takeOverIfDead(live, op))) throw error;
      return this.publishOnce(model, config, op);
    }
  }

  private async publishOnce(
    model: ModelLocation,
    config: PublishConfig,
    op: OperationContext,
  ): Promise<{ publication: Publication; key?: IssuedApiKey }> {
    const audit = (
      outcome: 'succeeded' | 'failed',
      publicationId?: string,
      error?: string,
    ) =>
      this.audit(
        'publication.create',
        model,
        op,
        outcome,
        publicationId,
        error,
      );
    const publishMode = { creating: true, requireReady: true };
    const speculative = this.o.models.speculative(model);
    const contextRead = this.servingContext(model, {
      fresh: true,
      withModels: true,
    });
    const { isvc, kind } = await this.o.policy
      .validate(model, config, publishMode, speculative?.watched)
      .catch(error => {
        if (!speculative) throw error;
        // A refusal is decided on the live model, never on a copy that may be behind it.
        return this.o.policy.validate(
          model,
          config,
          publishMode,
          speculative.live,
        );
      });
    const id = this.newId();
    const context = await contextRead;
    // Build once before recording: builder input errors (hostname, limits, names taken) are 4xx and change nothing.
    const planned = this.build(id, isvc, kind, config, [], context, true);
    const newRecord = () =>
      this.o.publications.insertPublishing(
        {
          id,
          cluster: model.cluster,
          namespace: model.namespace,
          name: model.name,
          entityRef: model.entityRef,
          owner: model.owner,
          resourceKind:
            isvc.kind === 'LLMInferenceService'
              ? 'LLMInferenceService'
              : 'InferenceService',
          modelKind: kind.kind,
          config,
          objects: planned.objects.map(ownedRef),
          endpoints: planned.endpoints,
          createdBy: op.actor,
        },
        undefined,
        {
          quota: this.o.policy.quota(model.owner),
          lease: this.o.leases.lease(),
          hostname: this.hostnameOf(model, kind.kind, config),
        },
      );
    const record = await newRecord();

    const held = this.o.leases.keep(id);
    const saga = this.o.sagas.begin(model.cluster, id);
    let issued: IssuedApiKey | undefined;
    try {
      const keys: BuildKey[] = [];
      if (config.firstKey) {
        const first = await this.o.keys.issueInitialKey(
          {
            publicationId: id,
            name: config.firstKey.name,
            expiresAt: config.firstKey.expiresAt,
          },
          { actor: op.actor, request: op.request },
          record,
        );
        issued = first.issued;
        keys.push(first.buildKey);
      }
      const { objects } = keys.length
        ? this.build(id, isvc, kind, config, keys, context)
        : planned;
      try {
        await saga.applyStaged(
          objects,
          'create',
          speculative && (() => this.confirmModel(isvc, speculative.live)),
        );
      } catch (error) {
        if (!(error instanceof StaleModelError)) throw error;
        // The watched copy was behind the cluster: take back what was built from it and decide again
        // from the live model (404/409/422 as without a watch; the record then says why it failed).
        await saga.undo();
        const fresh = this.o.policy.check(
          model,
          config,
          { creating: false, requireReady: true },
          error.live,
        );
        if (
          fresh.kind !== kind.kind ||
          fresh.openaiPathPrefix !== kind.openaiPathPrefix
        ) {
          throw new ConflictError(
            `InferenceService ${model.namespace}/${model.name} changed while it was being published; publish again`,
          );
        }
        await saga.applyStaged(
          this.build(id, error.live.isvc, fresh, config, keys, context).objects,
          'create',
        );
      }
    } catch (error) {
      const reason = `publish failed: ${errorMessage(error)}`;
      await saga.undo();
      if (issued || config.firstKey) await this.discardKeysQuietly(id, op);
      await this.o.publications.update(
        id,
        { status: 'failed', statusReason: reason },
        { actor: op.actor, leaseToken: held.token },
      );
      held.release();
      await audit('failed', id, reason);
      throw error;
    }
    const publication = await this.o.publications.update(
      id,
      { status: 'published', statusReason: null },
      { actor: op.actor, fromStatuses: ['publishing'], leaseToken: held.token },
    );
    held.release();
    if (!publication) throw this.takenOver(id, 'publish');
    await audit('succeeded', id);
    this.o.guides?.published(publication);
    return {
      publication,
      ...(issued ? { key: issued } : {}),
    };
  }

  async update(
    model: ModelLocation,
    config: PublishConfig,
    op: OperationContext,
  ): Promise<Publication> {
    const current = await this.findLive(model);
    const contextRead = this.servingContext(model, { fresh: true });
    const { isvc, kind } = await this.o.policy.validate(model, config, {
      creating: false,
      requireReady: false,
    });
    const context = await contextRead;
    this.build(current.id, isvc, kind, config, [], context); // input errors → 4xx before anything changes

    let built: PublicationPlan | undefined;
    const hostname = this.hostnameOf(model, kind.kind, config);
    const held = await this.settledOperation(
      current,
      'updating',
      'publication.update',
      model,
      op,
      async saga => {
        // Held before anything is written (409 naming hostname when another publication has it); the old
        // one stays held too until the update settles, so an undo can always go back to it.
        if (hostname)
          await this.o.publications.claimHostname(current.id, hostname);
        built = this.build(
          current.id,
          isvc,
          kind,
          config,
          await this.liveKeys(current),
          context,
          false,
          await this.o.responseHeaders?.(current.id),
        );
        await saga.applyStaged(built.objects, 'apply');
        // Objects the new configuration no longer needs (e.g. the kind changed): removed only after the
        // new route is in place, so the model is never unprotected.
        await saga.deleteObjects(
          current.objects.filter(
            o => !built!.objects.some(b => sameRef(refOf(b), o)),
          ),
        );
      },
    );
    const updated = await this.o.publications.update(
      current.id,
      {
        status: 'published',
        statusReason: null,
        config,
        modelKind: kind.kind,
        objects: built!.objects.map(ownedRef),
        endpoints: built!.endpoints,
      },
      { actor: op.actor, fromStatuses: ['updating'], leaseToken: held.token },
    );
    held.release();
    if (!updated) throw this.takenOver(current.id, 'update');
    await this.o.publications.releaseHostnames(current.id, hostname);
    await this.audit('publication.update', model, op, 'succeeded', current.id);
    this.o.guides?.published(updated);
    return updated;
  }

  async unpublish(
    model: ModelLocation,
    op: OperationContext,
  ): Promise<Publication> {
    const current = await this.findLive(model);
    const held = await this.settledOperation(
      current,
      'unpublishing',
      'publication.delete',
      model,
      op,
      saga => saga.deleteObjects(current.objects),
    ).catch(async error => {
      // An unpublish of a dead process, finished by the takeover: what the caller asked for is done.
      if (error instanceof AlreadyDone) return error.publication;
      throw error;
    });
    if (!('token' in held)) return held;
    await this.discardKeysQuietly(current.id, op);
    const done = await this.o.publications.update(
      current.id,
      { status: 'unpublished', statusReason: null },
      {
        actor: op.actor,
        fromStatuses: ['unpublishing'],
        leaseToken: held.token,
      },
    );
    held.release();
    if (!done) throw this.takenOver(current.id, 'unpublish');
    await this.audit('publication.delete', model, op, 'succeeded', current.id);
    this.o.guides?.unpublished(done);
    return done;
  }

  /**
   * Re-applies a settled publication's objects from its record (the key service calls this when
   * per-key limits change; the reconciler when repairing drift). Secret data is left to the key service.
   */
  async reapply(
    publicationId: string,
    actor = 'system:model-publishing',
    /** Reapplying as the takeover of a dead update: only while this lease is held. */
    leaseToken?: string,
  ): Promise<Publication> {
    const current = await this.o.publications.getOrThrow(publicationId);
    const built = await this.rebuild(current, await this.liveKeys(current));
    const saga = this.o.sagas.begin(current.cluster, current.id);
    try {
      await saga.applyStaged(built.objects, 'apply');
      // Objects the publication no longer needs (a withdrawn deprecation's EnvoyExtensionPolicy).
      await saga.deleteObjects(
        current.objects.filter(
          o => !built.objects.some(b => sameRef(refOf(b), o)),
        ),
      );
    } catch (error) {
      await saga.undo();
      throw error;
    }
    const updated = await this.o.publications.update(
      current.id,
      {
        status: 'published',
        statusReason: null,
        objects: built.objects.map(ownedRef),
        endpoints: built.endpoints,
      },
      {
        actor,
        fromStatuses: leaseToken ? ['updating'] : ['published', 'degraded'],
        ...(leaseToken ? { leaseToken } : {}),
      },
    );
    return updated ?? current;
  }

  /**
   * Takes over an in-flight operation whose process died — its lease ran out, or it belonged to this
   * instance before a restart — and finishes it the safe way (docs/design.md §3): a publish is rolled back, an
   * update restores the recorded configuration, an unpublish completes. The claim is one conditional
   * update, so of two instances (or the reconciler and a request) exactly one takes it over; the other
   * gets undefined, as does a record whose operation is alive.
   */
  async takeOver(
    p: Publication,
    actor: string,
    now = new Date(),
    /** At start-up: an earlier process of this instance is gone, whether or not its lease ran out. */
    restarted = false,
  ): Promise<TakeOver | undefined> {
    const claimed = await this.o.publications.claim(
      p.id,
      this.o.leases.lease(now),
      { now, restarted },
    );
    if (!claimed) return undefined;
    const held = this.o.leases.keep(p.id);
    try {
      return {
        from: claimed.status,
        publication: await this.converge(claimed, actor, held),
      };
    } finally {
      held.release();
    }
  }

  private async converge(
    p: Publication,
    actor: string,
    held: HeldLease,
  ): Promise<Publication> {
    const { publications } = this.o;
    const labelled = () =>
      this.o.sagas.listLabelled(p.cluster, p.namespace, p.id);
    const after = async (changed: Publication | undefined) =>
      changed ?? (await publications.getOrThrow(p.id));
    if (p.status === 'publishing') {
      // Rolled back rather than forward: the first key (if any) was never handed out, so it is
      // discarded too — before the status changes, so a failure here is retried on the next run.
      await this.deleteAll(p.cluster, await labelled());
      await this.discardKeys(p.id, actor);
      return after(
        await publications.update(
          p.id,
          {
            status: 'failed',
            statusReason: 'publish was interrupted; its objects were removed',
          },
          { actor, fromStatuses: ['publishing'], leaseToken: held.token },
        ),
      );
    }
    if (p.status === 'updating') {
      // The record still holds the previous configuration: re-apply it and drop extra objects.
      const restored = await this.reapply(p.id, actor, held.token);
      await publications.releaseHostnames(p.id, this.hostnameOf(p));
      const extra = (await labelled()).filter(
        o => !restored.objects.some(r => sameRef(r, o)),
      );
      await this.deleteAll(p.cluster, extra);
      return restored;
    }
    await this.deleteAll(p.cluster, [...p.objects, ...(await labelled())]);
    await this.discardKeys(p.id, actor);
    const done = await publications.update(
      p.id,
      { status: 'unpublished', statusReason: null },
      {
        actor,
        fromStatuses: ['unpublishing'],
        leaseToken: held.token,
        historyReason: 'unpublish was interrupted; completed',
      },
    );
    if (done) this.o.guides?.unpublished(done);
    return after(done);
  }

  /** The hostname a publication of this model with this configuration occupies (hostnamePolicy). */
  private hostnameOf(
    model: Pick<ModelLocation, 'namespace' | 'name'>,
    modelKind?: string,
    config?: PublishConfig,
  ): string | undefined {
    const p = model as Partial<Publication>;
    return occupiedHostname(this.o.gateway, {
      namespace: model.namespace,
      name: model.name,
      modelKind: modelKind ?? p.modelKind ?? 'unknown',
      config: config ?? p.config ?? { rateLimits: {} },
    });
  }

  /** A request found its model's record in flight: take it over when its process is dead. */
  private async takeOverIfDead(
    p: Publication,
    op: OperationContext,
  ): Promise<TakeOver | undefined> {
    if (!IN_FLIGHT_STATUSES.includes(p.status)) return undefined;
    const taken = await this.takeOver(p, op.actor);
    if (taken)
      this.o.logger.info(
        `publication ${p.id}: took over its interrupted ${p.status} (now ${taken.publication.status})`,
      );
    return taken;
  }

  private takenOver(id: string, what: string): ConflictError {
    return new ConflictError(
      `publication ${id}: this ${what} stopped renewing its lease and was taken over; check its status and try again`,
    );
  }

  /**
   * The objects a settled publication should have, for drift checks; the model from `from` (the
   * reconciler's snapshot) when it has it, else read live.
   */
  async desiredObjects(
    publication: Publication,
    from?: ModelLookup,
  ): Promise<KubeObject[]> {
    return (await this.rebuild(publication, [], from)).objects;
  }

  /**
   * Revokes and forgets every key of a publication that will never serve (the reconciler rolling
   * back a publish killed mid-way: its first key was recorded, perhaps put in the Secret, but never
   * handed out). Idempotent.
   */
  async discardKeys(publicationId: string, actor: string): Promise<void> {
    await this.o.keys.discardKeys(publicationId, { actor });
  }

  /** Deletes every listed object (route first) and returns; used by the reconciler. */
  async deleteAll(cluster: string, objects: OwnedObject[]): Promise<void> {
    await this.o.sagas.deleteAll(cluster, objects);
  }

  // ---- shared steps -------------------------------------------------------------------------

  private async findLive(model: ModelLocation): Promise<Publication> {
    const current = await this.o.publications.findLive(
      model.cluster,
      model.namespace,
      model.name,
    );
    if (!current)
      throw new NotFoundError(
        `${model.namespace}/${model.name} is not published`,
      );
    return current;
  }

  /**
   * Runs a saga on a settled publication: locks it in `status` (409 when it is not settled), and on
   * failure undoes the saga, restores the previous status with the reason, audits and rethrows.
   */
  private async settledOperation(
    current: Publication,
    status: 'updating' | 'unpublishing',
    action: AuditedAction,
    model: ModelLocation,
    op: OperationContext,
    run: (saga: ReturnType<SagaExecutor['begin']>) => Promise<void>,
  ): Promise<HeldLease> {
    const lock = () =>
      this.o.publications.update(
        current.id,
        { status },
        {
          actor: op.actor,
          fromStatuses: ['published', 'degraded'],
          lease: this.o.leases.lease(),
        },
      );
    let locked = await lock();
    if (!locked) {
      // In flight: when its process died, take it over and go on from where that leaves the record.
      const now = await this.o.publications.get(current.id);
      const taken = now && (await this.takeOverIfDead(now, op));
      if (taken && !LIVE_STATUSES.includes(taken.publication.status)) {
        if (status === 'unpublishing') throw new AlreadyDone(taken.publication);
        throw new NotFoundError(
          `${model.namespace}/${model.name} is not published (its interrupted publish was rolled back)`,
        );
      }
      if (taken) locked = await lock();
      if (!locked) {
        const lease =
          now && IN_FLIGHT_STATUSES.includes(now.status)
            ? await this.o.publications.leaseOf(current.id)
            : undefined;
        const wait = lease?.expiresAt
          ? ` (its lease runs out in ${Math.max(
              1,
              Math.ceil((lease.expiresAt.getTime() - Date.now()) / 1000),
            )} s)`
          : '';
        throw new ConflictError(
          `publication ${current.id} is ${
            now?.status ?? current.status
          }; try again when it is settled${wait}`,
        );
      }
    }
    const held = this.o.leases.keep(current.id);
    const saga = this.o.sagas.begin(model.cluster, current.id);
    try {
      await run(saga);
    } catch (error) {
      const reason = `${
        status === 'updating' ? 'update' : 'unpublish'
      } failed: ${errorMessage(error)}`;
      await saga.undo();
      await this.o.publications.update(
        current.id,
        { status: current.status },
        { actor: op.actor, historyReason: reason, leaseToken: held.token },
      );
      held.release();
      await this.o.publications
        .releaseHostnames(current.id, this.hostnameOf(current))
        .catch(() => undefined); // a leftover claim is released by the next update or unpublish
      await this.audit(action, model, op, 'failed', current.id, reason);
      throw error;
    }
    return held;
  }

  /** A settled publication's objects rebuilt from its record and the model as it is now. */
  private async rebuild(
    publication: Publication,
    keys: BuildKey[],
    from?: ModelLookup,
  ) {
    const contextRead = this.servingContext(publication, { fresh: false });
    const { isvc, detection } = await this.o.models.load(publication, from);
    const kind = resolveKind(detection, {
      ...publication.config,
      modelKind: publication.modelKind,
    });
    const context = await contextRead;
    return this.build(
      publication.id,
      isvc,
      kind,
      publication.config,
      keys,
      context,
      false,
      await this.o.responseHeaders?.(publication.id),
    );
  }

  /** Active keys for a rebuild, with their raw values from the Secret. */
  private async liveKeys(publication: Publication): Promise<BuildKey[]> {
    return (await this.o.keys.readLiveSecretKeys(publication.id)).keys;
  }

  private async discardKeysQuietly(
    publicationId: string,
    op: OperationContext,
  ): Promise<void> {
    await this.o.keys
      .discardKeys(publicationId, { actor: op.actor, request: op.request })
      .catch(e =>
        this.o.logger.warn(
          `publication ${publicationId}: could not discard keys: ${errorMessage(
            e,
          )}`,
        ),
      );
  }

  private async audit(
    action: AuditedAction,
    model: ModelLocation,
    op: OperationContext,
    outcome: 'succeeded' | 'failed',
    publicationId?: string,
    error?: string,
  ) {
    await this.o.auditLog
      .record({
        actor: op.actor,
        action,
        entityRef: model.entityRef,
        publicationId,
        outcome,
        error,
        request: op.request,
      })
      .catch(e =>
        this.o.logger.error(
          `could not write audit row for ${action}: ${errorMessage(e)}`,
        ),
      );
  }
}
