import type { UsageQuotaAlert } from '@model-publishing/plugin-model-publishing-common';
import type { CounterRow, PublicationFloors, UsageStore } from './UsageStore';
import type { UsagePublicationInfo } from './types';
import {
  alertFloors,
  evaluateAlerts,
  keyIdOf,
  windowLimits,
  type WindowLimits,
} from './report';
import { bucketRange, type UsageQuery } from './query';

/** What a publication's alerts of one window compare against: its shared limits and each key's. */
function alertLimits(pub: UsagePublicationInfo, window: 'hour' | 'day') {
  const publication = windowLimits(pub.limits.publication, window);
  const keys = new Map<string, WindowLimits>(
    Object.entries(pub.limits.keys).map(([clientId, l]) => [
      clientId,
      windowLimits(l, window),
    ]),
  );
  return { publication, keys };
}

/** Quota alerts: hour and day windows that reached 80% / 100% of a publication's or a key's limit. */
export class QuotaAlerts {
  constructor(private readonly store: UsageStore) {}

  /** One publication's alerts in the query's range, newest first. */
  async list(
    pub: UsagePublicationInfo,
    query: UsageQuery,
  ): Promise<UsageQuotaAlert[]> {
    const checks: Promise<UsageQuotaAlert[]>[] = [];
    for (const window of ['hour', 'day'] as const) {
      const range = bucketRange({ ...query, granularity: window });
      const limits = alertLimits(pub, window);
      const scopes = {
        publication: alertFloors([limits.publication]),
        key: alertFloors([...limits.keys.values()]),
      };
      for (const scope of ['publication', 'key'] as const) {
        const floors = scopes[scope];
        if (
          !Number.isFinite(floors.requests) &&
          !Number.isFinite(floors.tokens)
        )
          continue;
        checks.push(
          this.store.alerts
            .bucketsAtLeast(pub.id, window, range, floors, scope === 'key')
            .then((rows: CounterRow[]) =>
              evaluateAlerts(
                scope,
                scope === 'key'
                  ? clientId => limits.keys.get(clientId)
                  : () => limits.publication,
                rows.map(r => ({
                  clientId: scope === 'key' ? r.clientId : '',
                  bucket: r.bucket,
                  counters: r,
                })),
                keyIdOf,
              ),
            ),
        );
      }
    }
    // independent queries: on PostgreSQL they run side by side on the pool
    const out = (await Promise.all(checks)).flat();
    return out.sort((a, b) => b.windowStart.localeCompare(a.windowStart));
  }

  /**
   * How many alerts `list()` would give for each publication, counted in SQL: two queries per window kind
   * (publication and key scope) whatever the number of publications.
   */
  async counts(
    pubs: UsagePublicationInfo[],
    query: UsageQuery,
  ): Promise<Map<string, number>> {
    const counts = new Map(pubs.map(p => [p.id, 0]));
    await Promise.all(
      (['hour', 'day'] as const).map(async window => {
        const range = bucketRange({ ...query, granularity: window });
        const floors = new Map<string, PublicationFloors>();
        for (const p of pubs) {
          const limits = alertLimits(p, window);
          floors.set(p.id, {
            publication: alertFloors([limits.publication]),
            keys: new Map(
              [...limits.keys].map(([clientId, l]) => [
                clientId,
                alertFloors([l]),
              ]),
            ),
          });
        }
        const found = await this.store.alerts.countAtLeastMany(
          window,
          range,
          floors,
        );
        for (const [id, n] of found) counts.set(id, (counts.get(id) ?? 0) + n);
      }),
    );
    return counts;
  }
}
