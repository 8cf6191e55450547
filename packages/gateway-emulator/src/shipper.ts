import { AccessLogRecord, AccessLogSink } from './accessLog';

export interface AccessLogShipperOptions {
  /** Where batches go, e.g. the model-publishing backend's `/usage/ingest`. */
  url: () => Promise<string>;
  /** Request headers for each batch (e.g. a service token). */
  headers: () => Promise<Record<string, string>>;
  intervalMs?: number;
  maxBatch?: number;
  /** Records kept while the receiver is down; the oldest are dropped beyond this. */
  maxBuffered?: number;
  onError?(error: Error): void;
  fetchImpl?: typeof fetch;
}

/**
 * Ships access-log records as NDJSON batches, as a log shipper (Vector, Fluent Bit) does next to a real
 * Envoy. A failed batch is sent again next time; the receiver deduplicates by request id.
 */
export class AccessLogShipper {
  private buffer: AccessLogRecord[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(private readonly o: AccessLogShipperOptions) {}

  readonly sink: AccessLogSink = record => {
    this.buffer.push(record);
    const max = this.o.maxBuffered ?? 100_000;
    if (this.buffer.length > max) this.buffer.splice(0, this.buffer.length - max);
  };

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.o.intervalMs ?? 2000);
    this.timer.unref?.();
  }

  /** Sends what is buffered now; resolves when done (or failed, reported to onError). */
  flush(): Promise<void> {
    this.flushing ??= this.send().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async send(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, this.o.maxBatch ?? 1000);
      try {
        const res = await (this.o.fetchImpl ?? fetch)(await this.o.url(), {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', ...(await this.o.headers()) },
          body: batch.map(r => JSON.stringify(r)).join('\n'),
        });
        if (!res.ok) throw new Error(`access-log ingest answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
        this.buffer.splice(0, batch.length);
      } catch (e) {
        this.o.onError?.(e as Error);
        return;
      }
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
