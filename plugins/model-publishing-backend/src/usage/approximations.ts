import { ACCESS_LOG_SOURCE } from './latency';

/**
 * What is approximate about figures from each kind of source, in plain words for the usage card. Access
 * logs see every request with its status, tokens and duration: exact counts, and latency within one
 * histogram bucket.
 */
const NOTES: Record<string, string[]> = {
  [ACCESS_LOG_SOURCE]: [
    'Latency percentiles from access logs are within one histogram bucket (about 9 %) of the exact value.',
  ],
  prometheus: [
    "Error classes from Prometheus are approximate: AI Gateway's metrics tell failed requests only by error type (counted as 5xx), and refusals before AI Gateway (401, 403, 429) are counted per route, not per key.",
    "Latency percentiles from Prometheus are interpolated inside the metric's histogram buckets (histogram_quantile).",
  ],
  demo: ['Demo traffic: generated figures, not measured.'],
};

/** The notes for the sources that reported in a range, without repeats. */
export function approximationsOf(sources: string[]): string[] {
  const out: string[] = [];
  for (const s of [...sources].sort()) {
    for (const note of NOTES[s] ?? [
      `Figures from the '${s}' source: how exact they are depends on that source.`,
    ])
      if (!out.includes(note)) out.push(note);
  }
  return out;
}
