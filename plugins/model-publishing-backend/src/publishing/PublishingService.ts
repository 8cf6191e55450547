import { randomUUID } from 'crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type {
  IssuedApiKey,
  OwnedObject,
  Publication,
  PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import type { AuditLog } from '../audit/AuditLog';
import type { PublicationStore } from '../database/PublicationStore';
import { publicationOf } from '../database/publicationOf';
import type { BuildKey, GatewaySettings, KubeObject } from '../gateway/types';
import type { ModelLookup } from '../kubernetes/ModelWatch';
import { errorMessage, type SagaExecutor } from './ClusterSaga';
import type { Leases } from './Leases';
import type { ModelLocation, ModelReader } from './ModelReader';
import { ownedRef } from './objects';
import { OperationAudit } from './operationAudit';
import type {
  OperationContext,
  PublishingKeys,
  ResponseHeadersOf,
} from './operationTypes';
import { newPublication, PublicationBuilder } from './PublicationBuilder';
import { PublicationSagas } from './PublicationSagas';
import type { PublicationPlan } from './planPublication';
import { PublishPreview } from './PublishPreview';
import type { PublishPolicy } from './publishPolicy';
import type { ServingContextReader } from './ServingContextReader';
import { AlreadyDone, SettledOperation, startUpdate } from './SettledOperation';
import { Takeover, type TakeOver, takenOverError } from './Takeover';

export type { ModelInfo, ModelLocation, LoadedModel } from './ModelReader';
export type { OperationContext, PublishingKeys } from './operationTypes';
export type { TakeOver } from './Takeover';

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
  responseHeaders?: ResponseHeadersOf;
}

/**
 * Publish / update / unpublish as sagas (docs/design.md §3): validated by the publish policy, written
 * through a journalled ClusterSaga that undoes itself on failure, recorded in the store, audited. This
 * class orders the steps; building the objects (PublicationBuilder), the cluster steps
 * (PublicationSagas), locking a settled publication (SettledOperation), taking over dead operations
 * (Takeover) and dry runs (PublishPreview) are their own modules.
 */
export class PublishingService {
  private readonly newId: () => string;
  private readonly builder: PublicationBuilder;
  private readonly steps: PublicationSagas;
  private readonly takeover: Takeover;
  private readonly settled: SettledOperation;
  private readonly preview: PublishPreview;
  private readonly audit: OperationAudit;

  constructor(private readonly o: PublishingServiceOptions) {
    this.newId = o.newId ?? randomUUID;
    this.builder = new PublicationBuilder(o);
    this.audit = new OperationAudit(o);
    const parts = { ...o, builder: this.builder, audit: this.audit };
    this.steps = new PublicationSagas(parts);
    this.takeover = new Takeover({ ...parts, steps: this.steps });
    this.settled = new SettledOperation({ ...parts, takeover: this.takeover });
    this.preview = new PublishPreview({ ...parts, newId: this.newId });
  }

  /** The objects a publish would write, validated as it would be (PublishPreview). */
  readonly dryRun: PublishPreview['dryRun'] = (model, config) =>
    this.preview.dryRun(model, config);

