/**
 * Against a real Prometheus backfilled with AI Gateway-shaped latency histograms: the collector's percentiles
 * equal Prometheus' own histogram_quantile (see ../__testUtils__/prometheus).
 */
import { HOUR_MS } from '../time';
import {
  describeWithPrometheus,
  usePrometheusCollection,
} from '../__testUtils__/prometheus';
import {
  endHour,
  HOURS,
  llm,
  startHour,
} from '../__testUtils__/prometheusSeries';

describeWithPrometheus(
  'PrometheusUsageSource latency against a real Prometheus',
  () => {
    jest.setTimeout(120_000);
    const collected = usePrometheusCollection();

    it('reports the same percentiles as histogram_quantile over the range, per key and for the model', async () => {
      const { service, url } = collected;
      const query = {
        from: new Date(startHour * HOUR_MS),
        to: new Date(endHour * HOUR_MS),
        granularity: 'hour' as const,
      };
      const report = await service.report(llm, query);
      const promQuantile = async (
        q: number,
        metric: string,
        client?: string,
      ) => {
        const m = `${metric}${client ? `{client_id="${client}"}` : ''}`;
        const body = new URLSearchParams({
          query: `histogram_quantile(${q}, sum by (le) (${m} - ${m} offset ${HOURS}h))`,
          time: String(endHour * 3600),
        });
        const res = await fetch(`${url}/api/v1/query`, {
          method: 'POST',
          body,
        });
        const json = (await res.json()) as {
          data: { result: { value: [number, string] }[] };
        };
        return Number(json.data.result[0].value[1]);
      };
      const duration = 'gen_ai_server_request_duration_seconds_bucket';
      const ttft = 'gen_ai_server_time_to_first_token_seconds_bucket';
      const latencyOf = (
        list: typeof report.latency | undefined,
        metric: string,
      ) => list?.find(l => l.metric === metric);
      for (const [q, field] of [
        [0.5, 'p50'],
        [0.95, 'p95'],
        [0.99, 'p99'],
      ] as const) {
        const keyA = report.keys.find(k => k.clientId === 'key-a')!;
        const keyB = report.keys.find(k => k.clientId === 'key-b')!;
        expect(latencyOf(keyA.latency, 'request')![field]).toBeCloseTo(
          await promQuantile(q, duration, 'key-a'),
          4,
        );
        expect(latencyOf(keyB.latency, 'request')![field]).toBeCloseTo(
          await promQuantile(q, duration, 'key-b'),
          4,
        );
        expect(latencyOf(report.latency, 'request')![field]).toBeCloseTo(
          await promQuantile(q, duration),
          4,
        );
        expect(latencyOf(report.latency, 'ttft')![field]).toBeCloseTo(
          await promQuantile(q, ttft),
          4,
        );
      }
      expect(latencyOf(report.latency, 'request')!.source).toBe('prometheus');
      expect(latencyOf(report.latency, 'tpot')).toBeUndefined();
    });
  },
);
