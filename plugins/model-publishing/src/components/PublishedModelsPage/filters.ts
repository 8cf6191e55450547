import type {
  Publication,
  PublicationStatus,
} from '@model-publishing/plugin-model-publishing-common';

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
