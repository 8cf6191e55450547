import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import type { PublicationPage, UsageSummaryItem } from '../../api/types';

export interface FleetTotals {
  publications: number;
  live: number;
  needAttention: number;
  requests: number;
}

const LIVE = ['published', 'degraded', 'updating'];
const NEED_ATTENTION = ['degraded', 'failed'];

/**
 * The figures above the table: how many publications, how many live, how many degraded or failed, and the
 * loaded rows' requests. The counts are the server's over every page when it sends them (`counts`), else
 * the loaded rows'.
 */
export function fleetTotals(
  publications: Publication[],
  usage: Map<string, UsageSummaryItem>,
  counts: Pick<PublicationPage, 'total' | 'byStatus'> = {},
): FleetTotals {
  const { total, byStatus } = counts;
  const fromServer = total !== undefined && byStatus !== undefined;
  const inStatus = (statuses: string[]) =>
    fromServer
      ? statuses.reduce((sum, s) => sum + (byStatus[s] ?? 0), 0)
      : publications.filter(p => statuses.includes(p.status)).length;
  return {
    publications: fromServer ? total : publications.length,
    live: inStatus(LIVE),
    needAttention: inStatus(NEED_ATTENTION),
    requests: publications.reduce(
      (sum, p) => sum + (usage.get(p.id)?.totals.requests ?? 0),
      0,
    ),
  };
}

function csvCell(value: string | number): string {
  const s = String(value);
  // Defuse spreadsheet formulas in text cells (CSV injection), then quote when needed.
  const safe =
    typeof value === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The rows as shown, as CSV (one line per publication; requests over the page's usage days). */
export function fleetCsv(
  publications: Publication[],
  usage: Map<string, UsageSummaryItem>,
): string {
  const header = [
    'cluster',
    'namespace',
    'model',
    'owner',
    'kind',
    'status',
    'endpoint',
    'requests_7d',
    'errors_7d',
    'status429_7d',
    'publication_id',
    'entity',
    'created_at',
  ];
  const lines = [header.join(',')];
  for (const p of publications) {
    const totals = usage.get(p.id)?.totals;
    const errors = totals
      ? totals.status401 + totals.status403 + totals.status5xx
      : '';
    lines.push(
      [
        p.cluster,
        p.namespace,
        p.name,
        p.owner ?? '',
        p.modelKind,
        p.status,
        p.endpoints[0]?.url ?? '',
        totals?.requests ?? '',
        errors,
        totals?.status429 ?? '',
        p.id,
        p.entityRef ?? '',
        p.createdAt,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
