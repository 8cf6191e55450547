import { randomUUID } from 'crypto';
import type { BackstageCredentials, LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError, isError } from '@backstage/errors';
import type {
  GuideResponse,
  IssuedApiKey,
  ModelKindDetection,
  OwnedObject,
  Publication,
  PublicationStatus,
  PublishConfig,
  PublishableModelKind,
  ModelResourceKind,
} from '@model-publishing/plugin-model-publishing-common';
import type { AuditedAction, AuditLog } from '../audit/AuditLog';
import { redactKeys } from '../audit/AuditLog';
import type { ModelPublishingConfig } from '../config';
import type { OwnerQuota, PublicationStore } from '../database/PublicationStore';
import { UnprocessableError } from '../errors';
import { buildPublicationObjects, publicationEndpoints } from '../gateway';
import type { BuildKey, KubeObject, PublicationEndpoint } from '../gateway/types';
import { ClusterClient, describeRef, ObjectRef, refOf } from '../kubernetes/ClusterClient';
import type { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import type { ModelLookup } from '../kubernetes/ModelWatch';
import { detectModelKind, servedModelName } from '../models';
import { buildGuide, buildOpenApiDocument } from '../docs';
import { checkTenantRules, publicationQuota, quotaViolation } from '../tenants/tenantRules';
import { applyStages, ownedRef, recreatable, ROUTE_KINDS, sameRef } from './objects';

/** A model's address after resolution (router's ModelTarget satisfies it). */
export interface ModelLocation {
  cluster: string;
  namespace: string;
  name: string;
  entityRef?: string;
  owner?: string;
  /** Which resource to read; unset = an InferenceService, else an LLMInferenceService of that name. */
  resourceKind?: ModelResourceKind;
}

export interface ModelInfo {
  cluster: string;
  namespace: string;
  name: string;
  entityRef?: string;
  ready: boolean;
  readyMessage?: string;
  detection: ModelKindDetection;
  runtime?: string;
}

export interface OperationContext {
  actor: string;
  credentials?: BackstageCredentials;
  request?: unknown;
}

/** The parts of the keys helper's ApiKeyService the publishing workflow uses (src/keys). */
export interface PublishingKeys {
  issueInitialKey(
    input: { publicationId: string; name: string; expiresAt?: string },
    who: { actor: string; request?: unknown },
    /** The record just inserted (saves a read-after-write). */
    known?: Publication,
  ): Promise<{ issued: IssuedApiKey; buildKey: BuildKey }>;
  discardKeys(publicationId: string, who: { actor: string; request?: unknown }): Promise<void>;
  /** Throws the InputError issueInitialKey would throw for this first key (expiry in the past, …). */
  checkInitialKey?(input: { name: string; expiresAt?: string }): void;
  readLiveSecretKeys(publicationId: string): Promise<{ keys: BuildKey[] }>;
}

export interface PublishingServiceOptions {
  clusters: ClusterRegistry;
  publications: PublicationStore;
  auditLog: AuditLog;
  config: ModelPublishingConfig;
  logger: LoggerService;
  keys?: PublishingKeys;
  /**
   * TechDocs publishing of the guide (src/docs/techdocs), told after every successful publish, update and
   * unpublish. Fire-and-forget: it never fails or delays the operation; the reconciler retries.
   */
  guides?: { published(p: Publication): void; unpublished(p: Publication): void };
  newId?: () => string;
  /**
   * Watch-backed copies of InferenceServices (kubernetes/ModelWatch). With one, publish builds from the
   * copy and re-reads the model while it creates the objects; the route waits for the live read.
   */
  models?: ModelLookup;
  /**
   * Test hook: runs before every cluster write of a saga. A test can fail it, or never resolve it to
   * simulate a process killed between writes.
   */
  beforeClusterWrite?: (op: { action: 'create' | 'replace' | 'delete'; ref: ObjectRef }) => Promise<void>;
}

/** A model as read from the cluster, with what was derived from it. */
export interface LoadedModel {
  isvc: KubeObject;
  runtime?: KubeObject;
  detection: ModelKindDetection;
}

/** Thrown before the route when the watched copy a publish built from is not the live model. */
class StaleModelError extends Error {
  constructor(readonly live: LoadedModel) {
    super('the watched copy of the model was out of date');
  }
}

/** One step of a saga: the object touched and what it was before (undefined = it did not exist). */
interface JournalEntry {
  ref: ObjectRef;
  before?: KubeObject;
}

/** How long a ServingRuntime lookup is reused. */
const RUNTIME_CACHE_MS = 30_000;

const INFERENCE_SERVICE = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService' };
/** v1alpha2 is the storage version from KServe 0.16; older installs serve only v1alpha1. */
const LLM_INFERENCE_SERVICE_VERSIONS = ['serving.kserve.io/v1alpha2', 'serving.kserve.io/v1alpha1'];

function messageOf(error: unknown): string {
  return redactKeys(isError(error) ? error.message : String(error));
}

function readiness(isvc: KubeObject): { ready: boolean; message?: string } {
  const conditions: { type?: string; status?: string; message?: string; reason?: string }[] =
    isvc.status?.conditions ?? [];
  const ready = conditions.find(c => c.type === 'Ready');
  if (ready?.status === 'True') return { ready: true };
  return {
    ready: false,
    message: ready?.message ?? ready?.reason ?? 'the InferenceService has no Ready condition yet',
  };
}

/**
 * Publish / update / unpublish as sagas (design §3). Every cluster write is journalled; on failure the
 * journal is undone in reverse, so the cluster ends as it was, and the record says why.
 */
export class PublishingService {
  private readonly newId: () => string;
  private readonly runtimeCache = new Map<string, { value?: KubeObject; expires: number }>();

  constructor(private readonly o: PublishingServiceOptions) {
    this.newId = o.newId ?? randomUUID;
  }

  /** Lets plugin.ts attach the key service after both are built (they depend on each other). */
  setKeys(keys: PublishingKeys): void {
    this.o.keys = keys;
  }

  private client(cluster: string): ClusterClient {
    return this.o.clusters.get(cluster);
  }

  // ---- reading the model --------------------------------------------------------------------

  /** The InferenceService (or LLMInferenceService) and its ServingRuntime, or 404. */
  async loadModel(model: ModelLocation): Promise<LoadedModel> {
    const client = this.client(model.cluster);
    const found = await this.readModelObject(client, model);
    if (!found) {
      throw new NotFoundError(
        `${model.resourceKind ?? 'InferenceService'} ${model.namespace}/${model.name} not found in cluster '${model.cluster}'`,
      );
    }
    const isvc: KubeObject = {
      ...found.object,
      apiVersion: found.object.apiVersion ?? found.apiVersion,
      kind: found.object.kind ?? found.kind,
    };
    return this.withRuntime(client, isvc);
  }

  /** The model with its ServingRuntime (if it names one) and the kind detected from both. */
  private async withRuntime(client: ClusterClient, isvc: KubeObject): Promise<LoadedModel> {
    const runtimeName: string | undefined = isvc.spec?.predictor?.model?.runtime;
    const runtime = runtimeName ? await this.runtime(client, isvc.metadata.namespace!, runtimeName) : undefined;
    return { isvc, runtime, detection: detectModelKind(isvc, runtime) };
  }

  /**
   * Reads the model's resource: the kind the entity names, else an InferenceService and, failing
   * that, an LLMInferenceService of the same name (records made before the kind was known).
   */
  private async readModelObject(
    client: ClusterClient,
    model: ModelLocation,
  ): Promise<{ object: KubeObject; apiVersion: string; kind: string } | undefined> {
    const at = { namespace: model.namespace, name: model.name };
    if (model.resourceKind !== 'LLMInferenceService') {
      const object = await client.get({ ...INFERENCE_SERVICE, ...at });
      if (object) return { object, ...INFERENCE_SERVICE };
      if (model.resourceKind === 'InferenceService') return undefined;
    }
    for (const apiVersion of LLM_INFERENCE_SERVICE_VERSIONS) {
      // A version the cluster does not serve (or a cluster without the CRD) answers 404 or an error
      // from discovery: try the next one.
      const object = await client
        .get({ apiVersion, kind: 'LLMInferenceService', ...at })
        .catch(() => undefined);
      if (object) return { object, apiVersion, kind: 'LLMInferenceService' };
    }
    return undefined;
  }

  /**
   * A ServingRuntime (namespaced, else cluster-wide), looked up concurrently and cached briefly:
   * runtimes are cluster configuration that rarely changes, and the lookup would otherwise add a
   * round trip to every publish of a model that names one.
   */
  private async runtime(client: ClusterClient, namespace: string, name: string): Promise<KubeObject | undefined> {
    // The runtime watches, when in sync, answer without a round trip (including "there is none").
    const watched = this.o.models?.servingRuntime?.(client.name, namespace, name);
    if (watched) return watched.found;
    const key = `${client.name}/${namespace}/${name}`;
    const cached = this.runtimeCache.get(key);
    if (cached && cached.expires > Date.now()) return cached.value;
    const ignore = () => undefined;
    const [namespaced, clusterWide] = await Promise.all([
      client.get({ apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ServingRuntime', namespace, name }).catch(ignore),
      client.get({ apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ClusterServingRuntime', namespace: '', name }).catch(ignore),
    ]);
    const value = namespaced ?? clusterWide;
    this.runtimeCache.set(key, { value, expires: Date.now() + RUNTIME_CACHE_MS });
    return value;
  }

  async describeModel(model: ModelLocation): Promise<ModelInfo> {
    const { isvc, detection } = await this.loadModel(model);
    const { ready, message } = readiness(isvc);
    const runtime: string | undefined = isvc.spec?.predictor?.model?.runtime;
    return {
      cluster: model.cluster,
      namespace: model.namespace,
      name: model.name,
      ...(model.entityRef ? { entityRef: model.entityRef } : {}),
      ready,
      ...(message ? { readyMessage: message } : {}),
      detection,
      ...(runtime ? { runtime } : {}),
    };
  }

  /** The kind to publish as: the owner's choice where detection allows it, else the detected kind. */
  resolveKind(
    detection: ModelKindDetection,
    config: PublishConfig,
  ): { kind: PublishableModelKind; openaiPathPrefix?: string } {
    if (detection.kind === 'grpc') {
      throw new UnprocessableError(`modelKind: gRPC models cannot be published yet (${detection.reason})`);
    }
    const chosen = config.modelKind;
    if (chosen) {
      const allowed =
        detection.confidence === 'low' ||
        detection.kind === 'unknown' ||
        chosen === detection.kind ||
        detection.alternatives.includes(chosen);
      if (!allowed) {
        throw new UnprocessableError(
          `modelKind: ${chosen} contradicts the detected kind ${detection.kind} (${detection.reason})`,
        );
      }
      const prefix = chosen === 'openai' ? detection.openaiPathPrefix ?? '/v1' : undefined;
      return { kind: chosen, ...(prefix ? { openaiPathPrefix: prefix } : {}) };
    }
    if (detection.kind === 'unknown') {
      throw new UnprocessableError(
        `modelKind: the model kind could not be detected (${detection.reason}); choose one of ${
          detection.alternatives.join(', ') || 'openai, v1, v2'
        }`,
      );
    }
    return {
      kind: detection.kind,
      ...(detection.openaiPathPrefix ? { openaiPathPrefix: detection.openaiPathPrefix } : {}),
    };
  }

  /**
   * Validation shared by publish, update and dry-run: 404, 409 (not Ready), 422 (kind, tenant).
   * `preloaded`: a model already in hand (a watched copy) instead of reading it.
   */
  private async validate(
    model: ModelLocation,
    config: PublishConfig,
    mode: { creating: boolean; requireReady: boolean },
    preloaded?: Promise<LoadedModel>,
  ) {
    // First-key input errors are 400s before the cluster is read or anything is recorded.
    if (mode.creating && config.firstKey) this.o.keys?.checkInitialKey?.(config.firstKey);
    // The quota count does not depend on the model: read it while the cluster answers.
    const [loaded, livePublications] = await Promise.all([
      preloaded ?? this.loadModel(model),
      mode.creating && model.owner && publicationQuota(this.o.config.tenants, model.owner)
        ? this.o.publications.countLiveByOwner(model.owner)
        : Promise.resolve(0),
    ]);
    return this.check(model, config, mode, loaded, livePublications);
  }

  /** The checks of `validate` on a model in hand; throws the 409/422 it finds. */
  private check(
    model: ModelLocation,
    config: PublishConfig,
    mode: { creating: boolean; requireReady: boolean },
    { isvc, detection }: LoadedModel,
    livePublications: number,
  ) {
    if (mode.requireReady) {
      const { ready, message } = readiness(isvc);
      if (!ready) {
        throw new ConflictError(`InferenceService ${model.namespace}/${model.name} is not Ready: ${message}`);
      }
    }
    const kind = this.resolveKind(detection, config);
    if (kind.kind !== 'openai') {
      const tokenFields = Object.keys(config.rateLimits ?? {}).filter(k => k.startsWith('tokens'));
      if (tokenFields.length) {
        throw new UnprocessableError(
          `rateLimits.${tokenFields[0]}: token limits apply to OpenAI-compatible models only (this model is ${kind.kind})`,
        );
      }
    }
    const violations = checkTenantRules({
      tenants: this.o.config.tenants,
      owner: model.owner,
      namespace: model.namespace,
      config,
      livePublications,
      creating: mode.creating,
    });
    if (violations.length) throw new UnprocessableError(violations.join('; '));
    return { isvc, detection, kind };
  }

  /**
   * A Ready watched copy of the model to build from, with the live read that must confirm it, or
   * undefined (no watch, not in sync, unknown or not-Ready model: read live first, as without a watch).
   */
  private speculativeModel(model: ModelLocation): { watched: Promise<LoadedModel>; live: Promise<LoadedModel> } | undefined {
    const models = this.o.models;
    if (!models) return undefined;
    const at = [model.cluster, model.namespace, model.name] as const;
    // As readModelObject: the kind the entity names, else an InferenceService before an LLMInferenceService.
    const copy =
      (model.resourceKind !== 'LLMInferenceService' ? models.inferenceService(...at) : undefined) ??
      (model.resourceKind !== 'InferenceService' ? models.llmInferenceService?.(...at) : undefined);
    if (!copy || !readiness(copy).ready) return undefined;
    const live = this.loadModel(model);
    // Awaited before the route (or dropped when validation fails first): never an unhandled rejection.
    live.catch(() => undefined);
    return { watched: this.withRuntime(this.client(model.cluster), copy), live };
  }

  /**
   * Before the route: the live model must be the very version the objects were built from. Anything
   * else (changed, recreated, gone, not Ready) is decided again from the live read.
   */
  private async confirmModel(built: KubeObject, live: Promise<LoadedModel>): Promise<void> {
    const now = await live;
    const same =
      now.isvc.metadata.uid === built.metadata.uid &&
      now.isvc.metadata.resourceVersion === built.metadata.resourceVersion;
    if (!same) throw new StaleModelError(now);
  }

  /** The tenant's maxPublications as the store enforces it: counted and inserted atomically. */
  private quotaFor(model: ModelLocation): OwnerQuota | undefined {
    const quota = publicationQuota(this.o.config.tenants, model.owner);
    if (!quota) return undefined;
    return {
      max: quota.max,
      exceeded: live => new UnprocessableError(quotaViolation(quota.group, live, quota.max)),
    };
  }

  private build(publicationId: string, isvc: KubeObject, kind: { kind: PublishableModelKind; openaiPathPrefix?: string }, config: PublishConfig, keys: BuildKey[]) {
    const input = { publicationId, isvc, detection: kind, config, keys, gateway: this.o.config.gateway };
    return {
      objects: buildPublicationObjects(input),
      endpoints: publicationEndpoints(input) as PublicationEndpoint[],
    };
  }

  // ---- operations ---------------------------------------------------------------------------

  async dryRun(model: ModelLocation, config: PublishConfig): Promise<{ objects: KubeObject[] }> {
    const { isvc, kind } = await this.validate(model, config, { creating: true, requireReady: true });
    const placeholder = config.firstKey
      ? [{ clientId: 'key-00000000-0000-0000-0000-000000000000', key: 'mpk_000000000000000000000000000000000000DRYRUN' }]
      : [];
    const { objects } = this.build(this.newId(), isvc, kind, config, placeholder);
    return { objects };
  }

  async publish(
    model: ModelLocation,
    config: PublishConfig,
    op: OperationContext,
  ): Promise<{ publication: Publication; key?: IssuedApiKey }> {
    const audit = (outcome: 'succeeded' | 'failed', publicationId?: string, error?: string) =>
      this.audit('publication.create', model, op, outcome, publicationId, error);
    const publishMode = { creating: true, requireReady: true };
    const speculative = this.speculativeModel(model);
    const { isvc, kind } = await this.validate(model, config, publishMode, speculative?.watched).catch(error => {
      if (!speculative) throw error;
      // A refusal is decided on the live model, never on a copy that may be behind it.
      return this.validate(model, config, publishMode, speculative.live);
    });
    const id = this.newId();
    // Build once before recording: builder input errors (hostname, limits) are 4xx and change nothing.
    const planned = this.build(id, isvc, kind, config, []);
    const record = await this.o.publications.insertPublishing({
      id,
      cluster: model.cluster,
      namespace: model.namespace,
      name: model.name,
      entityRef: model.entityRef,
      owner: model.owner,
      resourceKind: isvc.kind === 'LLMInferenceService' ? 'LLMInferenceService' : 'InferenceService',
      modelKind: kind.kind,
      config,
      objects: planned.objects.map(ownedRef),
      endpoints: planned.endpoints,
      createdBy: op.actor,
    }, undefined, { quota: this.quotaFor(model) });

    const journal: JournalEntry[] = [];
    let issued: IssuedApiKey | undefined;
    try {
      const keys: BuildKey[] = [];
      if (config.firstKey) {
        if (this.o.keys) {
          const first = await this.o.keys.issueInitialKey(
            { publicationId: id, name: config.firstKey.name, expiresAt: config.firstKey.expiresAt },
            { actor: op.actor, request: op.request },
            record,
          );
          issued = first.issued;
          keys.push(first.buildKey);
        } else {
          this.o.logger.warn(`publication ${id}: firstKey requested but no key service is configured`);
        }
      }
      const { objects } = keys.length ? this.build(id, isvc, kind, config, keys) : planned;
      const client = this.client(model.cluster);
      try {
        await this.applyStaged(client, objects, 'create', journal, speculative && (() => this.confirmModel(isvc, speculative.live)));
      } catch (error) {
        if (!(error instanceof StaleModelError)) throw error;
        // The watched copy was behind the cluster: take back what was built from it and decide again
        // from the live model (404/409/422 as without a watch; the record then says why it failed).
        await this.undo(model.cluster, journal.splice(0), id);
        const fresh = this.check(model, config, { creating: false, requireReady: true }, error.live, 0);
        if (fresh.kind.kind !== kind.kind || fresh.kind.openaiPathPrefix !== kind.openaiPathPrefix) {
          throw new ConflictError(
            `InferenceService ${model.namespace}/${model.name} changed while it was being published; publish again`,
          );
        }
        await this.applyStaged(client, this.build(id, fresh.isvc, fresh.kind, config, keys).objects, 'create', journal);
      }
    } catch (error) {
      const reason = `publish failed: ${messageOf(error)}`;
      await this.undo(model.cluster, journal, id);
      if (issued || config.firstKey) {
        await this.o.keys?.discardKeys(id, { actor: op.actor, request: op.request }).catch(e =>
          this.o.logger.warn(`publication ${id}: could not discard keys: ${messageOf(e)}`),
        );
      }
      await this.o.publications.update(id, { status: 'failed', statusReason: reason }, { actor: op.actor });
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
    return { publication: publication ?? { ...record, status: 'published' }, ...(issued ? { key: issued } : {}) };
  }

  async update(model: ModelLocation, config: PublishConfig, op: OperationContext): Promise<Publication> {
    const current = await this.o.publications.findLive(model.cluster, model.namespace, model.name);
    if (!current) throw new NotFoundError(`${model.namespace}/${model.name} is not published`);
    const audit = (outcome: 'succeeded' | 'failed', error?: string) =>
      this.audit('publication.update', model, op, outcome, current.id, error);
    const { isvc, kind } = await this.validate(model, config, { creating: false, requireReady: false });
    this.build(current.id, isvc, kind, config, []); // input errors → 4xx before anything changes

    const previousStatus = current.status;
    const locked = await this.o.publications.update(
      current.id,
      { status: 'updating' },
      { actor: op.actor, fromStatuses: ['published', 'degraded'] },
    );
    if (!locked) {
      throw new ConflictError(`publication ${current.id} is ${current.status}; try again when it is settled`);
    }
    const journal: JournalEntry[] = [];
    const client = this.client(model.cluster);
    let built: { objects: KubeObject[]; endpoints: PublicationEndpoint[] };
    try {
      const keys = await this.liveKeys(current);
      built = this.build(current.id, isvc, kind, config, keys);
      await this.applyStaged(client, built.objects, 'apply', journal);
      // Objects the new configuration no longer needs (e.g. the kind changed): removed only after the
      // new route is in place, so the model is never unprotected.
      const stale = current.objects.filter(o => !built.objects.some(b => sameRef(refOf(b), o)));
      await this.deleteObjects(client, stale, journal);
    } catch (error) {
      const reason = messageOf(error);
      await this.undo(model.cluster, journal, current.id);
      await this.o.publications.update(
        current.id,
        { status: previousStatus },
        { actor: op.actor, historyReason: `update failed: ${reason}` },
      );
      await audit('failed', `update failed: ${reason}`);
      throw error;
    }
    const updated = await this.o.publications.update(
      current.id,
      {
        status: 'published',
        statusReason: null,
        config,
        modelKind: kind.kind,
        objects: built.objects.map(ownedRef),
        endpoints: built.endpoints,
      },
      { actor: op.actor },
    );
    await audit('succeeded');
    if (updated) this.o.guides?.published(updated);
    return updated!;
  }

  async unpublish(model: ModelLocation, op: OperationContext): Promise<Publication> {
    const current = await this.o.publications.findLive(model.cluster, model.namespace, model.name);
    if (!current) throw new NotFoundError(`${model.namespace}/${model.name} is not published`);
    const audit = (outcome: 'succeeded' | 'failed', error?: string) =>
      this.audit('publication.delete', model, op, outcome, current.id, error);
    const previousStatus = current.status;
    const locked = await this.o.publications.update(
      current.id,
      { status: 'unpublishing' },
      { actor: op.actor, fromStatuses: ['published', 'degraded'] },
    );
    if (!locked) {
      throw new ConflictError(`publication ${current.id} is ${current.status}; try again when it is settled`);
    }
    const journal: JournalEntry[] = [];
    try {
      await this.deleteObjects(this.client(model.cluster), current.objects, journal);
    } catch (error) {
      const reason = messageOf(error);
      await this.undo(model.cluster, journal, current.id);
      await this.o.publications.update(
        current.id,
        { status: previousStatus },
        { actor: op.actor, historyReason: `unpublish failed: ${reason}` },
      );
      await audit('failed', `unpublish failed: ${reason}`);
      throw error;
    }
    await this.o.keys?.discardKeys(current.id, { actor: op.actor, request: op.request }).catch(e =>
      this.o.logger.warn(`publication ${current.id}: could not discard keys: ${messageOf(e)}`),
    );
    const done = await this.o.publications.update(
      current.id,
      { status: 'unpublished', statusReason: null },
      { actor: op.actor },
    );
    await audit('succeeded');
    if (done) this.o.guides?.unpublished(done);
    return done!;
  }

  /**
   * Re-applies a settled publication's objects from its record (the key service calls this when
   * per-key limits change; the reconciler when repairing drift). Secret data is left to the key service.
   */
  async reapply(publicationId: string, actor = 'system:model-publishing'): Promise<Publication> {
    const current = await this.o.publications.getOrThrow(publicationId);
    const { isvc } = await this.loadModel(current);
    const kind = this.resolveKind(detectModelKind(isvc), { ...current.config, modelKind: current.modelKind });
    const keys = await this.liveKeys(current);
    const built = this.build(current.id, isvc, kind, current.config, keys);
    const journal: JournalEntry[] = [];
    try {
      await this.applyStaged(this.client(current.cluster), built.objects, 'apply', journal);
    } catch (error) {
      await this.undo(current.cluster, journal, current.id);
      throw error;
    }
    const updated = await this.o.publications.update(
      current.id,
      { status: 'published', statusReason: null, objects: built.objects.map(ownedRef), endpoints: built.endpoints },
      { actor, fromStatuses: ['published', 'degraded', 'updating'] },
    );
    return updated ?? current;
  }

  /** The objects a settled publication should have, for drift checks. */
  async desiredObjects(publication: Publication): Promise<KubeObject[]> {
    const { isvc } = await this.loadModel(publication);
    const kind = this.resolveKind(detectModelKind(isvc), { ...publication.config, modelKind: publication.modelKind });
    return this.build(publication.id, isvc, kind, publication.config, []).objects;
  }

  /**
   * Revokes and forgets every key of a publication that will never serve (the reconciler rolling
   * back a publish killed mid-way: its first key was recorded, perhaps put in the Secret, but never
   * handed out). Idempotent.
   */
  async discardKeys(publicationId: string, actor: string): Promise<void> {
    await this.o.keys?.discardKeys(publicationId, { actor });
  }

  /** Deletes every listed object (route first) and returns; used by unpublish and the reconciler. */
  async deleteAll(cluster: string, objects: OwnedObject[]): Promise<void> {
    await this.deleteObjects(this.client(cluster), objects, []);
  }

  /** The API guide (markdown) and OpenAPI document of a publication's public endpoint (src/docs). */
  async guide(publication: Publication): Promise<GuideResponse> {
    // The name clients use (OpenAI `model`, v1/v2 path) comes from the InferenceService; if the model
    // is gone the guide still renders with the publication's name.
    const isvc = await this.loadModel(publication).then(m => m.isvc).catch(() => undefined);
    const options = isvc ? { modelName: servedModelName(isvc) } : {};
    const detection = { kind: publication.modelKind };
    return {
      markdown: buildGuide(publication, detection, publication.endpoints, options),
      openapi: buildOpenApiDocument(publication, detection, publication.endpoints, options),
    };
  }

  // ---- saga primitives ----------------------------------------------------------------------

  /** Active keys for a rebuild: from the key service, else straight from the Secret. */
  private async liveKeys(publication: Publication): Promise<BuildKey[]> {
    if (this.o.keys) return (await this.o.keys.readLiveSecretKeys(publication.id)).keys;
    const secretRef = publication.objects.find(o => o.kind === 'Secret');
    if (!secretRef) return [];
    const secret = await this.client(publication.cluster).get(secretRef);
    return Object.entries((secret?.data ?? {}) as Record<string, string>).map(([clientId, value]) => ({
      clientId,
      key: Buffer.from(value, 'base64').toString('utf8'),
    }));
  }

  private async write<T>(action: 'create' | 'replace' | 'delete', ref: ObjectRef, fn: () => Promise<T>): Promise<T> {
    await this.o.beforeClusterWrite?.({ action, ref });
    return fn();
  }

  /**
   * Writes objects stage by stage: everything but the route concurrently, then the route, so the
   * route never exists without its auth and limits. 'create' fails on an existing object unless it
   * is a labelled leftover of a dead publication; 'apply' replaces, except an existing Secret, whose
   * data (the keys) belongs to the key service.
   */
  private async applyStaged(
    client: ClusterClient,
    objects: KubeObject[],
    mode: 'create' | 'apply',
    journal: JournalEntry[],
    /** Runs before the route's stage, while nothing routes traffic yet; a throw stops the saga. */
    beforeRoute?: () => Promise<void>,
  ): Promise<void> {
    for (const stage of applyStages(objects)) {
      if (beforeRoute && stage.some(o => ROUTE_KINDS.has(o.kind))) await beforeRoute();
      const results = await Promise.allSettled(stage.map(obj => this.applyOne(client, obj, mode, journal)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  private async applyOne(client: ClusterClient, obj: KubeObject, mode: 'create' | 'apply', journal: JournalEntry[]) {
    const ref = refOf(obj);
    if (mode === 'create') {
      try {
        await this.write('create', ref, () => client.create(obj));
        journal.push({ ref });
        return;
      } catch (error) {
        if ((error as Error).name !== 'ConflictError') throw error;
        const existing = await client.get(ref);
        if (!existing || !(await this.isLeftover(existing))) {
          throw new ConflictError(`${describeRef(ref)} already exists and is not managed by this publication`);
        }
        // A leftover of a crashed or failed publication: take it over (the journal deletes it on undo).
        await this.write('replace', ref, () =>
          client.replace({ ...obj, metadata: { ...obj.metadata, resourceVersion: existing.metadata.resourceVersion } }),
        );
        journal.push({ ref });
        return;
      }
    }
    const before = await client.get(ref);
    if (!before) {
      await this.write('create', ref, () => client.create(obj));
      journal.push({ ref });
      return;
    }
    if (obj.kind === 'Secret') return;
    await this.write('replace', ref, () =>
      client.replace({ ...obj, metadata: { ...obj.metadata, resourceVersion: before.metadata.resourceVersion } }),
    );
    journal.push({ ref, before });
  }

  /** Ours (managed-by label) and owned by a publication that is no longer live. */
  private async isLeftover(obj: KubeObject): Promise<boolean> {
    const labels = obj.metadata.labels ?? {};
    const owner = labels['model-publishing/publication'];
    if (labels['app.kubernetes.io/managed-by'] !== 'backstage-model-publishing' || !owner) return false;
    return !(await this.o.publications.liveIds([owner])).has(owner);
  }

  /** Deletes objects route first, then the rest concurrently; snapshots go to the journal for undo. */
  private async deleteObjects(client: ClusterClient, objects: OwnedObject[], journal: JournalEntry[]) {
    const routes = objects.filter(o => ROUTE_KINDS.has(o.kind));
    const rest = objects.filter(o => !ROUTE_KINDS.has(o.kind)).reverse();
    for (const stage of [routes, rest]) {
      const results = await Promise.allSettled(
        stage.map(async ref => {
          const before = await client.get(ref);
          if (!before) return;
          await this.write('delete', ref, () => client.delete(ref));
          journal.push({ ref, before });
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /**
   * Undoes a journal in reverse: deletes what was created, restores what was replaced or deleted.
   * Failures are logged; leftovers carry our labels, so the reconciler removes or repairs them.
   */
  private async undo(cluster: string, journal: JournalEntry[], publicationId: string): Promise<void> {
    const client = this.client(cluster);
    for (const entry of [...journal].reverse()) {
      try {
        if (!entry.before) {
          await client.delete(entry.ref);
        } else {
          const restore = recreatable(entry.before);
          const now = await client.get(entry.ref);
          if (now) {
            await client.replace({ ...restore, metadata: { ...restore.metadata, resourceVersion: now.metadata.resourceVersion } });
          } else {
            await client.create(restore);
          }
        }
      } catch (error) {
        this.o.logger.warn(
          `publication ${publicationId}: could not undo ${describeRef(entry.ref)}: ${messageOf(error)}; the reconciler will converge it`,
        );
      }
    }
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
      .record({ actor: op.actor, action, entityRef: model.entityRef, publicationId, outcome, error, request: op.request })
      .catch(e => this.o.logger.error(`could not write audit row for ${action}: ${messageOf(e)}`));
  }
}

export type { PublicationStatus };
