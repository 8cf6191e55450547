import { InputError } from '@backstage/errors';
import type { UsageStore } from '../UsageStore';
import type { UsagePublicationDirectory } from '../types';
import { DAY_MS } from '../time';
import { buildChargeback, type ChargebackReport } from './chargeback';
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
    const [rows, publications, graph] = await Promise.all([
      this.store.reader.clientDays({ from: firstDay, to: firstDay + dayCount }),
      this.directory.list(),
      this.orgGraph(),
    ]);
    return buildChargeback({
      month,
      currency: this.currency,
      firstDay,
      dayCount,
      rows,
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
