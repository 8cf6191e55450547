import type { UsageLatency } from '@model-publishing/plugin-model-publishing-common';

export const LATENCY_LABELS: Record<UsageLatency['metric'], string> = {
  request: 'Request duration',
  ttft: 'Time to first token',
  tpot: 'Time per output token',
};

const ORDER: UsageLatency['metric'][] = ['request', 'ttft', 'tpot'];

/** Seconds as people read them: "85 ms" below a second, "1.25 s" above. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 1) {
    const ms = seconds * 1000;
    return `${ms < 10 ? Number(ms.toFixed(1)) : Math.round(ms)} ms`;
  }
  return `${Number(seconds.toFixed(2))} s`;
}

/**
 * The rows to show: one per metric, preferring exact access-log figures over a pull source when both
 * measured the same metric; TTFT and time per output token only for LLMs.
 */
export function latencyRows(
  latency: UsageLatency[] | undefined,
  llm: boolean,
): UsageLatency[] {
  const best = new Map<UsageLatency['metric'], UsageLatency>();
  for (const row of latency ?? []) {
    if (!llm && row.metric !== 'request') continue;
    const seen = best.get(row.metric);
    if (!seen || (seen.source !== 'access-log' && row.source === 'access-log'))
      best.set(row.metric, row);
  }
  return ORDER.flatMap(m => (best.has(m) ? [best.get(m)!] : []));
}

export function sourceLabel(source: string): string {
  if (source === 'access-log') return 'access logs (every request)';
  if (source === 'prometheus') return 'Prometheus histograms';
  return source;
}
