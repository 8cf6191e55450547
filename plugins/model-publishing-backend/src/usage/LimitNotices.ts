import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type {
  RateLimits,
  UsageQuotaAlert,
} from '@model-publishing/plugin-model-publishing-common';
import type { Knex } from 'knex';
import type { QuotaAlerts } from './QuotaAlerts';
import { ALERT_RATIO } from './report';
import { DAY_MS, HOUR_MS } from './time';
import type {
  Counters,
  UsagePublicationDirectory,
  UsagePublicationInfo,
} from './types';

const TABLE = 'usage_limit_notices';
/** Notices of windows older than this are forgotten (their windows can no longer be reported as current). */
const KEEP_MS = 3 * DAY_MS;
/**
 * Envoy Gateway's RateLimitUnit Month: the rate-limit service divides time into fixed 30-day windows
 * counted from the Unix epoch (whole UTC days), not calendar months.
 */
export const MONTH_MS = 30 * DAY_MS;
/** A month window's notices are kept until it has ended (and a day more, for late usage). */
const KEEP_MONTH_MS = MONTH_MS + DAY_MS;

/** Start of the gateway's month window holding `at` (epoch ms). Pure. */
export function monthWindowStart(at: Date): number {
  return Math.floor(at.getTime() / MONTH_MS) * MONTH_MS;
}

/** Totals per client id of a publication over hour buckets [from, to) (the usage store's byClient). */
export type ClientTotals = (
  publicationId: string,
  hours: { from: number; to: number },
) => Promise<{ clientId: string; counters: Counters }[]>;

/** One limit notice: a key (or the publication's shared limit) at 80 % or 100 % in one hour, day or month. */
export interface LimitNotice {
  publicationId: string;
  /** '' for the publication's shared limit. */
  clientId: string;
  keyName?: string;
  metric: UsageQuotaAlert['metric'];
  window: UsageQuotaAlert['window'] | 'month';
  windowStart: string;
  threshold: UsageQuotaAlert['threshold'];
  used: number;
  limit: number;
  /** Entity refs told: the key's holder, and the model's owners. */
  holders: string[];
  owners: string[];
}

/**
 * Windows worth telling about at `now`: the current hour and day, and those that ended within the last
 * hour (usage of an hour may arrive after it ends). Pure.
 */
export function isCurrentWindow(
  alert: Pick<UsageQuotaAlert, 'window' | 'windowStart'>,
  now: Date,
): boolean {
  const size = alert.window === 'hour' ? HOUR_MS : DAY_MS;
  const end = Date.parse(alert.windowStart) + size;
  return end > now.getTime() - HOUR_MS;
}

/** The frontend page where owners see a model's usage: its Publish tab's usage cards. */
export function usagePageOf(entityRef: string | undefined): string {
  if (!entityRef) return '/model-publishing';
  const ref = parseEntityRef(entityRef);
  return `/catalog/${ref.namespace}/${ref.kind.toLocaleLowerCase('en-US')}/${
    ref.name
  }/publish#usage`;
}

const describeWindow = (n: LimitNotice) =>
  n.window === 'month'
    ? `${
        n.metric
      } per month (the gateway's 30-day window from ${n.windowStart.slice(
        0,
        10,
      )})`
    : `${n.metric} per ${n.window} (window from ${n.windowStart.replace(
        /:00\.000Z$/,
        ' UTC',
      )})`;

/**
 * After each usage collection: every live publication's keys and shared limits that reached 80 % or 100 %
 * of an hour, day or month limit tell the key's holder (its consumer entity, or the user who created it) and the
 * model's owners — once per window and threshold, however many collections see it (the notices table's
 * primary key decides, across replicas). Per-minute limits cannot be judged from hourly rollups; the
 * gateway's 429 is their signal.
 */
export class LimitNotices {
  constructor(
    private readonly deps: {
      db: Knex;
      quotaAlerts: Pick<QuotaAlerts, 'list'>;
      directory: UsagePublicationDirectory;
      logger: LoggerService;
      notifications?: NotificationService;
      /** Month limits are judged from these totals; without them only hour and day limits are. */
      clientTotals?: ClientTotals;
    },
  ) {}

  async check(now: Date): Promise<LimitNotice[]> {
    await this.deps
      .db(TABLE)
      .where(q =>
        q
          .where('window', '<>', 'month')
          .andWhere('window_start', '<', now.getTime() - KEEP_MS),
      )
      .orWhere(q =>
        q
          .where('window', 'month')
          .andWhere('window_start', '<', now.getTime() - KEEP_MONTH_MS),
      )
      .delete();
    const pubs = (await this.deps.directory.list()).filter(p => p.live);
    // From the start of yesterday (a day window that just ended) to the end of the current hour.
    const from = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - DAY_MS);
    const to = new Date(
      Math.floor(now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS,
    );
    const sent: LimitNotice[] = [];
    for (const pub of pubs) {
      const alerts = await this.deps.quotaAlerts.list(pub, {
        from,
        to,
        granularity: 'hour',
      });
      for (const alert of alerts) {
        if (!isCurrentWindow(alert, now)) continue;
        const notice = this.noticeOf(pub, alert);
        if (!(await this.claim(notice, now))) continue;
        await this.notify(pub, notice);
        sent.push(notice);
      }
      for (const notice of await this.monthNotices(pub, now)) {
        if (!(await this.claim(notice, now))) continue;
        await this.notify(pub, notice);
        sent.push(notice);
      }
    }
    return sent;
  }

