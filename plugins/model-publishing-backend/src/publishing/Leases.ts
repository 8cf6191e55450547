import { randomUUID } from 'crypto';
import type { Lease, PublicationStore } from '../database/PublicationStore';

export interface LeaseSettings {
  /** This instance, stable across its restarts (`modelPublishing.instanceId`). */
  holder: string;
  /** How long a lease lasts without a heartbeat. */
  ms: number;
  /** Identifies this process among the instance's restarts; random by default. */
  token?: string;
}

/** What an operation holds while it runs. */
export interface HeldLease {
  /** The token the operation's last writes are conditional on. */
  readonly token: string;
  /** Stops renewing (the operation ended). */
  release(): void;
}

/**
 * Leases on in-flight operations (issue 14, finding 5): each publish, update or unpublish renews its
 * record's lease every third of its length while it runs. A killed process stops renewing, so its
 * operations become takeable once the lease runs out — or at once by the same instance restarted.
 */
export class Leases {
  readonly holder: string;
  readonly token: string;
  readonly ms: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private halted = false;

  constructor(
    private readonly store: Pick<PublicationStore, 'renewLease'>,
    settings: LeaseSettings,
  ) {
    this.holder = settings.holder;
    this.token = settings.token ?? randomUUID();
    this.ms = settings.ms;
  }

  /** A lease of this process from `now`. */
  lease(now = new Date()): Lease {
    return {
      holder: this.holder,
      token: this.token,
      expiresAt: new Date(now.getTime() + this.ms),
    };
  }

  /** Renews the record's lease until released (or until the record leaves flight under this process). */
  keep(publicationId: string): HeldLease {
    if (this.halted) return { token: this.token, release() {} };
    let timer: NodeJS.Timeout | undefined = undefined;
    const stop = () => {
      clearInterval(timer);
      if (timer) this.timers.delete(timer);
    };
    timer = setInterval(() => {
      this.store
        .renewLease(publicationId, this.lease())
        .then(held => {
          if (!held) stop();
        })
        .catch(() => undefined); // a missed beat; the next one retries before the lease runs out
    }, Math.max(Math.floor(this.ms / 3), 10));
    timer.unref();
    this.timers.add(timer);
    return { token: this.token, release: stop };
  }

  /** Stops every heartbeat, as a killed process would (tests and the crash benchmark). */
  halt(): void {
    this.halted = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
  }
}
