import { ReactNode } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import { type SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import {
  PUBLICATION_SIGNAL_CHANNEL,
  type PublicationSignal,
} from '@model-publishing/plugin-model-publishing-common';
import {
  address,
  mockModelPublishingApi,
  modelInfo,
  publication,
} from '../__testUtils__/testUtils';
import { modelPublishingApiRef } from '../api/ModelPublishingApi';
import type { ModelResponse } from '../api/types';
import { useModel } from './useModel';

function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (error: Error) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A signals API whose `send` delivers a message to the subscribers of a channel. */
function fakeSignalApi() {
  const subscribers = new Map<string, Set<(message: any) => void>>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      const set = subscribers.get(channel) ?? new Set();
      set.add(onMessage as (message: any) => void);
      subscribers.set(channel, set);
      return { unsubscribe: () => set.delete(onMessage as any) };
    },
  };
  const send = (channel: string, message: PublicationSignal) =>
    act(() => subscribers.get(channel)?.forEach(on => on(message)));
  return { api, send };
}

function renderUseModel(
  getModel: () => Promise<ModelResponse>,
  intervals: [number, number] | [number, number, number] = [20, 20],
  signals?: SignalApi,
) {
  const api = mockModelPublishingApi({ getModel });
  const wrapper = ({ children }: { children: ReactNode }) =>
    signals ? (
      <TestApiProvider
        apis={[
          [modelPublishingApiRef, api],
          [signalApiRef, signals],
        ]}
      >
        {children}
      </TestApiProvider>
    ) : (
      <TestApiProvider apis={[[modelPublishingApiRef, api]]}>
        {children}
      </TestApiProvider>
    );
  return {
    api,
    ...renderHook(() => useModel(address, ...intervals), { wrapper }),
  };
}

const withStatus = (
  status: 'publishing' | 'published' | 'updating',
): ModelResponse => ({
  model: modelInfo(),
  publication: publication({ status }),
});

