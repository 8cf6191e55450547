import { ConflictError, InputError } from '@backstage/errors';
import {
  exampleProblem,
  type ModelKindDetection,
  type PublishConfig,
  type PublishableModelKind,
} from '@model-publishing/plugin-model-publishing-common';
import type { TenantSettings } from '../config';
import type {
  OwnerQuota,
  PublicationStore,
} from '../database/PublicationStore';
import { UnprocessableError } from '../errors';
import {
  checkTenantRules,
  publicationQuota,
  quotaViolation,
} from '../tenants/tenantRules';
import {
  hostnameHolder,
  hostnameViolation,
  occupiedHostname,
} from './hostnamePolicy';
import {
  readiness,
  type LoadedModel,
  type ModelLocation,
  type ModelReader,
} from './ModelReader';

/** The kind a model is published as, with the OpenAI path prefix when it is openai. */
export interface PublishKind {
  kind: PublishableModelKind;
  openaiPathPrefix?: string;
}

export interface PolicyMode {
  /** A new publication: counts against maxPublications, may carry a first key. */
  creating: boolean;
  /** Refuse (409) a model whose Ready condition is not True. */
  requireReady: boolean;
}

/** The kind to publish as: the owner's choice where detection allows it, else the detected kind. */
export function resolveKind(
  detection: ModelKindDetection,
  config: PublishConfig,
): PublishKind {
  if (detection.kind === 'grpc') {
    throw new UnprocessableError(
      `modelKind: gRPC models cannot be published yet (${detection.reason})`,
    );
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
    const prefix =
      chosen === 'openai' ? detection.openaiPathPrefix ?? '/v1' : undefined;
    return { kind: chosen, ...(prefix ? { openaiPathPrefix: prefix } : {}) };
  }
  if (detection.kind === 'unknown') {
    throw new UnprocessableError(
      `modelKind: the model kind could not be detected (${
        detection.reason
      }); choose one of ${
        detection.alternatives.join(', ') || 'openai, v1, v2'
      }`,
    );
  }
  return {
    kind: detection.kind,
    ...(detection.openaiPathPrefix
      ? { openaiPathPrefix: detection.openaiPathPrefix }
      : {}),
  };
}

/**
 * The publish rules on a model in hand, pure: 409 when it must be Ready and is not, 422 for the kind,
 * token limits on a non-LLM and tenant rules. Returns the kind to publish as.
 */
export function checkPublish(input: {
  model: ModelLocation;
  config: PublishConfig;
  mode: PolicyMode;
  loaded: LoadedModel;
  tenants: TenantSettings[];
  /** Live publications of the owner (for maxPublications). */
  livePublications: number;
}): PublishKind {
  const { model, config, mode, loaded } = input;
  if (mode.requireReady) {
    const { ready, message } = readiness(loaded.isvc);
    if (!ready) {
      throw new ConflictError(
        `InferenceService ${model.namespace}/${model.name} is not Ready: ${message}`,
      );
    }
  }
  const kind = resolveKind(loaded.detection, config);
  const badExample = exampleProblem(kind.kind, config.example);
  if (badExample) throw new InputError(badExample);
  if (kind.kind !== 'openai') {
    const tokenFields = Object.keys(config.rateLimits ?? {}).filter(k =>
      k.startsWith('tokens'),
    );
    if (tokenFields.length) {
      throw new UnprocessableError(
        `rateLimits.${tokenFields[0]}: token limits apply to OpenAI-compatible models only (this model is ${kind.kind})`,
      );
    }
  }
  const violations = checkTenantRules({
    tenants: input.tenants,
    owner: model.owner,
    namespace: model.namespace,
    config,
    livePublications: input.livePublications,
    creating: mode.creating,
  });
  if (violations.length) throw new UnprocessableError(violations.join('; '));
  return kind;
}

/** The tenant's maxPublications as the store enforces it: counted and inserted atomically. */
export function ownerQuota(
  tenants: TenantSettings[],
  owner: string | undefined,
): OwnerQuota | undefined {
  const quota = publicationQuota(tenants, owner);
  if (!quota) return undefined;
  return {
    max: quota.max,
    exceeded: live =>
      new UnprocessableError(quotaViolation(quota.group, live, quota.max)),
  };
}

/** Publish policy with the reads it needs: the model, the owner's live publications, the first key. */
export class PublishPolicy {
  constructor(
    private readonly o: {
      models: ModelReader;
      publications: Pick<
        PublicationStore,
        'countLiveByOwner' | 'listLiveHostnames'
      >;
      tenants: TenantSettings[];
      /** `modelPublishing.gateway.llmHostnameTemplate`: the hostname each LLM gets unless it names one. */
      llmHostnameTemplate: string;
      /** Throws the 400 a first key would cause (expiry in the past, …). */
      checkInitialKey?: (input: { name: string; expiresAt?: string }) => void;
    },
  ) {}

  /**
   * Validation shared by publish, update and dry-run: 400 (first key), 404, 409 (not Ready), 422
   * (kind, tenant). `preloaded`: a model already in hand (a watched copy) instead of reading it.
   */
  async validate(
    model: ModelLocation,
    config: PublishConfig,
    mode: PolicyMode,
    preloaded?: Promise<LoadedModel>,
  ): Promise<LoadedModel & { kind: PublishKind }> {
    // First-key input errors are 400s before the cluster is read or anything is recorded.
    if (mode.creating && config.firstKey)
      this.o.checkInitialKey?.(config.firstKey);
    // The quota count does not depend on the model: read it while the cluster answers.
    const [loaded, livePublications] = await Promise.all([
      preloaded ?? this.o.models.load(model),
      mode.creating &&
      model.owner &&
      publicationQuota(this.o.tenants, model.owner)
        ? this.o.publications.countLiveByOwner(model.owner)
        : Promise.resolve(0),
    ]);
    const kind = this.check(model, config, mode, loaded, livePublications);
    await this.checkHostname(model, config, kind);
    return { ...loaded, kind };
  }

  /**
   * 400 for a hostname that is neither the template's for this model nor on its tenant's list (or is a
   * wildcard), 409 for one another live publication holds (issue 14, finding 4).
   */
  async checkHostname(
    model: ModelLocation,
    config: PublishConfig,
    kind: PublishKind,
  ): Promise<void> {
    const rules = {
      llmHostnameTemplate: this.o.llmHostnameTemplate,
      tenants: this.o.tenants,
    };
    const violation = hostnameViolation(rules, model, config.hostname);
    if (violation) throw new InputError(violation);
    const hostname = occupiedHostname(rules, {
      ...model,
      modelKind: kind.kind,
      config,
    });
    if (!hostname) return;
    const holder = hostnameHolder(
      rules,
      model,
      hostname,
      await this.o.publications.listLiveHostnames(),
    );
    if (holder) {
      throw new ConflictError(
        `hostname: '${hostname}' is already used by the publication of ${holder.namespace}/${holder.name} in cluster '${holder.cluster}'`,
      );
    }
  }

  check(
    model: ModelLocation,
    config: PublishConfig,
    mode: PolicyMode,
    loaded: LoadedModel,
    livePublications = 0,
  ) {
    return checkPublish({
      model,
      config,
      mode,
      loaded,
      tenants: this.o.tenants,
      livePublications,
    });
  }

  quota(owner: string | undefined): OwnerQuota | undefined {
    return ownerQuota(this.o.tenants, owner);
  }
}
