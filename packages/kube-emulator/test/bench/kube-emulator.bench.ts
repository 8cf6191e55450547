/*
 * Benchmark: GET and PUT of a Secret through @kubernetes/client-node against the emulator over
 * loopback. This is the floor the backend's own figures are compared with.
 *
 *   yarn workspace @model-publishing/kube-emulator bench            (defaults: 2000 requests, concurrency 1 and 8)
 *   BENCH_REQUESTS=5000 yarn workspace @model-publishing/kube-emulator bench
 */
import { CoreV1Api, type V1Secret } from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import { startEmulator } from '../../src';

const N = Number(process.env.BENCH_REQUESTS ?? 2000);
const WARMUP = 200;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(label: string, concurrency: number, op: (i: number) => Promise<unknown>) {
  for (let i = 0; i < WARMUP; i++) await op(i);
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < N) {
        const i = next++;
        const s = performance.now();
        await op(i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(10)} c=${String(concurrency).padEnd(2)} n=${N}  ${(N / seconds).toFixed(0).padStart(6)} req/s  p50 ${pct(latencies, 50).toFixed(2)} ms  p99 ${pct(latencies, 99).toFixed(2)} ms`,
  );
}

async function main() {
  const emu = await startEmulator({ maxRecordedRequests: 0 });
  const core = emu.kubeConfig.makeApiClient(CoreV1Api);
  const namespace = 'bench';
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  console.log(`kube-emulator bench: node ${process.version}, ${emu.url}`);
  for (const concurrency of [1, 8]) {
    const name = `s-${concurrency}`;
    let current: V1Secret = await core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData: { key: 'v0' } } });
    await measure('GET secret', concurrency, () => core.readNamespacedSecret({ name, namespace }));
    // PUT carries no resourceVersion at c>1 (concurrent writers would conflict); at c=1 it is conditional.
    await measure('PUT secret', concurrency, async i => {
      const body: V1Secret = {
        metadata: { name, ...(concurrency === 1 ? { resourceVersion: current.metadata!.resourceVersion } : {}) },
        data: { key: Buffer.from(`v${i}`).toString('base64') },
      };
      current = await core.replaceNamespacedSecret({ name, namespace, body });
    });
  }
  await emu.close();
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