  /** What an update would change, without writing (PublishPreview). */
  readonly dryRunUpdate: PublishPreview['dryRunUpdate'] = (model, config) =>
    this.preview.dryRunUpdate(model, config);

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
      if (!live || !(await this.takeover.takeOverIfDead(live, op))) throw error;
      return this.publishOnce(model, config, op);
    }
  }

  private async publishOnce(
    model: ModelLocation,
    config: PublishConfig,
    op: OperationContext,
  ): Promise<{ publication: Publication; key?: IssuedApiKey }> {
    const {
      builder,
      o: { publications },
    } = this;
    const audit = this.audit.of('publication.create', model, op);
    const publishMode = { creating: true, requireReady: true };
    const speculative = this.o.models.speculative(model);
    const contextRead = builder.servingContext(model, {
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
    const planInput = { publicationId: id, isvc, kind, config, context };
    // Build once before recording: builder input errors (hostname, limits, names taken) are 4xx and change nothing.
    const planned = builder.plan({ ...planInput, keys: [], creating: true });
    const record = await publications.insertPublishing(
      newPublication({
        id,
        model,
        isvc,
        kind,
        config,
        planned,
        actor: op.actor,
      }),
      undefined,
      {
        quota: this.o.policy.quota(model.owner),
        lease: this.o.leases.lease(),
        hostname: builder.hostnameOf(model, kind.kind, config),
      },
    );

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
      await this.steps.create(saga, {
        ...planInput,
        model,
        keys,
        objects: keys.length
          ? builder.plan({ ...planInput, keys }).objects
          : planned.objects,
        live: speculative?.live,
      });
    } catch (error) {
      const reason = `publish failed: ${errorMessage(error)}`;
      await saga.undo();
      if (issued || config.firstKey) await this.discardKeysQuietly(id, op);
      await publications.update(
        id,
        { status: 'failed', statusReason: reason },
        { actor: op.actor, leaseToken: held.token },
      );
      held.release();
      await audit.failed(id, reason);
      throw error;
    }
    const publication = await publications.update(
      id,
      { status: 'published', statusReason: null },
      { actor: op.actor, fromStatuses: ['publishing'], leaseToken: held.token },
    );
    held.release();
    if (!publication) throw takenOverError(id, 'publish');
    await audit.succeeded(id);
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
    const {
      builder,
      o: { publications },
    } = this;
    const { current, isvc, kind, context } = await startUpdate(
      { ...this.o, builder },
      model,
      config,
    );
    const planInput = {
      publicationId: current.id,
      isvc,
      kind,
      config,
      context,
    };
    builder.plan({ ...planInput, keys: [] }); // input errors → 4xx before anything changes

    let built: PublicationPlan | undefined;
    const hostname = builder.hostnameOf(model, kind.kind, config);
    const held = await this.settled.run(
      current,
      'updating',
      'publication.update',
      model,
      op,
      async saga => {
        // Held before anything is written (409 naming hostname when another publication has it); the old
        // one stays held too until the update settles, so an undo can always go back to it.
        if (hostname) await publications.claimHostname(current.id, hostname);
        built = builder.plan({
          ...planInput,
          keys: await builder.liveKeys(current),
          responseHeaders: await builder.responseHeaders(current.id),
        });
        // Objects the new configuration no longer needs (e.g. the kind changed) go too.
        await this.steps.converge(saga, current.objects, built.objects);
      },
    );
    const updated = await publications.update(
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
    if (!updated) throw takenOverError(current.id, 'update');
    await publications.releaseHostnames(current.id, hostname);
    await this.audit.of('publication.update', model, op).succeeded(current.id);
    this.o.guides?.published(updated);
    return updated;
  }

  async unpublish(
    model: ModelLocation,
    op: OperationContext,
  ): Promise<Publication> {
    const current = await publicationOf(this.o.publications, model, 'live');
    const held = await this.settled
      .run(current, 'unpublishing', 'publication.delete', model, op, saga =>
        saga.deleteObjects(current.objects),
      )
      .catch(async error => {
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
    if (!done) throw takenOverError(current.id, 'unpublish');
    await this.audit.of('publication.delete', model, op).succeeded(current.id);
    this.o.guides?.unpublished(done);
    return done;
  }

  /**
   * Re-applies a settled publication's objects from its record (the key service calls this when
   * per-key limits change; the reconciler when repairing drift). Secret data is left to the key service.
   */
  reapply(
    publicationId: string,
    actor = 'system:model-publishing',
  ): Promise<Publication> {
    return this.steps.reapply(publicationId, actor);
  }

  /** Takes over an in-flight operation whose process died (Takeover); undefined when it is alive or taken. */
  takeOver(
    p: Publication,
    actor: string,
    now = new Date(),
    /** At start-up: an earlier process of this instance is gone, whether or not its lease ran out. */
    restarted = false,
  ): Promise<TakeOver | undefined> {
    return this.takeover.takeOver(p, actor, now, restarted);
  }

  /**
   * The objects a settled publication should have, for drift checks; the model from `from` (the
   * reconciler's snapshot) when it has it, else read live.
   */
  async desiredObjects(
    publication: Publication,
    from?: ModelLookup,
  ): Promise<KubeObject[]> {
    return (await this.builder.rebuild(publication, [], from)).objects;
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
}
