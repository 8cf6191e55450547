import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { PassThrough } from 'stream';
import type {
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  type CompoundEntityRef,
  type Entity,
  parseEntityRef,
} from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { isError } from '@backstage/errors';
import {
  type GeneratorBase,
  Publisher,
  type PublisherBase,
  TechdocsGenerator,
} from '@backstage/plugin-techdocs-node';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import {
  guideSite,
  type SitePublication,
  type SiteSource,
  unpublishedSite,
} from './guideSite';

/** Renders a live publication's guide (PublishingService#guide). */
export type GuideRenderer = (
  publication: Publication,
) => Promise<{ markdown: string; openapi: object }>;

/** What the publishing workflow calls; fire-and-forget, never throws (PublishingService's `guides`). */
export interface GuideHooks {
  published(publication: Publication): void;
  unpublished(publication: Publication): void;
}

export type EnsureResult = 'current' | 'published' | 'skipped' | 'failed';

export interface GuidePublisherOptions {
  logger: LoggerService;
  generator: GeneratorBase;
  publisher: PublisherBase;
  render: GuideRenderer;
  /** mkdocs runs at once (each is a Python process). Default 1. */
  maxConcurrent?: number;
}

const LIVE = new Set(['published', 'updating', 'degraded']);
/** Tail of mkdocs' output kept for the error message. */
const LOG_TAIL = 2000;

function message(error: unknown): string {
  return isError(error) ? error.message : String(error);
}

/** Catalog spelling of common kinds: only matters with techdocs.legacyUseCaseSensitiveTripletPaths. */
const KIND_CASE: Record<string, string> = {
  component: 'Component',
  api: 'API',
  resource: 'Resource',
  system: 'System',
};

/**
 * Publishes each publication's guide to TechDocs (docs/design.md §6), so the model entity's Docs tab shows it:
 * writes an mkdocs project to a temp dir, generates it with techdocs-node's generator (the portal's
 * `techdocs.generator` config: `runIn: local` runs the local mkdocs) and publishes it with the portal's
 * `techdocs.publisher` for the publication's catalog entity. An unpublish replaces the site with a "not
 * published" page. Failures are logged and remembered, never thrown: the publish itself has succeeded,
 * and `ensure` (run by the reconciler) rebuilds any site whose etag is not the expected one.
 */
export class GuidePublisher implements GuideHooks {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly failures = new Map<string, { at: string; error: string }>();
  /** publication id → updatedAt whose site was built or verified by this process. */
  private readonly verified = new Map<string, string>();
  private readonly pending = new Set<Promise<unknown>>();
  /** publication id → the ensure in flight for that version. */
  private readonly ensuring = new Map<
    string,
    { updatedAt: string; result: Promise<EnsureResult> }
  >();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  /** Undefined when disabled (`modelPublishing.techdocs.enabled: false`, or no `techdocs` config). */
  static async fromConfig(
    config: Config,
    deps: {
      logger: LoggerService;
      discovery: DiscoveryService;
      render: GuideRenderer;
    },
  ): Promise<GuidePublisher | undefined> {
    const enabled =
      config.getOptionalBoolean('modelPublishing.techdocs.enabled') ??
      config.has('techdocs');
    if (!enabled) return undefined;
    const logger = deps.logger.child({ target: 'model-publishing-techdocs' });
    try {
      return new GuidePublisher({
        logger,
        generator: TechdocsGenerator.fromConfig(config, { logger }),
        publisher: await Publisher.fromConfig(config, {
          logger,
          discovery: deps.discovery,
        }),
        render: deps.render,
      });
    } catch (error) {
      // A misconfigured TechDocs storage must not keep the publishing API from starting.
      logger.warn(
        `Guides will not be published to TechDocs: ${message(error)}`,
      );
      return undefined;
    }
  }

  constructor(private readonly o: GuidePublisherOptions) {}

  published(publication: Publication): void {
    this.track(this.publishGuide(publication));
  }

  unpublished(publication: Publication): void {
    this.track(this.publishUnpublished(publication));
  }

  /** Resolves when every job started through the hooks has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** The last failure to publish this publication's site, until a later attempt succeeds. */
  lastFailure(
    publicationId: string,
  ): { at: string; error: string } | undefined {
    return this.failures.get(publicationId);
  }

  /** Generates and publishes the guide site of a live publication. */
  publishGuide(publication: Publication): Promise<EnsureResult> {
    return this.job(publication, async () =>
      guideSite(publication, await this.o.render(publication)),
    );
  }

  /** Replaces the site with a "not published" page. */
  publishUnpublished(publication: SitePublication): Promise<EnsureResult> {
    return this.job(publication, async () => unpublishedSite(publication));
  }

