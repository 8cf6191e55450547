import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  PUBLICATION_SIGNAL_CHANNEL,
  type PublicationSignal,
  type PublicationStatus,
} from '@model-publishing/plugin-model-publishing-common';
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

/** Whether a signal names the model at `address` (whose `default` cluster the backend names). */
function signalNames(
  signal: PublicationSignal,
  address: ModelAddress,
  loaded: ModelResponse | undefined,
): boolean {
  return (
    signal.namespace === address.namespace &&
    signal.name === address.name &&
    (signal.cluster === address.cluster ||
      signal.cluster === loaded?.model.cluster ||
      (address.cluster === 'default' && !loaded))
  );
}

/**
 * Loads the model and its publication, and loads it again whenever the backend signals that the
 * model's publication changed (channel PUBLICATION_SIGNAL_CHANNEL), so the status and per-step
 * progress move without a page reload.
 *
 * Polling is the fallback. Without a signals API (the app does not install signals) the hook polls
 * as it always did: every `pollIntervalMs` while the publication is mid-way, and every
 * `writePollIntervalMs` while a write started with `track` is pending (a tick is skipped while a
 * load is in flight; the backend's publish/update/unpublish requests only return when the whole saga
 * is done, but the publication is recorded first). With a signals API, whose connection the page
 * cannot observe, a mid-way publication is still polled, but only every `signalledPollIntervalMs`,
 * in case a signal was lost. Either way the model is loaded once more when a write settles.
 */
export function useModel(
  address: ModelAddress,
  pollIntervalMs = 2000,
  writePollIntervalMs = 300,
  signalledPollIntervalMs = 15000,
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
  const { lastSignal, isSignalsAvailable } = useSignal<PublicationSignal>(
    PUBLICATION_SIGNAL_CHANNEL,
  );
  const loaded = useRef<ModelResponse>();
  loaded.current = state.value;

  // The backend recorded a change of this model's publication: the newest load wins.
  useEffect(() => {
    if (lastSignal && signalNames(lastSignal, address, loaded.current))
      load(true);
    // Only a new signal loads; the address is part of `load`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastSignal]);

  // The loaded publication is mid-way (e.g. someone else's publish): poll until it settles.
  const transitionalPollMs = isSignalsAvailable
    ? signalledPollIntervalMs
    : pollIntervalMs;
  useEffect(() => {
    if (writing || !isTransitional(status)) return undefined;
    const timer = setTimeout(() => {
      if (inFlight.current === 0) load(true);
    }, transitionalPollMs);
    return () => clearTimeout(timer);
  }, [state.settled, status, writing, load, transitionalPollMs]);

  // Our own write is pending and nothing signals: poll fast so its steps show while the request runs.
  useEffect(() => {
    if (!writing || isSignalsAvailable) return undefined;
    const timer = setInterval(() => {
      if (pendingWrites.current > 0 && inFlight.current === 0) load(true);
    }, writePollIntervalMs);
    return () => clearInterval(timer);
  }, [writing, isSignalsAvailable, load, writePollIntervalMs]);

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
