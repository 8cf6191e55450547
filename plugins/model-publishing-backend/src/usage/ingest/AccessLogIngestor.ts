import { UsageStore } from '../UsageStore';
import {
  HourRow,
  LatencyRow,
  UsagePublicationDirectory,
  UsageKeyInfo,
  UsagePublicationInfo,
  zeroCounters,
} from '../types';
import { HOUR_MS } from '../time';
import {
  AccessLogEntry,
  parseAccessLogBatch,
  parseRouteName,
} from './accessLog';

import { ACCESS_LOG_SOURCE, accessLogBucket } from '../latency';

export { ACCESS_LOG_SOURCE };

export interface IngestResult {
  received: number;
  /** Counted now. */
  accepted: number;
  /** Seen before (re-delivery) or twice in this batch: not counted again. */
  duplicates: number;
  /**
   * Counted for no publication: no publication matches their route, or they name a client id that is not
   * a key of the route's publication or was not live at the record's time (refused, never counted).
   */
  unmatched: number;
  /** Older than the dedupe window, or too far in the future: not counted. */
  skipped: number;
}

/** Allowed clock skew between Envoy and the backend. */
const FUTURE_SKEW_MS = 10 * 60_000;

/**
 * The live publication first, then the most recently published: a model unpublished and published again
 * keeps its route name, and the route's traffic belongs to the publication that serves it now.
 */
function servingFirst(a: UsagePublicationInfo, b: UsagePublicationInfo) {
  if (a.live !== b.live) return a.live ? -1 : 1;
  return (b.publishedAt?.getTime() ?? 0) - (a.publishedAt?.getTime() ?? 0);
}

/**
 * Looks up publications by client id and by route from a cached list of the directory, reloaded when the
 * directory's version changes (a republish or a new key), and at the latest after its time to live.
 */
class PublicationResolver {
  private byClient = new Map<string, UsagePublicationInfo>();
  private keyOf = new Map<string, UsageKeyInfo>();
  private byRoute = new Map<string, UsagePublicationInfo[]>();
  private loadedAt = -Infinity;
  private loadedVersion?: string;
  private loading?: Promise<void>;

  constructor(
    private readonly directory: UsagePublicationDirectory,
    private readonly ttlMs = 30_000,
    private readonly missRefreshMs = 5_000,
  ) {}

  async ensure(now: number, missed: boolean): Promise<void> {
    const age = now - this.loadedAt;
    const stale =
      age >= this.ttlMs ||
      (missed && age >= this.missRefreshMs) ||
      (this.directory.version !== undefined &&
        (await this.directory.version()) !== this.loadedVersion);
    if (!stale) return;
    this.loading ??= this.load(now).finally(() => {
      this.loading = undefined;
    });
    await this.loading;
  }

  private async load(now: number): Promise<void> {
    // The version first: a change during the list is then seen as a change next time.
    const version = await this.directory.version?.();
    const pubs = await this.directory.list();
    const byClient = new Map<string, UsagePublicationInfo>();
    const keyOf = new Map<string, UsageKeyInfo>();
    const byRoute = new Map<string, UsagePublicationInfo[]>();
    for (const p of pubs) {
      for (const c of p.clientIds) byClient.set(c, p);
      for (const k of p.keys) keyOf.set(k.clientId, k);
      const k = `${p.namespace}/${p.routeName}`;
      byRoute.set(k, [...(byRoute.get(k) ?? []), p]);
    }
    for (const list of byRoute.values()) list.sort(servingFirst);
    this.byClient = byClient;
    this.keyOf = keyOf;
    this.byRoute = byRoute;
    this.loadedAt = now;
    this.loadedVersion = version;
  }

  /**
   * The publication a record counts for, or undefined when it counts for none. A record naming a client id
   * counts only for the publication that key belongs to, on that publication's route, within the key's
   * lifetime: the gateway logs a client id only for a key it accepted, so anything else is forged (or
   * another gateway's) and must not move a key's usage or last use. Without a client id (refused
   * requests) the route decides.
   */
  resolve(
    entry: AccessLogEntry,
    cluster: string | undefined,
  ): UsagePublicationInfo | undefined {
    const route = parseRouteName(entry.routeName);
    if (entry.clientId) {
      const p = this.byClient.get(entry.clientId);
      if (!p || (cluster && p.cluster !== cluster)) return undefined;
      if (
        route &&
        (route.namespace !== p.namespace || route.route !== p.routeName)
      )
        return undefined;
      const key = this.keyOf.get(entry.clientId);
      if (key && !keyLiveAt(key, entry.at)) return undefined;
      return p;
    }
    if (!route) return undefined;
    const candidates =
      this.byRoute.get(`${route.namespace}/${route.route}`) ?? [];
    return cluster
      ? candidates.find(p => p.cluster === cluster)
      : candidates[0];
  }
}

/** Whether the gateway could have accepted `key` at `at` (its lifetime, give or take the clock skew). */
function keyLiveAt(key: UsageKeyInfo, at: number): boolean {
  if (key.createdAt && at < key.createdAt.getTime() - FUTURE_SKEW_MS)
    return false;
  return !key.until || at <= key.until.getTime() + FUTURE_SKEW_MS;
}

/**
 * Counts Envoy access-log records into the rollups exactly once: validated as a whole batch, attributed by
 * client id (else by route), deduplicated by record id in the same transaction that adds the counts.
 */
