import { ConflictError } from '@backstage/errors';
import type {
  OwnedObject,
  Publication,
  PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import type { PublicationStore } from '../database/PublicationStore';
import type { BuildKey, KubeObject } from '../gateway/types';
import { refOf } from '../kubernetes/ClusterClient';
import type { ClusterSaga, SagaExecutor } from './ClusterSaga';
import type { LoadedModel, ModelLocation } from './ModelReader';
import { ownedRef, sameRef } from './objects';
import type { PublicationBuilder } from './PublicationBuilder';
import type { PublishKind, PublishPolicy } from './publishPolicy';
import type { ServingContext } from './ServingContextReader';

/** Thrown before the route when the watched copy a publish built from is not the live model. */
export class StaleModelError extends Error {
  constructor(readonly live: LoadedModel) {
    super('the watched copy of the model was out of date');
  }
}

/**
 * Before the route: the live model must be the very version the objects were built from. Anything
 * else (changed, recreated, gone, not Ready) is decided again from the live read.
 */
export async function confirmModel(
  built: KubeObject,
  live: Promise<LoadedModel>,
): Promise<void> {
  const now = await live;
  const same =
    now.isvc.metadata.uid === built.metadata.uid &&
    now.isvc.metadata.resourceVersion === built.metadata.resourceVersion;
  if (!same) throw new StaleModelError(now);
}

/** What a new publication's objects are created from. */
export interface CreateInput {
  model: ModelLocation;
  publicationId: string;
  config: PublishConfig;
  isvc: KubeObject;
  kind: PublishKind;
  keys: BuildKey[];
  context: ServingContext | undefined;
  /** The objects already built for these inputs (saves building them again). */
  objects: KubeObject[];
  /** The live read of a model the objects were built from a watched copy of. */
  live?: Promise<LoadedModel>;
}

/**
 * The cluster steps of publish, update and reapply, each run inside a journalled ClusterSaga: create a
 * new publication's objects, converge a settled one's to a new plan.
 */
export class PublicationSagas {
  constructor(
    private readonly o: {
      sagas: SagaExecutor;
      builder: PublicationBuilder;
      policy: Pick<PublishPolicy, 'check'>;
      publications: Pick<PublicationStore, 'getOrThrow' | 'update'>;
    },
  ) {}

  /**
   * Creates a new publication's objects, route last. Built from a watched copy (`live` given), the
   * live model is confirmed before the route; when the copy was behind, what was built from it is taken
   * back and built again from the live model (404/409/422 as without a watch), unless its kind changed.
   */
  async create(saga: ClusterSaga, input: CreateInput): Promise<void> {
    const { model, config, live } = input;
    try {
      await saga.applyStaged(
        input.objects,
        'create',
        live && (() => confirmModel(input.isvc, live)),
      );
    } catch (error) {
      if (!(error instanceof StaleModelError)) throw error;
      await saga.undo();
      const fresh = this.o.policy.check(
        model,
        config,
        { creating: false, requireReady: true },
        error.live,
      );
      if (
        fresh.kind !== input.kind.kind ||
        fresh.openaiPathPrefix !== input.kind.openaiPathPrefix
      ) {
        throw new ConflictError(
          `InferenceService ${model.namespace}/${model.name} changed while it was being published; publish again`,
        );
      }
      const rebuilt = this.o.builder.plan({
        publicationId: input.publicationId,
        isvc: error.live.isvc,
        kind: fresh,
        config,
        keys: input.keys,
        context: input.context,
      });
      await saga.applyStaged(rebuilt.objects, 'create');
    }
  }

  /**
   * Converges a settled publication's objects to `planned`: applies them (route last), then deletes
   * those of `current` the plan no longer has — only after the new route is in place, so the model is
   * never unprotected.
   */
  async converge(
    saga: ClusterSaga,
    current: OwnedObject[],
    planned: KubeObject[],
  ): Promise<void> {
    await saga.applyStaged(planned, 'apply');
    await saga.deleteObjects(
      current.filter(o => !planned.some(b => sameRef(refOf(b), o))),
    );
  }

  /**
   * Re-applies a settled publication's objects from its record (the key service calls this when
   * per-key limits change; the reconciler when repairing drift). Secret data is left to the key service.
   */
  async reapply(
    publicationId: string,
    actor: string,
    /** Reapplying as the takeover of a dead update: only while this lease is held. */
    leaseToken?: string,
  ): Promise<Publication> {
    const { builder, publications } = this.o;
    const current = await publications.getOrThrow(publicationId);
    const built = await builder.rebuild(
      current,
      await builder.liveKeys(current),
    );
    const saga = this.o.sagas.begin(current.cluster, current.id);
    try {
      // Objects the publication no longer needs go too (a withdrawn deprecation's EnvoyExtensionPolicy).
      await this.converge(saga, current.objects, built.objects);
    } catch (error) {
      await saga.undo();
      throw error;
    }
    const updated = await publications.update(
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
}
