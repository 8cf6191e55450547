import { InputError } from '@backstage/errors';
import type { UsageStore } from '../UsageStore';
import type { UsagePublicationDirectory } from '../types';
import { DAY_MS } from '../time';
import {
  buildChargeback,
  UNATTRIBUTED,
  type ChargebackReport,
} from './chargeback';
import { hasPrices } from './prices';
import { buildOrgGraph, type OrgEntity, type OrgGraph } from './orgGraph';

/** Where the org graph comes from (the catalog in the backend; a fixed list in tests and benches). */
export interface OrgSource {
  entities(): Promise<OrgEntity[]>;
}

/** A calendar month (UTC) as days since the epoch. */
export function monthDays(month: string): {
  firstDay: number;
  dayCount: number;
} {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new InputError(`month: must be YYYY-MM, got '${month}'`);
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  const firstDay = Date.UTC(year, index, 1) / DAY_MS;
  const nextDay = Date.UTC(year, index + 1, 1) / DAY_MS;
  return { firstDay, dayCount: nextDay - firstDay };
}

/** The month (YYYY-MM, UTC) an instant falls in. */
export function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** Costs per consumer, rolled up the org graph, per month (the costs page and its CSV). */
export class ChargebackService {
  private graph?: { at: number; graph: OrgGraph };

  constructor(
    private readonly store: UsageStore,
    private readonly directory: UsagePublicationDirectory,
    private readonly org: OrgSource,
    private readonly currency: string,
    private readonly options: { graphTtlMs?: number; now?: () => number } = {},
  ) {}

  async report(month: string): Promise<ChargebackReport> {
    const { firstDay, dayCount } = monthDays(month);
    const [publications, graph] = await Promise.all([
      this.directory.list(),
      this.orgGraph(),
    ]);
    // each key's consumer as a number the database groups by (keys nobody holds: unattributed)
    const pubs = new Set(publications.map(p => p.id));
    const consumerRefOf = new Map<string, string>();
    for (const p of publications)
      for (const k of p.keys)
        if (k.consumer)
          consumerRefOf.set(`${p.id}\u0000${k.clientId}`, k.consumer);
    const consumers: string[] = [];
    const numbers = new Map<string, number>();
    const sums = await this.store.reader.chargebackSums(
      { from: firstDay, to: firstDay + dayCount },
      publications
        .filter(p => hasPrices(p.prices))
        .map(p => ({
          publicationId: p.id,
          requestsPerThousand: p.prices?.requestsPerThousand ?? 0,
          inputTokensPerMillion: p.prices?.inputTokensPerMillion ?? 0,
          outputTokensPerMillion: p.prices?.outputTokensPerMillion ?? 0,
        })),
      (publicationId, clientId) => {
        if (!pubs.has(publicationId)) return undefined;
        const ref =
          consumerRefOf.get(`${publicationId}\u0000${clientId}`) ??
          UNATTRIBUTED;
        let n = numbers.get(ref);
        if (n === undefined) {
          n = consumers.length;
          consumers.push(ref);
          numbers.set(ref, n);
        }
        return n;
      },
    );
    return buildChargeback({
      month,
      currency: this.currency,
      firstDay,
      dayCount,
      sums,
      consumers,
      publications,
      graph,
    });
  }

  /** The org graph, read again at most once a minute (the catalog changes slowly). */
  async orgGraph(): Promise<OrgGraph> {
    const now = (this.options.now ?? Date.now)();
    if (this.graph && now - this.graph.at < (this.options.graphTtlMs ?? 60_000))
      return this.graph.graph;
    const graph = buildOrgGraph(await this.org.entities());
    this.graph = { at: now, graph };
    return graph;
  }
}
