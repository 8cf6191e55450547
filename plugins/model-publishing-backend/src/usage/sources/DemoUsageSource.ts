import { createHash } from 'node:crypto';
import type {
  UsageCollectRequest,
  UsageRecord,
  UsageSource,
} from '@internal/plugin-model-publishing-node';
import { HOUR_MS, hourOf, hourStart } from '../time';

/** A number in [0, 1) that depends only on the parts: the same hour of the same key always looks the same. */
function unit(...parts: (string | number)[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

/** Busy in the (UTC) working day, quiet at night, a little quieter at weekends. */
function dayShape(hour: number): number {
  const at = new Date(hour * HOUR_MS);
  const h = at.getUTCHours();
  const daily = 0.15 + 0.85 * Math.max(0, Math.sin(((h - 5) / 17) * Math.PI));
  const weekend = at.getUTCDay() === 0 || at.getUTCDay() === 6 ? 0.45 : 1;
  return daily * weekend;
}

/**
 * Plausible traffic for the embedded demo (never in production config): each publication gets its own
 * volume, each key its own share, a daily rhythm, some refused and failed requests, and tokens for LLMs.
 * Deterministic per publication, key and hour, so re-collection does not change the past; the current
 * hour grows as it elapses. The first run backfills a week so the cards have something to show.
 */
export class DemoUsageSource implements UsageSource {
  readonly id = 'demo';
  readonly initialBackfillHours = 7 * 24;

  constructor(private readonly now: () => number = Date.now) {}

  async collect(request: UsageCollectRequest): Promise<UsageRecord[]> {
    const now = this.now();
    const nowHour = hourOf(now);
    const out: UsageRecord[] = [];
    for (
      let hour = hourOf(request.from);
      hour < Math.ceil(request.to.getTime() / HOUR_MS);
      hour++
    ) {
      if (hour > nowHour) break;
      const elapsed = hour === nowHour ? (now - hour * HOUR_MS) / HOUR_MS : 1;
      for (const pub of request.publications) {
        const peak = 40 + Math.floor(unit('peak', pub.id) * 260); // requests per hour at the busiest time
        const shape = dayShape(hour) * elapsed;
        const llm = pub.modelKind === 'openai';
        const weights = pub.clientIds.map(c => 0.2 + unit('share', pub.id, c));
        const total = weights.reduce((a, b) => a + b, 0);
        pub.clientIds.forEach((clientId, i) => {
          const noise = 0.7 + 0.6 * unit('noise', pub.id, clientId, hour);
          const requests = Math.round(
            (peak * shape * noise * weights[i]) / total,
          );
          if (requests === 0) return;
          const busy = shape * noise > 0.9;
          const r = (what: string, rate: number) =>
            Math.floor(
              requests * rate * unit(what, pub.id, clientId, hour) * 2,
            );
          const status429 = busy ? r('429', 0.06) : 0;
          const status5xx = r('5xx', 0.005);
          const status403 = r('403', 0.002);
          const served = requests - status429 - status5xx - status403;
          out.push({
            publicationId: pub.id,
            clientId,
            hour: hourStart(hour),
            requests,
            status401: 0,
            status403,
            status429,
            status5xx,
            inputTokens: llm
              ? Math.round(served * (180 + 240 * unit('in', pub.id, clientId)))
              : 0,
            outputTokens: llm
              ? Math.round(served * (60 + 200 * unit('out', pub.id, clientId)))
              : 0,
            lastSeenAt: new Date(
              Math.min(
                now,
                hour * HOUR_MS + Math.floor(elapsed * (HOUR_MS - 1)),
              ),
            ),
          });
        });
        // Callers without a valid key: a trickle of 401s.
        const unauthorized = Math.floor(
          peak * shape * 0.03 * unit('401', pub.id, hour) * 2,
        );
        if (unauthorized > 0) {
          out.push({
            publicationId: pub.id,
            clientId: '',
            hour: hourStart(hour),
            requests: unauthorized,
            status401: unauthorized,
            status403: 0,
            status429: 0,
            status5xx: 0,
            inputTokens: 0,
            outputTokens: 0,
          });
        }
      }
    }
    return out;
  }
}
