import { KubeConfig } from '@kubernetes/client-node';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { loadCrds, type CrdDefinition } from './crds';
import { Discovery } from './discovery';
import { StatusError } from './errors';
import { FaultInjector, type Faults, type RecordedRequest } from './faults';
import { kubeconfigYamlFor } from './kubeconfig';
import { ObjectApi } from './objects';
import { loadSnapshot, persistTo } from './persist';
import { route, sendJson } from './router';
import { applySeed } from './seed';
import { Store } from './store';
import { createSchemaValidator, type SchemaValidator } from './validation/validator';

export interface EmulatorOptions {
  /** CRDs to serve: definitions, or a directory of CRD YAML. Default: the CRDs shipped in this package. */
  crds?: CrdDefinition[] | string;
  /** YAML/JSON files or directories of objects to create at start (objects that already exist are skipped). */
  seed?: string | string[];
  /** Port to listen on (default: a free port). */
  port?: number;
  /** Interface to listen on; loopback by default, and nothing else is recommended (there is no authentication). */
  host?: string;
  /** Keep the cluster in this JSON file: loaded at start, written shortly after each change. */
  persistFile?: string;
  /** Also write the kubeconfig to this path. */
  kubeconfigPath?: string;
  /** Keep at most this many entries in `requests` (oldest dropped). Default 100000. */
  maxRecordedRequests?: number;
}

export interface Emulator {
  url: string;
  port: number;
  /** A @kubernetes/client-node KubeConfig for the emulator. */
  kubeConfig: KubeConfig;
  kubeconfigYaml: string;
  kubeconfigPath?: string;
  /** Latency and failure injection. */
  faults: Faults;
  /** Every request handled so far (method, path, status, ...). A live array; `requests.length = 0` clears it. */
  requests: RecordedRequest[];
  /** Direct access for tests that need to inspect or arrange state without HTTP. */
  api: ObjectApi;
  validator: SchemaValidator;
  close(): Promise<void>;
}

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

// Compiling schemas is the slow part of starting; emulators started with the same CRDs share a validator.
const validators = new WeakMap<CrdDefinition[], SchemaValidator>();
function validatorFor(crds: CrdDefinition[]): SchemaValidator {
  let v = validators.get(crds);
  if (!v) {
    v = createSchemaValidator(crds);
    validators.set(crds, v);
  }
  return v;
}

/** Starts a Kubernetes API emulator on loopback. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const crds = Array.isArray(options.crds) ? options.crds : loadCrds(options.crds);
  const validator = validatorFor(crds);
  const store = new Store();
  const api = new ObjectApi(store, validator.registry, validator);
  const discovery = new Discovery(validator.registry);
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const maxRecorded = options.maxRecordedRequests ?? 100000;

  const snapshot = options.persistFile ? loadSnapshot(options.persistFile) : undefined;
  if (snapshot) store.restore(snapshot);
  const nsType = validator.registry.forPlural('', 'v1', 'namespaces')!;
  for (const ns of DEFAULT_NAMESPACES) {
    if (!store.get(nsType.storageKey, undefined, ns)) api.create(nsType, undefined, { metadata: { name: ns } }, { fieldManager: 'kube-emulator' });
  }
  if (options.seed) applySeed(api, options.seed);
  const persistence = options.persistFile ? persistTo(store, options.persistFile) : undefined;
  if (persistence && !snapshot) persistence.writeNow();

  const openWatches = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    let recorded = false;
    const record = () => {
      if (recorded || maxRecorded === 0) return;
      recorded = true;
      requests.push({
        method,
        path: url.pathname,
        query: url.search,
        status: res.statusCode,
        contentType: req.headers['content-type'],
        durationMs: performance.now() - started,
        time: Date.now(),
        startTime: performance.timeOrigin + started,
      });
      if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
    };
    res.on('finish', record);
    res.on('close', record);
    handle(req, res, method, url.pathname).catch(e => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const err = e instanceof StatusError ? e : new StatusError(500, 'InternalError', `Internal error occurred: ${(e as Error)?.message ?? e}`);
      sendJson(res, err.code, err.toStatus());
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, method: string, path: string) {
    const delay = faults.delayFor(method, path);
    if (delay > 0) await new Promise(r => setTimeout(r, delay));
    const failure = faults.failureFor(method, path);
    if (failure) {
      req.resume();
      throw new StatusError(failure.status, failure.reason, failure.message);
    }
    await route(req, res, api, discovery, () => openWatches.delete(res));
    if (!res.writableEnded) openWatches.add(res);
  }

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const kubeconfigYaml = kubeconfigYamlFor(url);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kubeconfigYaml);
  if (options.kubeconfigPath) fs.writeFileSync(options.kubeconfigPath, kubeconfigYaml, { mode: 0o600 });

  return {
    url,
    port,
    kubeConfig,
    kubeconfigYaml,
    kubeconfigPath: options.kubeconfigPath,
    faults,
    requests,
    api,
    validator,
    async close() {
      persistence?.stop();
      for (const res of openWatches) res.end();
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