  /**
   * Makes sure a live publication's site is the current one (the reconciler calls it for every settled
   * publication): free when this process already built or checked this version; otherwise compares the
   * published etag and rebuilds on a mismatch or a missing site.
   */
  async ensure(publication: Publication): Promise<EnsureResult> {
    if (!LIVE.has(publication.status)) return 'skipped';
    if (this.verified.get(publication.id) === publication.updatedAt) {
      return 'current';
    }
    // The reconciler does not wait for a build, so its next pass may ask again: share the one in flight.
    const inFlight = this.ensuring.get(publication.id);
    if (inFlight?.updatedAt === publication.updatedAt) return inFlight.result;
    const result = this.job(
      publication,
      async () => guideSite(publication, await this.o.render(publication)),
      { onlyIfStale: true },
    );
    this.ensuring.set(publication.id, {
      updatedAt: publication.updatedAt,
      result,
    });
    void result.finally(() => {
      if (this.ensuring.get(publication.id)?.result === result)
        this.ensuring.delete(publication.id);
    });
    this.track(result);
    return result;
  }

  private track(job: Promise<unknown>) {
    const done = job.finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  /** One site at a time per entity (a publish then an unpublish land in order); never throws. */
  private job(
    publication: SitePublication,
    source: () => Promise<SiteSource>,
    opts: { onlyIfStale?: boolean } = {},
  ): Promise<EnsureResult> {
    const entity = this.entityOf(publication);
    if (!entity) return Promise.resolve('skipped');
    const key =
      `${entity.namespace}/${entity.kind}/${entity.name}`.toLowerCase();
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(() =>
      this.build(publication, entity, source, opts),
    );
    this.queues.set(key, run);
    void run.finally(() => {
      if (this.queues.get(key) === run) this.queues.delete(key);
    });
    return run;
  }

  private entityOf(
    publication: SitePublication,
  ): CompoundEntityRef | undefined {
    if (!publication.entityRef) {
      this.o.logger.debug(
        `publication ${publication.id} has no catalog entity; no TechDocs site`,
      );
      return undefined;
    }
    try {
      return parseEntityRef(publication.entityRef, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      });
    } catch {
      this.o.logger.warn(
        `publication ${publication.id}: entity ref '${publication.entityRef}' is not valid; no TechDocs site`,
      );
      return undefined;
    }
  }

  private async build(
    publication: SitePublication,
    ref: CompoundEntityRef,
    source: () => Promise<SiteSource>,
    opts: { onlyIfStale?: boolean },
  ): Promise<EnsureResult> {
    const what = `TechDocs guide of publication ${publication.id} (${publication.entityRef})`;
    try {
      const site = await source();
      if (opts.onlyIfStale && (await this.publishedEtag(ref)) === site.etag) {
        this.settle(publication);
        return 'current';
      }
      await this.withSlot(() => this.generateAndPublish(ref, site));
      this.settle(publication);
      this.o.logger.info(`Published the ${what}`);
      return 'published';
    } catch (error) {
      const reason = message(error);
      this.failures.set(publication.id, {
        at: new Date().toISOString(),
        error: reason,
      });
      this.verified.delete(publication.id);
      this.o.logger.warn(
        `Could not publish the ${what}; the publication itself is unaffected and the reconciler retries: ${reason}`,
      );
      return 'failed';
    }
  }

  private settle(publication: SitePublication) {
    this.failures.delete(publication.id);
    if (LIVE.has(publication.status)) {
      this.verified.set(publication.id, publication.updatedAt);
    } else {
      this.verified.delete(publication.id);
    }
  }

  private async publishedEtag(
    ref: CompoundEntityRef,
  ): Promise<string | undefined> {
    try {
      return (await this.o.publisher.fetchTechDocsMetadata(ref)).etag;
    } catch {
      return undefined; // no site yet
    }
  }

  private async generateAndPublish(ref: CompoundEntityRef, site: SiteSource) {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'mp-guide-'));
    try {
      const inputDir = path.join(root, 'input');
      const outputDir = path.join(root, 'output');
      for (const [file, content] of Object.entries(site.files)) {
        const target = path.join(inputDir, file);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.writeFile(target, content, 'utf8');
      }
      await fs.mkdir(outputDir, { recursive: true });

      let output = '';
      const logStream = new PassThrough();
      logStream.on('data', chunk => {
        output = (output + String(chunk)).slice(-LOG_TAIL);
      });
      try {
        await this.o.generator.run({
          inputDir,
          outputDir,
          etag: site.etag,
          // The generator only calls info/warn/debug, which LoggerService has.
          logger: this.o.logger as any,
          logStream,
        });
      } catch (error) {
        throw new Error(
          `${message(error)}${output ? `; mkdocs said: ${output.trim()}` : ''}`,
        );
      }
      const entity: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: KIND_CASE[ref.kind.toLowerCase()] ?? ref.kind,
        metadata: { name: ref.name, namespace: ref.namespace },
      };
      await this.o.publisher.publish({ entity, directory: outputDir });
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  }

  private async withSlot<T>(fn: () => Promise<T>): Promise<T> {
    // A finishing job hands its slot straight to the next waiter, so the count never overshoots.
    if (this.running >= (this.o.maxConcurrent ?? 1)) {
      await new Promise<void>(resolve => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
