import { CompiledRoute } from './routing/compile';

export interface TrafficGeneratorOptions {
  /** The gateway's base URL. */
  gatewayUrl: string;
  /** Programmed routes and their keys (`RunningGateway.routes`). */
  routes: () => CompiledRoute[];
  /** One call per route every this many ms (default 30 s). */
  intervalMs?: number;
  /** Share of calls sent without a key, to show 401s (default 0.05). */
  unauthenticatedShare?: number;
  random?: () => number;
  fetchImpl?: typeof fetch;
}

/** The demo call for a route: a prediction or a short chat, as a client would send it. */
export function demoCall(route: CompiledRoute): { path: string; host?: string; body: unknown } | undefined {
  if (route.kind === 'AIGatewayRoute') {
    const model = route.rules.find(r => r.model)?.model;
    const host = route.hostnames[0];
    if (!model || !host) return undefined;
    return {
      host,
      path: '/v1/chat/completions',
      body: { model, messages: [{ role: 'user', content: 'Summarise the last transaction in one sentence.' }], max_tokens: 32 },
    };
  }
  const prefix = route.rules[0]?.matches[0]?.path;
  const model = route.name.replace(/-mp$/, '');
  if (!prefix || prefix.type !== 'PathPrefix') return undefined;
  const v2 = model.includes('xgboost');
  return v2
    ? { path: `${prefix.value}/v2/models/${model}/infer`, body: { inputs: [{ name: 'input-0', shape: [1, 4], datatype: 'FP32', data: [0.2, 13.5, 1, 0] }] } }
    : { path: `${prefix.value}/v1/models/${model}:predict`, body: { instances: [[0.2, 13.5, 1, 0, 42.0]] } };
}

/**
 * The embedded portal's demo traffic: calls every published route through the gateway with the keys of
 * its Secret, so usage figures come from real requests. A few calls go without a key (401s).
 */
export class TrafficGenerator {
  private timer?: NodeJS.Timeout;
  private turn = 0;

  constructor(private readonly o: TrafficGeneratorOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs ?? 30_000);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One round: one call per route with a key. Resolves with the statuses (for tests). */
  async tick(): Promise<number[]> {
    const random = this.o.random ?? Math.random;
    const calls = this.o.routes().flatMap(route => {
      const keys = [...(route.auth?.clients.keys() ?? [])];
      const call = demoCall(route);
      if (keys.length === 0 || !call) return [];
      const key = random() < (this.o.unauthenticatedShare ?? 0.05) ? undefined : keys[this.turn % keys.length];
      return [{ call, key }];
    });
    this.turn++;
    return Promise.all(
      calls.map(async ({ call, key }) => {
        const url = `${this.o.gatewayUrl}${call.host ? `/_host/${call.host}` : ''}${call.path}`;
        try {
          const res = await (this.o.fetchImpl ?? fetch)(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': 'gateway-emulator-traffic', ...(key ? { authorization: `Bearer ${key}` } : {}) },
            body: JSON.stringify(call.body),
          });
          await res.arrayBuffer();
          return res.status;
        } catch {
          return 0;
        }
      }),
    );
  }
}
