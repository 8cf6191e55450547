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
import type { PublicationStore } from '../database/PublicationStore';
import type { BuildKey, KubeObject } from '../gateway/types';
import { refOf } from '../kubernetes/ClusterClient';
import type { ModelLookup } from '../kubernetes/ModelWatch';
import { errorMessage, type SagaExecutor } from './ClusterSaga';
import type { LoadedModel, ModelLocation, ModelReader } from './ModelReader';
import { ownedRef, sameRef } from './objects';
import {
  type PublishKind,
  type PublishPolicy,
  resolveKind,
} from './publishPolicy';
import { planPublication, type PublicationPlan } from './planPublication';
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

/** Placeholder first key of a dry run: shows where the key goes without issuing one. */
const DRY_RUN_KEY = {
  clientId: 'key-00000000-0000-0000-0000-000000000000',
  key: 'mpk_000000000000000000000000000000000000DRYRUN',
};

/**
 * Publish / update / unpublish as sagas (design §3): validated by the publish policy, written through a
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

  async publish(
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
    const record = await this.o.publications.insertPublishing(
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
      { quota: this.o.policy.quota(model.owner) },
    );

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
        { actor: op.actor },
      );
      await audit('failed', id, reason);
      throw error;
    }
    const publication = await this.o.publications.update(
      id,
      { status: 'published', statusReason: null },
      { actor: op.actor, fromStatuses: ['publishing'] },
    );
    await audit('succeeded', id);
    if (publication) this.o.guides?.published(publication);
    return {
      publication: publication ?? { ...record, status: 'published' },
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
    await this.settledOperation(
      current,
      'updating',
      'publication.update',
      model,
      op,
      async saga => {
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
      { actor: op.actor },
    );
    await this.audit('publication.update', model, op, 'succeeded', current.id);
    if (updated) this.o.guides?.published(updated);
    return updated!;
  }

  async unpublish(
    model: ModelLocation,
    op: OperationContext,
  ): Promise<Publication> {
    const current = await this.findLive(model);
    await this.settledOperation(
      current,
      'unpublishing',
      'publication.delete',
      model,
      op,
      saga => saga.deleteObjects(current.objects),
    );
    await this.discardKeysQuietly(current.id, op);
    const done = await this.o.publications.update(
      current.id,
      { status: 'unpublished', statusReason: null },
      { actor: op.actor },
    );
    await this.audit('publication.delete', model, op, 'succeeded', current.id);
    if (done) this.o.guides?.unpublished(done);
    return done!;
  }

  /**
   * Re-applies a settled publication's objects from its record (the key service calls this when
   * per-key limits change; the reconciler when repairing drift). Secret data is left to the key service.
   */
  async reapply(
    publicationId: string,
    actor = 'system:model-publishing',
  ): Promise<Publication> {
    const current = await this.o.publications.getOrThrow(publicationId);
    const built = await this.rebuild(current, await this.liveKeys(current));
    const saga = this.o.sagas.begin(current.cluster, current.id);
    try {
      await saga.applyStaged(built.objects, 'apply');
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
      { actor, fromStatuses: ['published', 'degraded', 'updating'] },
    );
    return updated ?? current;
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
  ): Promise<void> {
    const locked = await this.o.publications.update(
      current.id,
      { status },
      { actor: op.actor, fromStatuses: ['published', 'degraded'] },
    );
    if (!locked) {
      throw new ConflictError(
        `publication ${current.id} is ${current.status}; try again when it is settled`,
      );
    }
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
        { actor: op.actor, historyReason: reason },
      );
      await this.audit(action, model, op, 'failed', current.id, reason);
      throw error;
    }
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
