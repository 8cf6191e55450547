import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ApiEntityV1alpha1 } from '@backstage/catalog-model';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import type { ProviderConfig } from '../config';
import {
  isLivePublication,
  placeholderOpenApi,
  publicationToApiEntity,
} from '../mapping/apiEntities';
import type { ModelComponent } from '../mapping/componentEntities';
import type { PublicationsSource } from '../publications/PublicationsClient';

/** Guides fetched at once; the backend renders each on request. */
const GUIDE_CONCURRENCY = 4;
/**
 * After a failed guide fetch, the same publication version is asked again only after this long: a
 * publication whose guide the backend cannot render (404, 500) would otherwise cost one request on every
 * run, and a thousand of them crowd out the portal's own requests. A new version is asked at once.
 */
export const GUIDE_RETRY_MS = 5 * 60_000;

export interface PublicationResult {
  publicationsError?: string;
}

export type PublicationWithDoc = { publication: Publication; openapi: object };

/**
 * The publications of one cluster as API entities: read from the model-publishing backend with their
 * OpenAPI documents (cached by publication version); the last good answer stands in while the backend
 * cannot be reached.
 */
export class PublishedApis {
  private lastConsumers = new Map<string, string[]>();
  /** The live publications of this cluster from the last successful list. */
  private lastListed?: Publication[];
  /** Per publication id: the document of `updatedAt`, or (failed) what stands in until `retryAt`. */
  private readonly openApiCache = new Map<
    string,
    { updatedAt: string; openapi: object; retryAt?: number }
  >();

  constructor(
    private readonly options: {
      config: ProviderConfig;
      logger: LoggerService;
      publications?: PublicationsSource;
      locationKey: string;
    },
  ) {}

  /**
   * The live publications of the models in `modelRefs` (`namespace/name`) with their documents: freshly
   * listed, or the last list when `reuseLast` (a watched cluster change) or when the backend cannot be
   * reached; undefined when there is none yet (then API entities stay untouched). Publications of other
   * models get no API entity, so their guides are not asked for.
   */
  async read(
    result: PublicationResult,
    modelRefs: ReadonlySet<string>,
    reuseLast = false,
  ): Promise<PublicationWithDoc[] | undefined> {
    const listed =
      reuseLast && this.lastListed ? this.lastListed : await this.list(result);
    if (!listed) return undefined;
    const wanted = listed.filter(p =>
      modelRefs.has(`${p.namespace}/${p.name}`),
    );
    return mapBounded(wanted, GUIDE_CONCURRENCY, async publication => ({
      publication,
      openapi: await this.openApiFor(publication),
    }));
  }

  private async list(
    result: PublicationResult,
  ): Promise<Publication[] | undefined> {
    const { publications, config, logger } = this.options;
    if (!publications || !config.publications) return undefined;
    try {
      const all = await publications.listPublications();
      const mine = all.filter(
        p => isLivePublication(p) && this.isOurCluster(p.cluster),
      );
      const live = new Set(mine.map(p => p.id));
      for (const id of this.openApiCache.keys())
        if (!live.has(id)) this.openApiCache.delete(id);
      this.lastListed = mine;
      return mine;
    } catch (error) {
      result.publicationsError = String((error as Error)?.message ?? error);
      logger.warn(
        `Cannot list publications from the model-publishing backend; ${
          this.lastListed
            ? 'using the last known ones'
            : 'leaving API entities as they are'
        }: ${result.publicationsError}`,
      );
      return this.lastListed;
    }
  }

  /** Consumer refs per publication; on failure the last good ones (relations never flap on a hiccup). */
  async readConsumers(): Promise<Map<string, string[]>> {
    const source = this.options.publications;
    if (!source?.listConsumerEntities) return new Map();
    try {
      this.lastConsumers = await source.listConsumerEntities();
    } catch (error) {
      this.options.logger.warn(
        `Cannot list consumers from the model-publishing backend: ${
          (error as Error)?.message ?? error
        }`,
      );
    }
    return this.lastConsumers;
  }

  private isOurCluster(cluster: string): boolean {
    const { config } = this.options;
    return (
      cluster === config.cluster ||
      (cluster === 'default' && config.acceptsDefaultClusterAlias)
    );
  }

  private async openApiFor(publication: Publication): Promise<object> {
    const cached = this.openApiCache.get(publication.id);
    if (
      cached &&
      cached.updatedAt === publication.updatedAt &&
      (cached.retryAt === undefined || Date.now() < cached.retryAt)
    )
      return cached.openapi;
    try {
      const openapi = await this.options.publications!.getOpenApi(publication);
      this.openApiCache.set(publication.id, {
        updatedAt: publication.updatedAt,
        openapi,
      });
      return openapi;
    } catch (error) {
      const openapi = cached?.openapi ?? placeholderOpenApi(publication);
      this.openApiCache.set(publication.id, {
        updatedAt: publication.updatedAt,
        openapi,
        retryAt: Date.now() + GUIDE_RETRY_MS,
      });
      this.options.logger.warn(
        `Cannot fetch the OpenAPI document of publication ${publication.id} (${
          publication.namespace
        }/${publication.name}), asking again in ${
          GUIDE_RETRY_MS / 60_000
        } minutes or at its next change: ${(error as Error)?.message ?? error}`,
      );
      return openapi;
    }
  }

  toApiEntities(
    components: ModelComponent[],
    publications: { publication: Publication; openapi: object }[],
    consumers: Map<string, string[]> = new Map(),
  ): { component: ModelComponent; api: ApiEntityV1alpha1 }[] {
    const byRef = new Map<string, ModelComponent>();
    // An InferenceService wins over an LLMInferenceService of the same name: publications do not say which.
    for (const c of [...components].reverse()) {
      if (
        !byRef.has(c.modelRef) ||
        c.summary.resourceKind === 'InferenceService'
      ) {
        byRef.set(c.modelRef, c);
      }
    }
    // One API per model: should the backend ever report two live publications of one model, the newest wins.
    const newest = new Map<
      string,
      { publication: Publication; openapi: object }
    >();
    for (const p of publications) {
      const key = `${p.publication.namespace}/${p.publication.name}`;
      const seen = newest.get(key);
      if (!seen || seen.publication.updatedAt < p.publication.updatedAt)
        newest.set(key, p);
    }
    const out: { component: ModelComponent; api: ApiEntityV1alpha1 }[] = [];
    for (const { publication, openapi } of newest.values()) {
      // A publication whose model is gone (or outside the configured namespaces) has no owner to inherit.
      const component = byRef.get(
        `${publication.namespace}/${publication.name}`,
      );
      if (!component) continue;
      out.push({
        component,
        api: publicationToApiEntity({
          publication,
          component,
          openapi,
          cluster: this.options.config.cluster,
          locationKey: this.options.locationKey,
          consumers: consumers.get(publication.id),
        }),
      });
    }
    return out;
  }
}

async function mapBounded<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
      }
    },
  );
  await Promise.all(workers);
  return results;
}
