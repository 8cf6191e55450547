import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type { PublicationStatus } from '@model-publishing/plugin-model-publishing-common';
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

/** Runs a write (publish, update, unpublish) while the model is polled; see useModel. */
export type TrackWrite = <T>(write: () => Promise<T>) => Promise<T>;

export interface ModelState {
  loading: boolean;
  value?: ModelResponse;
  error?: Error;
  /** Loads the model again; the newest load wins. */
  retry: () => void;
  /** True while a write started with `track` is pending. */
  writing: boolean;
  track: TrackWrite;
}

interface LoadState {
  loading: boolean;
  value?: ModelResponse;
  error?: Error;
  /** Bumped whenever a load settles, so the transitional poll schedules its next round. */
  settled: number;
}

/**
 * Loads the model and its publication; while the publication is mid-way it polls every
 * `pollIntervalMs` so the per-step progress moves without a page reload.
 *
 * The backend's publish/update/unpublish requests only return when the whole saga is done, but the
 * publication is recorded (publishing/updating/unpublishing, with the objects made so far) first. So
 * while a write started with `track` is pending the model is polled every `writePollIntervalMs`
 * (a tick is skipped while a load is in flight), and loaded once more when the write settles.
 */
export function useModel(
  address: ModelAddress,
  pollIntervalMs = 2000,
  writePollIntervalMs = 300,
): ModelState {
  const api = useApi(modelPublishingApiRef);
  const { cluster, namespace, name } = address;
  const [state, setState] = useState<LoadState>({ loading: true, settled: 0 });
  const [writes, setWrites] = useState(0);
  const mounted = useRef(false);
  const lastCall = useRef(0);
  const inFlight = useRef(0);
  const pendingWrites = useRef(0);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  /**
   * A foreground load replaces the value with the error when it fails; a background one (a poll)
   * keeps the last value, so a passing hiccup does not swap the tab (and an open new-key dialog)
   * for an error panel.
   */
  const load = useCallback(
    async (background: boolean) => {
      if (!mounted.current) return;
      const call = ++lastCall.current;
      inFlight.current += 1;
      if (!background) setState(s => (s.loading ? s : { ...s, loading: true }));
      try {
        const value = await api.getModel({ cluster, namespace, name });
        if (mounted.current && call === lastCall.current) {
          setState(s => ({ loading: false, value, settled: s.settled + 1 }));
        }
      } catch (e) {
        if (mounted.current && call === lastCall.current) {
          const error = e instanceof Error ? e : new Error(String(e));
          setState(s =>
            background && s.value
              ? { ...s, loading: false, settled: s.settled + 1 }
              : { loading: false, error, settled: s.settled + 1 },
          );
        }
      } finally {
        inFlight.current -= 1;
      }
    },
    [api, cluster, namespace, name],
  );

  useEffect(() => {
    load(false);
  }, [load]);

  const retry = useCallback(() => {
    load(false);
  }, [load]);

  const status = state.value?.publication?.status;
  const writing = writes > 0;

  // The loaded publication is mid-way (e.g. someone else's publish): poll until it settles.
  useEffect(() => {
    if (writing || !isTransitional(status)) return undefined;
    const timer = setTimeout(() => {
      if (inFlight.current === 0) load(true);
    }, pollIntervalMs);
    return () => clearTimeout(timer);
  }, [state.settled, status, writing, load, pollIntervalMs]);

  // Our own write is pending: poll fast so its steps show while the request runs.
  useEffect(() => {
    if (!writing) return undefined;
    const timer = setInterval(() => {
      if (pendingWrites.current > 0 && inFlight.current === 0) load(true);
    }, writePollIntervalMs);
    return () => clearInterval(timer);
  }, [writing, load, writePollIntervalMs]);

  const track = useCallback<TrackWrite>(
    async write => {
      pendingWrites.current += 1;
      setWrites(pendingWrites.current);
      try {
        return await write();
      } finally {
        pendingWrites.current -= 1;
        if (mounted.current) {
          setWrites(pendingWrites.current);
          // Also after a failure: a publish whose saga failed (even with a 409/422) has recorded
          // the publication as failed. The newest load wins over a poll still in flight.
          if (pendingWrites.current === 0) load(true);
        }
      }
    },
    [load],
  );

  return {
    loading: state.loading,
    value: state.value,
    error: state.error,
    retry,
    writing,
    track,
  };
}
