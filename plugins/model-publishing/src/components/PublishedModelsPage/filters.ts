import type {
  Publication,
  PublicationStatus,
} from '@internal/plugin-model-publishing-common';
import type { UsageSummaryItem } from '../../api/types';

export const STATUS_OPTIONS: PublicationStatus[] = [
  'published',
  'publishing',
  'updating',
  'degraded',
  'failed',
  'unpublishing',
  'unpublished',
];
export const KIND_OPTIONS = ['openai', 'v1', 'v2'] as const;

/** Distinct owners among the loaded publications, sorted, for the owner filter. */
export function ownerOptions(publications: Publication[]): string[] {
  return [
    ...new Set(publications.flatMap(p => (p.owner ? [p.owner] : []))),
  ].sort();
}

/** The series to draw for a publication's sparkline, from whatever the summary endpoint sends. */
export function sparklineValues(item: UsageSummaryItem | undefined): number[] {
  if (!item) return [];
  if (Array.isArray(item.series))
    return item.series.filter(v => typeof v === 'number');
  if (Array.isArray(item.buckets)) return item.buckets.map(b => b.requests);
  return [];
}