  /**
   * Keys at 80 % or 100 % of a month limit in the gateway's current month window (hourly rollups sum
   * exactly into it: the window starts at a whole UTC day).
   */
  private async monthNotices(
    pub: UsagePublicationInfo,
    now: Date,
  ): Promise<LimitNotice[]> {
    const monthly = Object.entries(pub.limits.keys).filter(
      ([, l]) => l.requestsPerMonth || l.tokensPerMonth,
    );
    if (!this.deps.clientTotals || monthly.length === 0) return [];
    const start = monthWindowStart(now);
    const totals = new Map(
      (
        await this.deps.clientTotals(pub.id, {
          from: start / HOUR_MS,
          to: Math.floor(now.getTime() / HOUR_MS) + 1,
        })
      ).map(t => [t.clientId, t.counters]),
    );
    const notices: LimitNotice[] = [];
    for (const [clientId, limits] of monthly) {
      const counters = totals.get(clientId);
      if (!counters) continue;
      const used = {
        requests: counters.requests,
        tokens: counters.inputTokens + counters.outputTokens,
      };
      const limitOf: Record<'requests' | 'tokens', keyof RateLimits> = {
        requests: 'requestsPerMonth',
        tokens: 'tokensPerMonth',
      };
      for (const metric of ['requests', 'tokens'] as const) {
        const limit = limits[limitOf[metric]];
        if (!limit || used[metric] < limit * ALERT_RATIO) continue;
        const key = pub.keys.find(k => k.clientId === clientId);
        notices.push({
          publicationId: pub.id,
          clientId,
          ...(key ? { keyName: key.name } : {}),
          metric,
          window: 'month',
          windowStart: new Date(start).toISOString(),
          threshold: used[metric] >= limit ? 100 : 80,
          used: used[metric],
          limit,
          holders: key?.consumer ? [key.consumer] : [],
          owners: pub.owner ? [pub.owner] : [],
        });
      }
    }
    return notices;
  }

  private noticeOf(pub: UsagePublicationInfo, alert: UsageQuotaAlert) {
    const key =
      alert.scope === 'key'
        ? pub.keys.find(k => k.clientId === alert.clientId)
        : undefined;
    return {
      publicationId: pub.id,
      clientId: alert.scope === 'key' ? alert.clientId ?? '' : '',
      ...(key ? { keyName: key.name } : {}),
      metric: alert.metric,
      window: alert.window,
      windowStart: alert.windowStart,
      threshold: alert.threshold,
      used: alert.used,
      limit: alert.limit,
      holders: key?.consumer ? [key.consumer] : [],
      owners: pub.owner ? [pub.owner] : [],
    };
  }

  /** True for the first claim of this window and threshold only (insert, ignore on conflict). */
  private async claim(notice: LimitNotice, now: Date): Promise<boolean> {
    const inserted: unknown[] = await this.deps
      .db(TABLE)
      .insert({
        publication_id: notice.publicationId,
        client_id: notice.clientId,
        metric: notice.metric,
        window: notice.window,
        window_start: Date.parse(notice.windowStart),
        threshold: notice.threshold,
        sent_at: now,
      })
      .onConflict([
        'publication_id',
        'client_id',
        'metric',
        'window',
        'window_start',
        'threshold',
      ])
      .ignore()
      .returning('publication_id');
    return inserted.length > 0;
  }

  private async notify(pub: UsagePublicationInfo, n: LimitNotice) {
    if (!this.deps.notifications) return;
    const what = n.keyName ? `Key ${n.keyName}` : 'All keys together';
    const title = `${what} used ${n.threshold} % of its ${n.metric} limit on ${pub.name}`;
    const description = `${n.used.toLocaleString(
      'en-US',
    )} of ${n.limit.toLocaleString('en-US')} ${describeWindow(n)}.${
      n.threshold >= 100
        ? ' Calls past the limit get 429 until the window ends.'
        : ''
    }`;
    const severity = n.threshold >= 100 ? 'high' : 'normal';
    const topic = 'model-publishing.limits';
    // The holder acts on their access page; the owners on the model's usage.
    const sends: [string[], string][] = [
      [n.holders.filter(h => !n.owners.includes(h)), '/model-access'],
      [n.owners, usagePageOf(pub.entityRef)],
    ];
    for (const [recipients, link] of sends) {
      if (!recipients.length) continue;
      try {
        await this.deps.notifications.send({
          recipients: { type: 'entity', entityRef: recipients },
          payload: { title, description, link, severity, topic },
        });
      } catch (error) {
        this.deps.logger.warn(
          `Could not send limit notice "${title}": ${(error as Error).message}`,
        );
      }
    }
  }
}
