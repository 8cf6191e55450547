import type { ChargebackSums } from '../UsageStore';
import type { UsagePublicationInfo } from '../types';
import { ancestry, type OrgGraph } from './orgGraph';
import { costOf, roundCost } from './prices';

/** One node of the roll-up: a consumer, or a group / system / domain above consumers. */
export interface ChargebackLine {
  ref: string;
  kind: string;
  title?: string;
  parent?: string;
  /** 0 for roots. */
  depth: number;
  /** Cost of the node's own keys. */
  ownCost: number;
  /** Own cost plus every descendant's. */
  totalCost: number;
  /** Billable requests and tokens, rolled up like totalCost. */
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Rolled-up cost per day of the month. */
  costPerDay: number[];
}

/** What one key cost over the month. */
export interface ChargebackKey {
  publicationId: string;
  model: string;
  keyId?: string;
  keyName?: string;
  clientId: string;
  consumer: string;
  cost: number;
}

/** What the consumers of one owning team's models were charged. */
export interface ChargebackProvider {
  owner: string;
  cost: number;
  costPerDay: number[];
}

export interface ChargebackReport {
  /** YYYY-MM (UTC). */
  month: string;
  currency: string;
  /** Starts (UTC midnight) of the month's days. */
  days: string[];
  total: number;
  /** Tree order: each root, then its children depth first, biggest total first. */
  lines: ChargebackLine[];
  keys: ChargebackKey[];
  providers: ChargebackProvider[];
}

/** Consumers of keys nobody can be found for. */
export const UNATTRIBUTED = 'unattributed';

interface Acc {
  own: number;
  total: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  perDay: number[];
}

/**
 * Prices each key's month (the database's sums: ChargebackService), attributes it to the key's consumer and
 * rolls it up the org graph; the costs per consumer and per publication and day give the daily figures.
 * Sums are kept unrounded and rounded once per figure (to a millionth), so a parent's total is the rounded
 * sum of its children's exact costs.
 */
