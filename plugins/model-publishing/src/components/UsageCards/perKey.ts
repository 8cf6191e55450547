import type { UsageBucket } from '@model-publishing/plugin-model-publishing-common';
import type { UsageKeyBreakdown } from '../../api/types';
import type { PaletteKey, Series } from './LineChart';
import { bucketErrors } from './usageRange';

/** Lines drawn one per key before the rest are summed into "Other keys". */
export const MAX_KEY_LINES = 5;

const COLORS: PaletteKey[] = [
  'primary',
  'secondary',
  'success',
  'info',
  'warning',
];
const DASHES = [undefined, '6 3', '2 3', '8 3 2 3', '4 4'];

/** What a bucket counts for the per-key chart. */
export type KeyMetric = 'requests' | 'errors' | 'tokens';

function valueOf(bucket: UsageBucket, metric: KeyMetric): number {
  if (metric === 'requests') return bucket.requests;
  if (metric === 'tokens') return bucket.inputTokens + bucket.outputTokens;
  return bucketErrors(bucket);
}

/**
 * A key's name as the per-key views show it: its name, with its id's first characters when another key
 * in the report has the same name (a rotated key keeps its name); "No valid key" for refused requests.
 */
export function keyLabels(
  keys: Pick<UsageKeyBreakdown, 'clientId' | 'keyId' | 'keyName'>[],
): Map<string, string> {
  const count = new Map<string, number>();
  for (const k of keys)
    if (k.keyName) count.set(k.keyName, (count.get(k.keyName) ?? 0) + 1);
  return new Map(
    keys.map(k => {
      if (k.clientId === '') return [k.clientId, 'No valid key'];
      if (!k.keyName) return [k.clientId, k.clientId];
      return [
        k.clientId,
        (count.get(k.keyName) ?? 0) > 1 && k.keyId
          ? `${k.keyName} (${k.keyId.slice(0, 8)})`
          : k.keyName,
      ];
    }),
  );
}

/**
 * One line per key (busiest first by the metric's total), the keys past MAX_KEY_LINES summed into
 * "Other keys"; keys without buckets (the report was not asked with series=keys) are left out, keys
 * with nothing in the range too. Pure, for tests.
 */
export function keySeries(
  keys: UsageKeyBreakdown[],
  metric: KeyMetric,
): Series[] {
  const labels = keyLabels(keys);
  const lines = keys
    .filter(k => k.buckets && k.buckets.length > 0)
    .map(k => ({
      name: labels.get(k.clientId)!,
      values: k.buckets!.map(b => valueOf(b, metric)),
    }))
    .map(l => ({ ...l, total: l.values.reduce((a, b) => a + b, 0) }))
    .filter(l => l.total > 0)
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  const shown = lines.slice(0, MAX_KEY_LINES);
  const rest = lines.slice(MAX_KEY_LINES);
  const series: Series[] = shown.map((l, i) => ({
    name: l.name,
    values: l.values,
    color: COLORS[i % COLORS.length],
    ...(DASHES[i] ? { dash: DASHES[i] } : {}),
  }));
  if (rest.length > 0)
    series.push({
      name: `Other keys (${rest.length})`,
      values: rest[0].values.map((_, i) =>
        rest.reduce((n, l) => n + (l.values[i] ?? 0), 0),
      ),
      color: 'error',
      dash: '1 3',
    });
  return series;
}
