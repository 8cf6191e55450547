import { createHash } from 'node:crypto';
import type {
  UsageCollectRequest,
  UsageRecord,
  UsageSource,
  UsageSourcePublication,
} from '@model-publishing/plugin-model-publishing-node';
import { HOUR_MS, hourOf, hourStart } from '../time';
import type { UsagePublicationInfo } from '../types';

/** The collector hands sources the directory's publications, which also say when they and their keys were live. */
type DemoPublication = UsageSourcePublication &
  Partial<Pick<UsagePublicationInfo, 'publishedAt' | 'keys'>>;

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
 * Traffic exists only while it could in reality: not before the publication was published (no
 * `publishedAt`: none at all), and for a key only from its creation until it was revoked or expired;
 * a partly covered hour gets the matching part of its traffic (at least one request). Deterministic per publication, key and
 * hour, so re-collection does not change the past; the current hour grows as it elapses. The first run
 * backfills a week so the cards have something to show.
 */
export class DemoUsageSource implements UsageSource {
  readonly id = 'demo';
  readonly initialBackfillHours = 7 * 24;

  constructor(private readonly now: () => number = () => Date.now()) {}

  async collect(request: UsageCollectRequest): Promise<UsageRecord[]> {
    const now = this.now();
    const firstHour = hourOf(request.from);
    const endHour = Math.min(
      Math.ceil(request.to.getTime() / HOUR_MS),
      hourOf(now) + 1,
    );
    const out: UsageRecord[] = [];
    for (const pub of request.publications as DemoPublication[]) {
      const publishedAt = pub.publishedAt?.getTime();
      if (publishedAt === undefined) continue;
      const lifetimes = new Map((pub.keys ?? []).map(k => [k.clientId, k]));
      const peak = 40 + Math.floor(unit('peak', pub.id) * 260); // requests per hour at the busiest time
      const llm = pub.modelKind === 'openai';
      for (let hour = firstHour; hour < endHour; hour++) {
        const end = Math.min(now, (hour + 1) * HOUR_MS);
        const from = Math.max(hour * HOUR_MS, publishedAt);
        if (from >= end) continue;
        const shape = dayShape(hour);
        // The part of this hour in which each key worked; the publication's traffic is shared among them.
        const active = pub.clientIds
          .map(clientId => {
            const key = lifetimes.get(clientId);
            return {
              clientId,
              from: Math.max(from, key?.createdAt?.getTime() ?? from),
              to: Math.min(end, key?.until?.getTime() ?? end),
            };
          })
          .filter(k => k.to > k.from);
        const weights = active.map(
          k => 0.2 + unit('share', pub.id, k.clientId),
        );
        const total = weights.reduce((a, b) => a + b, 0);
        active.forEach((key, i) => {
          const { clientId } = key;
          const covered = (key.to - key.from) / HOUR_MS;
          const noise = 0.7 + 0.6 * unit('noise', pub.id, clientId, hour);
          // At least one request in every hour a key works: a new key's first use shows at the next
          // collection, not only once enough of the hour has passed to round up to one.
          const requests = Math.max(
            1,
            Math.round((peak * shape * covered * noise * weights[i]) / total),
          );
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
            // the last moment the key was in use in this hour
            lastSeenAt: new Date(Math.max(key.from, key.to - 1)),
          });
        });
        // Callers without a valid key: a trickle of 401s while the route is served.
        const unauthorized = Math.floor(
          ((peak * shape * (end - from)) / HOUR_MS) *
            0.03 *
            unit('401', pub.id, hour) *
            2,
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