export class AccessLogIngestor {
  private readonly resolver: PublicationResolver;

  constructor(
    private readonly store: UsageStore,
    directory: UsagePublicationDirectory,
    private readonly options: {
      dedupeHours: number;
      maxRecordsPerBatch: number;
      /** Cluster the records come from when the request does not say (multi-cluster set-ups). */
      cluster?: string;
      now?: () => number;
    },
  ) {
    this.resolver = new PublicationResolver(directory);
  }

  async ingest(
    body: unknown,
    request: { cluster?: string } = {},
  ): Promise<IngestResult> {
    const entries = parseAccessLogBatch(body, this.options.maxRecordsPerBatch);
    const now = (this.options.now ?? Date.now)();
    const cluster = request.cluster ?? this.options.cluster;
    const oldest =
      (Math.floor(now / HOUR_MS) - this.options.dedupeHours) * HOUR_MS;
    const result: IngestResult = {
      received: entries.length,
      accepted: 0,
      duplicates: 0,
      unmatched: 0,
      skipped: 0,
    };

    await this.resolver.ensure(now, false);
    let attributed = entries.map(e => this.resolver.resolve(e, cluster));
    if (attributed.some(p => !p)) {
      // A key or publication created since the last refresh: look again once.
      await this.resolver.ensure(now, true);
      attributed = entries.map(e => this.resolver.resolve(e, cluster));
    }

    const candidates: { entry: AccessLogEntry; pub: UsagePublicationInfo }[] =
      [];
    const ids = new Map<string, number>();
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const pub = attributed[i];
      if (entry.at < oldest || entry.at > now + FUTURE_SKEW_MS)
        result.skipped++;
      else if (!pub) result.unmatched++;
      else if (ids.has(entry.id)) result.duplicates++;
      else {
        ids.set(entry.id, Math.floor(entry.at / HOUR_MS));
        candidates.push({ entry, pub });
      }
    }

    const lastUsed = new Map<
      string,
      { publicationId: string; clientId: string; ms: number }
    >();
    const { fresh } = await this.store.writer.ingest(
      ACCESS_LOG_SOURCE,
      [...ids].map(([id, hour]) => ({ id, hour })),
      candidates.map(c => c.pub.id),
      freshIds => {
        const rows = new Map<string, HourRow>();
        const latency = new Map<string, LatencyRow>();
        const observe = (
          row: HourRow,
          metric: LatencyRow['metric'],
          seconds: number,
        ) => {
          const le = accessLogBucket(seconds);
          const k = `${row.publicationId}\u0000${row.clientId}\u0000${row.hour}\u0000${metric}\u0000${le}`;
          const seen = latency.get(k);
          if (seen) seen.count++;
          else
            latency.set(k, {
              publicationId: row.publicationId,
              clientId: row.clientId,
              hour: row.hour,
              metric,
              le,
              count: 1,
            });
        };
        for (const { entry, pub } of candidates) {
          if (!freshIds.has(entry.id)) continue;
          const hour = Math.floor(entry.at / HOUR_MS);
          const k = `${pub.id}\u0000${entry.clientId}\u0000${hour}`;
          let row = rows.get(k);
          if (!row) {
            row = {
              publicationId: pub.id,
              clientId: entry.clientId,
              hour,
              ...zeroCounters(),
            };
            rows.set(k, row);
          }
          row.requests++;
          const code = entry.responseCode;
          if (code === 401) row.status401++;
          else if (code === 403) row.status403++;
          else if (code === 429) row.status429++;
          else if (code >= 500) row.status5xx++;
          else if (code >= 400) row.status4xxOther++;
          row.inputTokens += entry.inputTokens;
          row.outputTokens += entry.outputTokens;
          observeLatency(entry, pub.modelKind === 'openai', (metric, s) =>
            observe(row!, metric, s),
          );
          if (entry.clientId) {
            const lk = `${pub.id}\u0000${entry.clientId}`;
            const seen = lastUsed.get(lk);
            if (!seen || seen.ms < entry.at) {
              lastUsed.set(lk, {
                publicationId: pub.id,
                clientId: entry.clientId,
                ms: entry.at,
              });
            }
          }
        }
        return {
          rows: [...rows.values()],
          lastUsed: [...lastUsed.values()],
          latency: [...latency.values()],
        };
      },
    );
    result.accepted = fresh;
    result.duplicates += candidates.length - fresh;
    return result;
  }
}

/**
 * The latency observations of one record: the request's duration; for LLMs also the time to first token
 * (%RESPONSE_DURATION%, the first byte of a streamed answer) and the time per output token after it —
 * (duration − TTFT) / (output tokens − 1), as AI Gateway computes its own metric.
 */
export function observeLatency(
  entry: AccessLogEntry,
  llm: boolean,
  observe: (metric: LatencyRow['metric'], seconds: number) => void,
): void {
  if (entry.durationMs === undefined) return;
  observe('request', entry.durationMs / 1000);
  if (!llm || entry.responseDurationMs === undefined) return;
  const ttft = Math.min(entry.responseDurationMs, entry.durationMs);
  observe('ttft', ttft / 1000);
  if (entry.outputTokens > 1)
    observe(
      'tpot',
      (entry.durationMs - ttft) / 1000 / (entry.outputTokens - 1),
    );
}
