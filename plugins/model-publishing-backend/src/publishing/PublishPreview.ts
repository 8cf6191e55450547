import type { PublishConfig } from '@model-publishing/plugin-model-publishing-common';
import type { PublicationStore } from '../database/PublicationStore';
import type { KubeObject } from '../gateway/types';
import { errorMessage } from './ClusterSaga';
import type { ModelLocation } from './ModelReader';
import type { PublicationBuilder } from './PublicationBuilder';
import { type PublishPolicy, resolveKind } from './publishPolicy';
import { startUpdate } from './SettledOperation';

/** Placeholder first key of a dry run: shows where the key goes without issuing one. */
export const DRY_RUN_KEY = {
  clientId: 'key-00000000-0000-0000-0000-000000000000',
  key: 'mpk_000000000000000000000000000000000000DRYRUN',
};

/** A placeholder for the i-th live key in an update's dry run: distinct (one Secret never holds two equal keys). */
export function dryRunKey(i: number): string {
  const digits = String(i + 1);
  return `mpk_${'0'.repeat(36 - digits.length)}${digits}DRYRUN`;
}

/** Publish and update dry runs: the objects an operation would write, validated as it would be, written nowhere. */
export class PublishPreview {
  constructor(
    private readonly o: {
      policy: Pick<PublishPolicy, 'validate'>;
      builder: PublicationBuilder;
      publications: Pick<PublicationStore, 'findLive' | 'findCurrent'>;
      newId: () => string;
    },
  ) {}

  async dryRun(
    model: ModelLocation,
    config: PublishConfig,
  ): Promise<{ objects: KubeObject[]; notes: string[] }> {
    const { builder } = this.o;
    const contextRead = builder.servingContext(model, {
      fresh: true,
      withModels: true,
    });
    const { isvc, kind } = await this.o.policy.validate(model, config, {
      creating: true,
      requireReady: true,
    });
    const { objects, notes } = builder.plan({
      publicationId: this.o.newId(),
      isvc,
      kind,
      config,
      keys: config.firstKey ? [DRY_RUN_KEY] : [],
      context: await contextRead,
      creating: true,
    });
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
    const { builder } = this.o;
    const { current, isvc, kind, context } = await startUpdate(
      { ...this.o, builder },
      model,
      config,
    );
    const keys = (await builder.liveKeys(current)).map((k, i) => ({
      ...k,
      key: dryRunKey(i),
    }));
    const responseHeaders = await builder.responseHeaders(current.id);
    const common = {
      publicationId: current.id,
      isvc,
      keys,
      context,
      responseHeaders,
    };
    const planned = builder.plan({ ...common, kind, config });
    let running: KubeObject[] = [];
    try {
      running = builder.plan({
        ...common,
        // The same detection (and OpenAI path prefix) unless the update changes the kind.
        kind:
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
        config: current.config,
      }).objects;
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
}