describe('useModel', () => {
  it('keeps the last value when a poll fails, and polls on until the publication settles', async () => {
    const getModel = jest
      .fn()
      .mockResolvedValueOnce(withStatus('publishing'))
      .mockRejectedValueOnce(new Error('gateway timeout'))
      .mockResolvedValue(withStatus('published'));
    const { result } = renderUseModel(getModel);
    await waitFor(() =>
      expect(result.current.value?.publication?.status).toBe('published'),
    );
    expect(getModel).toHaveBeenCalledTimes(3);
    expect(result.current.error).toBeUndefined();
  });

  it('a retry that fails shows the error (as before)', async () => {
    const getModel = jest
      .fn()
      .mockResolvedValueOnce(withStatus('published'))
      .mockRejectedValue(new Error('cluster unreachable'));
    const { result } = renderUseModel(getModel);
    await waitFor(() => expect(result.current.value).toBeDefined());
    act(() => result.current.retry());
    await waitFor(() =>
      expect(result.current.error?.message).toBe('cluster unreachable'),
    );
    expect(result.current.value).toBeUndefined();
  });

  it('the reload after a write wins over a poll that answers later', async () => {
    const slowPoll = deferred<ModelResponse>();
    const write = deferred<string>();
    let calls = 0;
    const getModel = jest.fn(() => {
      calls += 1;
      if (calls === 1) return Promise.resolve(withStatus('published'));
      if (calls === 2) return slowPoll.promise; // a poll during the write
      return Promise.resolve(withStatus('published')); // the reload after it
    });
    const { result } = renderUseModel(getModel);
    await waitFor(() => expect(result.current.value).toBeDefined());

    let written: Promise<string> | undefined;
    act(() => {
      written = result.current.track(() => write.promise);
    });
    expect(result.current.writing).toBe(true);
    await waitFor(() => expect(getModel).toHaveBeenCalledTimes(2));
    // The poll is still out: no further ticks start a second one.
    await new Promise(r => setTimeout(r, 100));
    expect(getModel).toHaveBeenCalledTimes(2);

    await act(async () => {
      write.resolve('done');
      await expect(written).resolves.toBe('done');
    });
    expect(result.current.writing).toBe(false);
    await waitFor(() => expect(getModel).toHaveBeenCalledTimes(3));
    await act(async () => {
      slowPoll.resolve(withStatus('updating'));
    });
    await new Promise(r => setTimeout(r, 100));
    expect(result.current.value?.publication?.status).toBe('published');
    expect(getModel).toHaveBeenCalledTimes(3);
  });

  it('passes a failed write on, and still reloads once', async () => {
    const getModel = jest.fn(async () => withStatus('published'));
    const { result } = renderUseModel(getModel, [20, 10_000]);
    await waitFor(() => expect(result.current.value).toBeDefined());
    await act(async () => {
      await expect(
        result.current.track(async () => {
          throw new Error('conflict');
        }),
      ).rejects.toThrow('conflict');
    });
    await waitFor(() => expect(getModel).toHaveBeenCalledTimes(2));
    expect(result.current.writing).toBe(false);
  });

  describe('with signals', () => {
    const signal = (
      patch: Partial<PublicationSignal> = {},
    ): PublicationSignal => ({
      cluster: 'default',
      namespace: 'team-a',
      name: 'fraud-detector',
      status: 'published',
      ...patch,
    });

    it("reloads when the backend signals this model's publication changed, and only then", async () => {
      const signals = fakeSignalApi();
      const getModel = jest
        .fn()
        .mockResolvedValueOnce(withStatus('publishing'))
        .mockResolvedValue(withStatus('published'));
      // Without signals this would poll every 20 ms; with them the fallback poll waits 10 s.
      const { result } = renderUseModel(
        getModel,
        [20, 20, 10_000],
        signals.api,
      );
      await waitFor(() =>
        expect(result.current.value?.publication?.status).toBe('publishing'),
      );
      await new Promise(r => setTimeout(r, 100));
      expect(getModel).toHaveBeenCalledTimes(1);

      signals.send(PUBLICATION_SIGNAL_CHANNEL, signal({ name: 'other' }));
      signals.send('another-channel', signal());
      await new Promise(r => setTimeout(r, 50));
      expect(getModel).toHaveBeenCalledTimes(1);

      signals.send(PUBLICATION_SIGNAL_CHANNEL, signal());
      await waitFor(() =>
        expect(result.current.value?.publication?.status).toBe('published'),
      );
      expect(getModel).toHaveBeenCalledTimes(2);
    });

    it('does not poll during a write, and reloads on its signals and once when it settles', async () => {
      const signals = fakeSignalApi();
      const write = deferred<string>();
      const getModel = jest
        .fn()
        .mockResolvedValueOnce({ model: modelInfo() })
        .mockResolvedValue(withStatus('publishing'));
      const { result } = renderUseModel(
        getModel,
        [20, 20, 10_000],
        signals.api,
      );
      await waitFor(() => expect(result.current.value).toBeDefined());

      let written: Promise<string> | undefined;
      act(() => {
        written = result.current.track(() => write.promise);
      });
      await new Promise(r => setTimeout(r, 100));
      expect(getModel).toHaveBeenCalledTimes(1);

      signals.send(
        PUBLICATION_SIGNAL_CHANNEL,
        signal({ status: 'publishing' }),
      );
      await waitFor(() =>
        expect(result.current.value?.publication?.status).toBe('publishing'),
      );
      expect(getModel).toHaveBeenCalledTimes(2);

      getModel.mockResolvedValue(withStatus('published'));
      await act(async () => {
        write.resolve('done');
        await written;
      });
      await waitFor(() =>
        expect(result.current.value?.publication?.status).toBe('published'),
      );
      expect(getModel).toHaveBeenCalledTimes(3);
    });

    it('still polls a mid-way publication, slowly, in case a signal was lost', async () => {
      const signals = fakeSignalApi();
      const getModel = jest
        .fn()
        .mockResolvedValueOnce(withStatus('updating'))
        .mockResolvedValue(withStatus('published'));
      const { result } = renderUseModel(getModel, [20, 20, 150], signals.api);
      await new Promise(r => setTimeout(r, 80));
      expect(getModel).toHaveBeenCalledTimes(1);
      await waitFor(() =>
        expect(result.current.value?.publication?.status).toBe('published'),
      );
      expect(getModel).toHaveBeenCalledTimes(2);
    });
  });
});
