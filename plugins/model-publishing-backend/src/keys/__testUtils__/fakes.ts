import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { KeySecretClient, SecretObject, SecretTarget } from '../types';

/**
 * In-memory Secrets with the API server's optimistic concurrency: a replace whose
 * resourceVersion is not the current one fails with a 409, like the real thing.
 */
export class FakeSecretClient implements KeySecretClient {
  readonly secrets = new Map<string, SecretObject>();
  conflicts = 0;
  writes = 0;
  private version = 1;
  /** Set to make the next calls fail (non-409). */
  failNext = 0;
  private held: (() => void)[] = [];
  private holdCount = 0;

  /**
   * Makes the next `n` reads wait for each other (or 2 s), so that n writers all read the same
   * resourceVersion and n-1 of them must hit a 409: a race that does not depend on timing.
   */
  holdReads(n: number): void {
    this.holdCount = n;
    setTimeout(() => this.release(), 2000).unref();
  }

  private release() {
    this.holdCount = 0;
    for (const resume of this.held.splice(0)) resume();
  }

  private id(t: SecretTarget) {
    return `${t.cluster}/${t.namespace}/${t.name}`;
  }

  seed(target: SecretTarget, data: Record<string, string> = {}): void {
    this.secrets.set(this.id(target), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: target.name,
        namespace: target.namespace,
        resourceVersion: String(this.version++),
      },
      type: 'Opaque',
      data,
    });
  }

  async getSecret(target: SecretTarget): Promise<SecretObject | undefined> {
    await new Promise(r => setImmediate(r));
    if (this.holdCount > 0) {
      await new Promise<void>(resume => {
        this.held.push(resume);
        if (this.held.length >= this.holdCount) this.release();
      });
    }
    const s = this.secrets.get(this.id(target));
    return s ? (JSON.parse(JSON.stringify(s)) as SecretObject) : undefined;
  }

  async replaceSecret(
    target: SecretTarget,
    secret: SecretObject,
  ): Promise<SecretObject> {
    await new Promise(r => setImmediate(r));
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error('HTTP-Code: 500 boom'), { code: 500 });
    }
    const current = this.secrets.get(this.id(target));
    if (!current) throw Object.assign(new Error('not found'), { code: 404 });
    if (current.metadata.resourceVersion !== secret.metadata.resourceVersion) {
      this.conflicts++;
      throw Object.assign(new Error('Conflict'), {
        code: 409,
        body: { code: 409, reason: 'Conflict' },
      });
    }
    const next = JSON.parse(JSON.stringify(secret)) as SecretObject;
    next.metadata.resourceVersion = String(this.version++);
    this.secrets.set(this.id(target), next);
    this.writes++;
    return next;
  }

  /** client id → raw key */
  keys(target: SecretTarget): Record<string, string> {
    const data = this.secrets.get(this.id(target))?.data ?? {};
    return Object.fromEntries(
      Object.entries(data).map(([k, v]) => [
        k,
        Buffer.from(v, 'base64').toString('utf8'),
      ]),
    );
  }
}

/** A LoggerService that keeps every line (message + metadata + error) as text. */
export function captureLogger(): LoggerService & { lines: string[] } {
  const lines: string[] = [];
  const write =
    (level: string) =>
    (message: string, meta?: Error | Record<string, unknown>) => {
      lines.push(
        `${level} ${message} ${
          meta instanceof Error
            ? `${meta.name} ${meta.message} ${meta.stack}`
            : JSON.stringify(meta ?? {})
        }`,
      );
    };
  const logger = {
    lines,
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    child: () => logger,
  };
  return logger;
}

/** An AuditorService that keeps every event (create, success, fail) as text. */
export function captureAuditor(): AuditorService & {
  events: string[];
  severities: string[];
} {
  const events: string[] = [];
  const severities: string[] = [];
  return {
    events,
    severities,
    async createEvent(options) {
      severities.push(options.severityLevel ?? 'low');
      events.push(
        JSON.stringify({
          eventId: options.eventId,
          severity: options.severityLevel,
          meta: options.meta,
        }),
      );
      return {
        async success(o) {
          events.push(
            JSON.stringify({
              eventId: options.eventId,
              success: o?.meta ?? null,
            }),
          );
        },
        async fail(o) {
          events.push(
            JSON.stringify({
              eventId: options.eventId,
              fail: o.meta ?? null,
              error: `${o.error.name} ${o.error.message}`,
            }),
          );
        },
      };
    },
  };
}

/**
 * A shared gate for reads: the next `n` getSecret calls through any wrapped client wait for each
 * other, so n writers read the same resourceVersion and n-1 must get a 409 from the server.
 */
export class ReadBarrier {
  private held: (() => void)[] = [];
  private remaining = 0;

  arm(n: number): void {
    this.remaining = n;
    setTimeout(() => this.open(), 5000).unref();
  }

  private open() {
    this.remaining = 0;
    for (const resume of this.held.splice(0)) resume();
  }

  async pass(): Promise<void> {
    if (this.remaining <= 0) return;
    await new Promise<void>(resume => {
      this.held.push(resume);
      if (this.held.length >= this.remaining) this.open();
    });
  }

  wrap(client: KeySecretClient): KeySecretClient {
    return {
      getSecret: async target => {
        const secret = await client.getSecret(target);
        await this.pass();
        return secret;
      },
      replaceSecret: (target, secret) => client.replaceSecret(target, secret),
    };
  }
}