export function buildChargeback(input: {
  month: string;
  currency: string;
  firstDay: number;
  dayCount: number;
  sums: ChargebackSums;
  /** The consumers the sums' consumer numbers stand for. */
  consumers: string[];
  publications: UsagePublicationInfo[];
  graph: OrgGraph;
}): ChargebackReport {
  const { firstDay, dayCount, graph, sums } = input;
  const pubs = new Map(input.publications.map(p => [p.id, p]));
  const keyOf = new Map<string, UsagePublicationInfo['keys'][number]>();
  for (const p of input.publications)
    for (const k of p.keys) keyOf.set(`${p.id}\u0000${k.clientId}`, k);

  const nodes = new Map<string, Acc>();
  const node = (ref: string) => {
    let n = nodes.get(ref);
    if (!n) {
      n = {
        own: 0,
        total: 0,
        requests: 0,
        inputTokens: 0,
        outputTokens: 0,
        perDay: new Array(dayCount).fill(0),
      };
      nodes.set(ref, n);
    }
    return n;
  };
  const keys = new Map<string, ChargebackKey & { exact: number }>();
  const providers = new Map<string, { cost: number; perDay: number[] }>();
  const chains = new Map<string, string[]>();
  const chainOf = (consumer: string) => {
    let chain = chains.get(consumer);
    if (!chain) {
      chain = ancestry(graph, consumer);
      chains.set(consumer, chain);
    }
    return chain;
  };
  let total = 0;

  for (const r of sums.keys) {
    const pub = pubs.get(r.publicationId);
    if (!pub) continue;
    const requests = r.billableRequests;
    const cost = costOf(
      { ...r, requests, status401: 0, status403: 0, status429: 0 },
      pub.prices,
    );
    if (cost === 0 && requests === 0 && r.inputTokens + r.outputTokens === 0)
      continue;
    const k = `${r.publicationId}\u0000${r.clientId}`;
    const key = keyOf.get(k);
    const consumer = key?.consumer ?? UNATTRIBUTED;
    total += cost;
    chainOf(consumer).forEach((ref, i) => {
      const n = node(ref);
      if (i === 0) n.own += cost;
      n.total += cost;
      n.requests += requests;
      n.inputTokens += r.inputTokens;
      n.outputTokens += r.outputTokens;
    });
    keys.set(k, {
      publicationId: r.publicationId,
      model: `${pub.namespace}/${pub.name}`,
      ...(key ? { keyId: key.id, keyName: key.name } : {}),
      clientId: r.clientId,
      consumer,
      cost: 0,
      exact: cost,
    });
    const owner = pub.owner ?? UNATTRIBUTED;
    const p = providers.get(owner) ?? {
      cost: 0,
      perDay: new Array(dayCount).fill(0),
    };
    p.cost += cost;
    providers.set(owner, p);
  }
  for (const d of sums.consumerDays) {
    const day = d.day - firstDay;
    const consumer = input.consumers[d.consumer];
    if (d.cost === 0 || day < 0 || day >= dayCount || !nodes.has(consumer))
      continue;
    for (const ref of chainOf(consumer)) node(ref).perDay[day] += d.cost;
  }
  for (const d of sums.publicationDays) {
    const day = d.day - firstDay;
    const pub = pubs.get(d.publicationId);
    const p = pub && providers.get(pub.owner ?? UNATTRIBUTED);
    if (p && d.cost !== 0 && day >= 0 && day < dayCount)
      p.perDay[day] += d.cost;
  }

  // tree order: roots first, children under their parent, biggest total first, then by ref
  const children = new Map<string | undefined, string[]>();
  for (const ref of nodes.keys()) {
    const parent = graph.parent.get(ref);
    const at = parent && nodes.has(parent) ? parent : undefined;
    children.set(at, [...(children.get(at) ?? []), ref]);
  }
  const sortByTotal = (refs: string[]) =>
    [...refs].sort(
      (a, b) => nodes.get(b)!.total - nodes.get(a)!.total || a.localeCompare(b),
    );
  const lines: ChargebackLine[] = [];
  const visit = (ref: string, depth: number) => {
    const n = nodes.get(ref)!;
    const parent = graph.parent.get(ref);
    lines.push({
      ref,
      kind: graph.kinds.get(ref) ?? ref.split(':')[0],
      ...(graph.titles.has(ref) ? { title: graph.titles.get(ref) } : {}),
      ...(parent && nodes.has(parent) ? { parent } : {}),
      depth,
      ownCost: roundCost(n.own),
      totalCost: roundCost(n.total),
      requests: n.requests,
      inputTokens: n.inputTokens,
      outputTokens: n.outputTokens,
      costPerDay: n.perDay.map(roundCost),
    });
    for (const child of sortByTotal(children.get(ref) ?? []))
      visit(child, depth + 1);
  };
  for (const root of sortByTotal(children.get(undefined) ?? [])) visit(root, 0);

  return {
    month: input.month,
    currency: input.currency,
    days: Array.from({ length: dayCount }, (_, i) =>
      new Date((firstDay + i) * 86_400_000).toISOString(),
    ),
    total: roundCost(total),
    lines,
    keys: [...keys.values()]
      .map(({ exact, ...k }) => ({ ...k, cost: roundCost(exact) }))
      .sort((a, b) => b.cost - a.cost || a.clientId.localeCompare(b.clientId)),
    providers: [...providers]
      .map(([owner, p]) => ({
        owner,
        cost: roundCost(p.cost),
        costPerDay: p.perDay.map(roundCost),
      }))
      .sort((a, b) => b.cost - a.cost || a.owner.localeCompare(b.owner)),
  };
}

/** Keeps the subtrees rooted at the given refs (what a group's members may see), re-rooted at depth 0. */
export function restrictChargeback(
  report: ChargebackReport,
  roots: Set<string>,
): ChargebackReport {
  const lines: ChargebackLine[] = [];
  let inside: number | undefined;
  for (const line of report.lines) {
    if (inside !== undefined && line.depth <= inside) inside = undefined;
    if (inside === undefined && roots.has(line.ref)) inside = line.depth;
    if (inside !== undefined)
      lines.push({
        ...line,
        depth: line.depth - inside,
        ...(line.depth === inside ? { parent: undefined } : {}),
      });
  }
  const refs = new Set(lines.map(l => l.ref));
  const keys = report.keys.filter(k => refs.has(k.consumer));
  const total = roundCost(
    lines.filter(l => l.depth === 0).reduce((n, l) => n + l.totalCost, 0),
  );
  return { ...report, total, lines, keys, providers: [] };
}

function csvCell(value: string | number | undefined): string {
  const s = value === undefined ? '' : String(value);
  const safe =
    typeof value === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The page's table as CSV: one row per line, in the page's order, with the same figures. */
export function chargebackToCsv(report: ChargebackReport): string {
  const header = [
    'month',
    'ref',
    'kind',
    'parent',
    'depth',
    `ownCost (${report.currency})`,
    `totalCost (${report.currency})`,
    'requests',
    'inputTokens',
    'outputTokens',
  ];
  const rows = report.lines.map(l =>
    [
      report.month,
      l.ref,
      l.kind,
      l.parent,
      l.depth,
      l.ownCost,
      l.totalCost,
      l.requests,
      l.inputTokens,
      l.outputTokens,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[header.join(','), ...rows].join('\r\n')}\r\n`;
}
