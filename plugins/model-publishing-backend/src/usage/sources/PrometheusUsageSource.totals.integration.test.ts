/**
 * Against a real Prometheus backfilled with series shaped like Envoy AI Gateway's and Envoy's: the collector's
 * rollups equal the backfilled totals (see ../__testUtils__/prometheus).
 */
import { HOUR_MS } from '../time';
import {
  describeWithPrometheus,
  usePrometheusCollection,
} from '../__testUtils__/prometheus';
import {
  endHour,
  llm,
  Series,
  series,
  startHour,
  traditional,
} from '../__testUtils__/prometheusSeries';

describeWithPrometheus(
  'PrometheusUsageSource totals against a real Prometheus',
  () => {
    jest.setTimeout(120_000);
    const collected = usePrometheusCollection();

    const hourly = (s: Series) => collected.expected.get(s)!;
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const find = (name: string, labels: Record<string, string>) =>
      series.find(
        s =>
          s.name === name &&
          Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      )!;
    const query = {
      from: new Date(startHour * HOUR_MS),
      to: new Date(endHour * HOUR_MS),
      granularity: 'hour' as const,
    };

    it('collects rollups equal to the backfilled totals per key and per token type', async () => {
      const { service, firstRun } = collected;
      expect(firstRun).toEqual([
        { source: 'prometheus', records: expect.any(Number) },
      ]);
      const tokens = (client: string, type: string) =>
        hourly(
          find('gen_ai_client_token_usage_sum', {
            client_id: client,
            gen_ai_token_type: type,
          }),
        );
      const reqs = (client: string, error?: string) =>
        hourly(
          series.find(
            s =>
              s.name === 'gen_ai_server_request_duration_seconds_count' &&
              s.labels.client_id === client &&
              s.labels.error_type === error,
          )!,
        );

      const report = await service.report(llm, query);
      const key = (c: string) =>
        report.keys.find(k => k.clientId === c)!.totals;

      // per key and per token type, over the whole range
      expect(key('key-a').inputTokens).toBe(sum(tokens('key-a', 'input')));
      expect(key('key-a').outputTokens).toBe(sum(tokens('key-a', 'output')));
      expect(key('key-b').inputTokens).toBe(sum(tokens('key-b', 'input')));
      expect(key('key-b').outputTokens).toBe(sum(tokens('key-b', 'output')));
      expect(key('key-a').requests).toBe(
        sum(reqs('key-a')) + sum(reqs('key-a', '_OTHER')),
      );
      expect(key('key-a').status5xx).toBe(sum(reqs('key-a', '_OTHER')));
      expect(key('key-b').requests).toBe(sum(reqs('key-b')));
      expect(report.keys.map(k => k.clientId).sort()).toEqual([
        'key-a',
        'key-b',
      ]);

      // and hour by hour
      expect(report.buckets.map(b => b.inputTokens)).toEqual(
        tokens('key-a', 'input').map((v, i) => v + tokens('key-b', 'input')[i]),
      );
      expect(report.buckets.map(b => b.outputTokens)).toEqual(
        tokens('key-a', 'output').map(
          (v, i) => v + tokens('key-b', 'output')[i],
        ),
      );
      expect(report.approximations.join(' ')).toMatch(
        /Error classes from Prometheus are approximate/,
      );
    });

    it('collects Envoy route counters for the traditional model, without a per-key split', async () => {
      const { service } = collected;
      const route = (code: string) =>
        hourly(
          find('envoy_cluster_upstream_rq', { envoy_response_code: code }),
        );
      const v2 = await service.report(traditional, query);
      expect(v2.totals.requests).toBe(
        sum(route('200')) + sum(route('429')) + sum(route('503')),
      );
      expect(v2.totals.status429).toBe(sum(route('429')));
      expect(v2.totals.status5xx).toBe(sum(route('503')));
      expect(v2.keys.find(k => k.clientId === '')?.totals.requests).toBe(
        v2.totals.requests,
      );
      expect(v2.buckets.map(b => b.requests)).toEqual(
        route('200').map((v, i) => v + route('429')[i] + route('503')[i]),
      );
    });
  },
);
