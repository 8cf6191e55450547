import { useEffect } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import type { PublicationStatus } from '@internal/plugin-model-publishing-common';
import { modelPublishingApiRef } from '../api/ModelPublishingApi';
import type { ModelAddress, ModelResponse } from '../api/types';

/** Statuses during which the backend is still working, so the tab polls. */
export const TRANSITIONAL_STATUSES: PublicationStatus[] = [
  'publishing',
  'updating',
  'unpublishing',
];

export function isTransitional(status: PublicationStatus | undefined): boolean {
  return !!status && TRANSITIONAL_STATUSES.includes(status);
}

/**
 * Loads the model and its publication; while the publication is mid-way it polls every
 * `pollIntervalMs` so the per-step progress moves without a page reload.
 */
export function useModel(address: ModelAddress, pollIntervalMs = 2000) {
  const api = useApi(modelPublishingApiRef);
  const state = useAsyncRetry<ModelResponse>(
    () => api.getModel(address),
    [api, address.cluster, address.namespace, address.name],
  );
  const status = state.value?.publication?.status;
  const { retry, loading } = state;
  useEffect(() => {
    if (!isTransitional(status) || loading) return undefined;
    const timer = setTimeout(retry, pollIntervalMs);
    return () => clearTimeout(timer);
  }, [status, loading, retry, pollIntervalMs]);
  return state;
}
