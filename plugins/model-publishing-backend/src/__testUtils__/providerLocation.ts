import { modelPublishingLocationKey } from '@model-publishing/plugin-model-publishing-common';

/** The managed-by annotations the catalog stamps on what the model-publishing entity provider emits. */
export function providerLocation(cluster: string): Record<string, string> {
  const key = modelPublishingLocationKey(cluster);
  return { 'backstage.io/managed-by-location': key, 'backstage.io/managed-by-origin-location': key };
}
