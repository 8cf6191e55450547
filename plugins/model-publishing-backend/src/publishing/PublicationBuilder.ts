import type {
  Publication,
  PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import type { NewPublication } from '../database/PublicationStore';
import type { BuildKey, GatewaySettings, KubeObject } from '../gateway/types';
import type { ModelLookup } from '../kubernetes/ModelWatch';
import { occupiedHostname } from './hostnamePolicy';
import type { ModelLocation, ModelReader } from './ModelReader';
import { ownedRef } from './objects';
import type { PublishingKeys, ResponseHeadersOf } from './operationTypes';
import { planPublication, type PublicationPlan } from './planPublication';
import { type PublishKind, resolveKind } from './publishPolicy';
import type {
  ServingContext,
  ServingContextReader,
} from './ServingContextReader';

export interface PublicationBuilderOptions {
  models: Pick<ModelReader, 'load'>;
  keys: Pick<PublishingKeys, 'readLiveSecretKeys'>;
  gateway: GatewaySettings;
  /** How KServe serves the model and what surrounds its route; without it, decided from the model alone. */
  servingContext?: Pick<ServingContextReader, 'read'>;
  responseHeaders?: ResponseHeadersOf;
}

/** What one plan is built from. */
export interface PlanInput {
  publicationId: string;
  isvc: KubeObject;
  kind: PublishKind;
  config: PublishConfig;
  keys: BuildKey[];
  context: ServingContext | undefined;
  /** A new publication: refuses names another model's routes already use. */
  creating?: boolean;
  responseHeaders?: { name: string; value: string }[];
}

/**
 * The objects a publication should have, decided from its model, configuration, keys and serving
 * context (planPublication), with the reads a rebuild of a settled publication needs.
 */
export class PublicationBuilder {
  constructor(private readonly o: PublicationBuilderOptions) {}

  plan(input: PlanInput): PublicationPlan {
    const { responseHeaders } = input;
    return planPublication(
      {
        publicationId: input.publicationId,
        isvc: input.isvc,
        detection: input.kind,
        config: input.config,
        keys: input.keys,
        gateway: this.o.gateway,
        ...(responseHeaders?.length ? { responseHeaders } : {}),
      },
      input.context,
      { creating: input.creating ?? false },
    );
  }

  /** Started before the model is validated: its round trip runs alongside the model's read. */
  servingContext(
    model: ModelLocation,
    options: { fresh: boolean; withModels?: boolean },
  ): Promise<ServingContext | undefined> {
    const read =
      this.o.servingContext?.read(model, options) ?? Promise.resolve(undefined);
    read.catch(() => undefined); // awaited later; a refusal of the model may come first
    return read;
  }

  /**
   * A settled publication's objects rebuilt from its record and the model as it is now; the model
   * from `from` (the reconciler's snapshot) when it has it, else read live.
   */
  async rebuild(
    publication: Publication,
    keys: BuildKey[],
    from?: ModelLookup,
  ): Promise<PublicationPlan> {
    const contextRead = this.servingContext(publication, { fresh: false });
    const { isvc, detection } = await this.o.models.load(publication, from);
    const kind = resolveKind(detection, {
      ...publication.config,
      modelKind: publication.modelKind,
    });
    const context = await contextRead;
    return this.plan({
      publicationId: publication.id,
      isvc,
      kind,
      config: publication.config,
      keys,
      context,
      responseHeaders: await this.responseHeaders(publication.id),
    });
  }

  /** Active keys for a rebuild, with their raw values from the Secret. */
  async liveKeys(publication: Pick<Publication, 'id'>): Promise<BuildKey[]> {
    return (await this.o.keys.readLiveSecretKeys(publication.id)).keys;
  }

  responseHeaders(
    publicationId: string,
  ): Promise<{ name: string; value: string }[] | undefined> {
    return (
      this.o.responseHeaders?.(publicationId) ?? Promise.resolve(undefined)
    );
  }

  /** The hostname a publication of this model with this configuration occupies (hostnamePolicy). */
  hostnameOf(
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
}

/** The record of a new publication of `model`, from what its publish decided. */
export function newPublication(input: {
  id: string;
  model: ModelLocation;
  isvc: KubeObject;
  kind: PublishKind;
  config: PublishConfig;
  planned: PublicationPlan;
  actor: string;
}): NewPublication {
  const { model, isvc, planned } = input;
  return {
    id: input.id,
    cluster: model.cluster,
    namespace: model.namespace,
    name: model.name,
    entityRef: model.entityRef,
    owner: model.owner,
    resourceKind:
      isvc.kind === 'LLMInferenceService'
        ? 'LLMInferenceService'
        : 'InferenceService',
    modelKind: input.kind.kind,
    config: input.config,
    objects: planned.objects.map(ownedRef),
    endpoints: planned.endpoints,
    createdBy: input.actor,
  };
}
