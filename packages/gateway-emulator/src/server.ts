import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { AccessLogRecord, AccessLogSink } from './accessLog';
import { ClusterWatch } from './cluster/ClusterWatch';
import { GatewayState, UpstreamRequestRecord, handleRequest } from './gateway';
import { RateLimiter } from './policy/rateLimit';
import { CompiledRoute, compileRouteTable } from './routing/compile';
import { ModelServerStub } from './stubs/types';
import { ClusterSnapshot, WatchedKind } from './types';

export interface GatewayOptions {
  /** The cluster whose route and policy objects the gateway serves (e.g. the kube-emulator's). */
  kubeConfig: KubeConfig;
  /** Model servers by the in-cluster Service host they stand for. */
  stubs: ModelServerStub[];
  port?: number;
  host?: string;
  /** Receives every access-log record (Envoy JSON format). */
  accessLog?: AccessLogSink[];
  /** Keep the last N requests as the model servers received them (tests); default 0. */
  recordUpstreamRequests?: number;
  /** Clock for rate-limit windows (tests). */
  now?: () => number;
  onWatchError?(kind: WatchedKind, error: unknown): void;
}

export interface RunningGateway {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Routes as currently programmed (for tests and diagnostics). */
  routes(): CompiledRoute[];
  /** The last requests the model servers received (see `recordUpstreamRequests`). */
  upstreamRequests: UpstreamRequestRecord[];
  /** The watched objects as last seen. */
  snapshot: ClusterSnapshot;
  /** Resolves once `predicate` holds for the programmed routes (polls; for tests and start-up). */
  waitFor(predicate: (routes: CompiledRoute[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Forgets all rate-limit counters (what restarting the ratelimit service's Redis would do). */
  resetRateLimits(): void;
  close(): Promise<void>;
}

/**
 * Starts the local gateway: watches the cluster through informers, recompiles its route table on every
 * change (a Secret or policy change takes effect as soon as the watch delivers it), and serves on loopback.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const limiter = new RateLimiter(options.now);
  const state: GatewayState = {
    table: { routes: [] },
    stubs: new Map(options.stubs.map(s => [s.host, s])),
    limiter,
    sinks: options.accessLog ?? [],
    upstreamRequests: [],
    keepUpstreamRequests: options.recordUpstreamRequests ?? 0,
  };
  let pending: NodeJS.Immediate | undefined;
  const watch = new ClusterWatch({
    kubeConfig: options.kubeConfig,
    // Several events arrive together (a publish writes six objects): compile once per tick.
    onChange: snapshot => {
      pending ??= setImmediate(() => {
        pending = undefined;
        state.table = compileRouteTable(snapshot);
      });
    },
    onError: options.onWatchError,
  });
  await watch.start();
  state.table = compileRouteTable(watch.snapshot);

  const server = http.createServer((req, res) => {
    void handleRequest(state, req, res);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    routes: () => state.table.routes,
    upstreamRequests: state.upstreamRequests,
    snapshot: watch.snapshot,
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(state.table.routes)) {
        if (Date.now() > deadline) throw new Error('gateway: routes did not reach the expected state in time');
        await new Promise(r => setTimeout(r, 10));
      }
    },
    resetRateLimits: () => limiter.clear(),
    async close() {
      if (pending) clearImmediate(pending);
      await watch.stop();
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

/** An access-log sink that keeps records in memory (tests, the traffic generator's checks). */
export function memoryAccessLog(): { sink: AccessLogSink; records: AccessLogRecord[] } {
  const records: AccessLogRecord[] = [];
  return { sink: r => records.push(r), records };
}
