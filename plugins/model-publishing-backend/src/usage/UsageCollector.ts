import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { UsageSource } from '@model-publishing/plugin-model-publishing-node';
import { UsageService } from './UsageService';
import { UsageStore } from './UsageStore';
import { UsagePublicationDirectory } from './types';
import { hourOf, hourStart } from './time';

/** Hours re-collected on every run: metrics scraped late and the partial current hour settle then. */
export const RECOLLECT_HOURS = 2;

export interface UsageCollectorOptions {
  sources: UsageSource[];
  service: UsageService;
  store: UsageStore;
  directory: UsagePublicationDirectory;
  logger: LoggerService;
  retentionDays: number;
  now?: () => number;
  /** Runs after each scheduled collection (budget checks); its failure is logged. */
  afterCollect?: (now: Date) => Promise<unknown>;
}

/** Asks every pull source for the hours since its last collection and stores them; prunes old rollups. */
export class UsageCollector {
  constructor(private readonly o: UsageCollectorOptions) {}

  /** One collection of every source; a failing source is logged and retried on the next run. */
  async runOnce(): Promise<
    { source: string; records: number; error?: string }[]
  > {
    const now = (this.o.now ?? Date.now)();
    const nowHour = hourOf(now);
    const oldest = nowHour - this.o.retentionDays * 24;
    const results: { source: string; records: number; error?: string }[] = [];
    if (this.o.sources.length === 0) return results;
    // Pull sources measure what is being served: live publications only (demo traffic must not
    // appear for unpublished models).
    const publications = (await this.o.directory.list()).filter(p => p.live);

    for (const source of this.o.sources) {
      try {
        const until = await this.o.store.retention.getCollectedUntil(source.id);
        const fromHour = Math.max(
          oldest,
          until === undefined
            ? nowHour - (source.initialBackfillHours ?? 24)
            : until - RECOLLECT_HOURS,
        );
        const records = await source.collect({
          from: hourStart(fromHour),
          to: hourStart(nowHour + 1),
          publications,
        });
        const known = new Set(publications.map(p => p.id));
        const inRange = records.filter(r => {
          const h = hourOf(r.hour);
          return known.has(r.publicationId) && h >= fromHour && h <= nowHour;
        });
        // Stores the rollups and each key's last use together: the key list shows what the reports show.
        await this.o.service.recordPulled(source.id, inRange, new Date(now));
        // The current hour is partial: the next run starts from it again.
        await this.o.store.retention.setCollectedUntil(source.id, nowHour);
        results.push({ source: source.id, records: inRange.length });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.o.logger.warn(
          `usage source '${source.id}' failed to collect: ${message}`,
        );
        results.push({ source: source.id, records: 0, error: message });
      }
    }
    await this.o.service.prune(new Date(now));
    return results;
  }

  /** One run at a time across all backend replicas (global scope). */
  async schedule(
    scheduler: SchedulerService,
    everyMinutes: number,
  ): Promise<void> {
    await scheduler.scheduleTask({
      id: 'model-publishing-usage-collector',
      scope: 'global',
      frequency: { minutes: everyMinutes },
      timeout: {
        milliseconds: Math.max(60_000, everyMinutes * 60_000 - 5_000),
      },
      initialDelay: { seconds: 5 },
      fn: async () => {
        const results = await this.runOnce();
        await this.o
          .afterCollect?.(new Date())
          .catch(error =>
            this.o.logger.warn(
              `usage: after-collection check failed: ${
                (error as Error).message
              }`,
            ),
          );
        const summary = results
          .map(r => `${r.source}=${r.error ? 'failed' : r.records}`)
          .join(' ');
        if (summary) this.o.logger.debug(`usage collected: ${summary}`);
      },
    });
  }
}
