/**
 * A real Prometheus (Debian package `prometheus`, which also ships `promtool`) for the PrometheusUsageSource
 * integration tests, backfilled with the series of ./prometheusSeries. Without the binaries the tests are
 * skipped with a notice — except in CI, where they fail.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { PrometheusUsageSource } from '../sources/PrometheusUsageSource';
import { DEFAULT_PROMETHEUS_QUERIES } from '../config';
import { UsageCollector } from '../UsageCollector';
import { UsageService } from '../UsageService';
import { HOUR_MS } from '../time';
import { createUsageTestDb, usageServiceOn } from './db';
import {
  backfill,
  endHour,
  HOURS,
  llm,
  Series,
  traditional,
} from './prometheusSeries';

function findBinary(name: string): string | undefined {
  for (const dir of [
    ...(process.env.PATH ?? '').split(':'),
    '/usr/bin',
    '/usr/local/bin',
  ]) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

const prometheusBin = findBinary('prometheus');
const promtoolBin = findBinary('promtool');
const available = Boolean(prometheusBin && promtoolBin);
if (!available) {
  if (process.env.CI === 'true') {
    throw new Error(
      'prometheus/promtool not found on PATH or /usr/bin; CI must install the Debian package prometheus',
    );
  }
  // eslint-disable-next-line no-console
  console.warn(
    'notice: prometheus/promtool not found (apt-get install prometheus); skipping the Prometheus integration tests',
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `describe` when Prometheus and promtool are installed, else `describe.skip`. */
export const describeWithPrometheus = available ? describe : describe.skip;

/** What a file's tests read once Prometheus is up and the collector has run. */
export type PrometheusCollection = {
  /** Prometheus' base URL, for comparing with its own queries. */
  url: string;
  /** Per backfilled series, its growth inside each collected hour. */
  expected: Map<Series, number[]>;
  /** The service holding what the collector took from Prometheus. */
  service: UsageService;
  /** What the first of two collector runs returned (the second re-collects the last hours). */
  firstRun: Awaited<ReturnType<UsageCollector['runOnce']>>;
};

/**
 * Starts one Prometheus for the calling file (backfilled, in beforeAll), collects from it twice into a fresh
 * SQLite usage database, and stops it and drops the database in afterAll. The returned object is filled in
 * by beforeAll.
 */
export function usePrometheusCollection(): PrometheusCollection {
  const collection = {} as PrometheusCollection;
  let dir: string;
  let prom: ChildProcess | undefined;
  let closeDb: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mp-usage-prom-'));
    const { text, perHour } = backfill();
    collection.expected = perHour;
    writeFileSync(join(dir, 'series.om'), text);
    execFileSync(
      promtoolBin!,
      [
        'tsdb',
        'create-blocks-from',
        'openmetrics',
        '-q',
        join(dir, 'series.om'),
        join(dir, 'data'),
      ],
      {
        stdio: 'pipe',
      },
    );
    writeFileSync(
      join(dir, 'prometheus.yml'),
      'global:\n  scrape_interval: 1h\nscrape_configs: []\n',
    );
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    prom = spawn(
      prometheusBin!,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--storage.tsdb.retention.time=30d`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    prom.stderr!.on('data', d => {
      stderr = (stderr + d).slice(-4000);
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (prom.exitCode !== null)
        throw new Error(`prometheus exited: ${stderr}`);
      const ready = await fetch(`${url}/-/ready`).then(
        r => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline)
        throw new Error(`prometheus not ready after 60 s: ${stderr}`);
      await new Promise(r => setTimeout(r, 250));
    }

    collection.url = url;

    const { db, close } = await createUsageTestDb('sqlite');
    closeDb = close;
    const { store, service } = usageServiceOn(db, {
      maxRecordsPerBatch: 1000,
    });
    const now = endHour * HOUR_MS + 10 * 60_000; // ten minutes into the hour after the data
    const source = new PrometheusUsageSource({
      url,
      queries: DEFAULT_PROMETHEUS_QUERIES,
      initialBackfillHours: HOURS,
      now: () => now,
    });
    const collector = new UsageCollector({
      sources: [source],
      service,
      store,
      directory: {
        list: async () => [llm, traditional],
        get: async () => undefined,
      },
      logger: mockServices.logger.mock(),
      retentionDays: 30,
      now: () => now,
    });
    collection.service = service;
    collection.firstRun = await collector.runOnce();
    // a second run re-collects the last hours and must not change anything
    await collector.runOnce();
  });

  afterAll(async () => {
    await closeDb?.();
    if (prom && prom.exitCode === null) {
      const exited = new Promise(r => prom!.once('exit', r));
      prom.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  return collection;
}
