import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import {
  IN_FLIGHT_STATUSES,
  type PublicationStore,
} from '../database/PublicationStore';
import type { SagaExecutor } from './ClusterSaga';
import type { HeldLease, Leases } from './Leases';
import { sameRef } from './objects';
import type { OperationContext, PublishingKeys } from './operationTypes';
import type { PublicationBuilder } from './PublicationBuilder';
import type { PublicationSagas } from './PublicationSagas';

/** What a taken-over operation became. */
export interface TakeOver {
  from: Publication['status'];
  publication: Publication;
}

export interface TakeoverOptions {
  publications: Pick<
    PublicationStore,
    'claim' | 'getOrThrow' | 'update' | 'releaseHostnames'
  >;
  leases: Pick<Leases, 'lease' | 'keep'>;
  sagas: Pick<SagaExecutor, 'listLabelled' | 'deleteAll'>;
  steps: Pick<PublicationSagas, 'reapply'>;
  builder: Pick<PublicationBuilder, 'hostnameOf'>;
  keys: Pick<PublishingKeys, 'discardKeys'>;
  logger: LoggerService;
  guides?: { unpublished(p: Publication): void };
}

/** The 409 of an operation whose record another process took over while it ran. */
export function takenOverError(id: string, what: string): ConflictError {
  return new ConflictError(
    `publication ${id}: this ${what} stopped renewing its lease and was taken over; check its status and try again`,
  );
}

/**
 * Takes over an in-flight operation whose process died — its lease ran out, or it belonged to this
 * instance before a restart — and finishes it the safe way (docs/design.md §3): a publish is rolled back,
 * an update restores the recorded configuration, an unpublish completes.
 */
export class Takeover {
  constructor(private readonly o: TakeoverOptions) {}

  /**
   * The claim is one conditional update, so of two instances (or the reconciler and a request) exactly
   * one takes it over; the other gets undefined, as does a record whose operation is alive.
   */
  async takeOver(
    p: Publication,
    actor: string,
    now = new Date(),
    /** At start-up: an earlier process of this instance is gone, whether or not its lease ran out. */
    restarted = false,
  ): Promise<TakeOver | undefined> {
    const claimed = await this.o.publications.claim(
      p.id,
      this.o.leases.lease(now),
      { now, restarted },
    );
    if (!claimed) return undefined;
    const held = this.o.leases.keep(p.id);
    try {
      return {
        from: claimed.status,
        publication: await this.finish(claimed, actor, held),
      };
    } finally {
      held.release();
    }
  }

  /** A request found its model's record in flight: take it over when its process is dead. */
  async takeOverIfDead(
    p: Publication,
    op: OperationContext,
  ): Promise<TakeOver | undefined> {
    if (!IN_FLIGHT_STATUSES.includes(p.status)) return undefined;
    const taken = await this.takeOver(p, op.actor);
    if (taken)
      this.o.logger.info(
        `publication ${p.id}: took over its interrupted ${p.status} (now ${taken.publication.status})`,
      );
    return taken;
  }

  private async finish(
    p: Publication,
    actor: string,
    held: HeldLease,
  ): Promise<Publication> {
    const { publications, sagas } = this.o;
    const labelled = () => sagas.listLabelled(p.cluster, p.namespace, p.id);
    const after = async (changed: Publication | undefined) =>
      changed ?? (await publications.getOrThrow(p.id));
    if (p.status === 'publishing') {
      // Rolled back rather than forward: the first key (if any) was never handed out, so it is
      // discarded too — before the status changes, so a failure here is retried on the next run.
      await sagas.deleteAll(p.cluster, await labelled());
      await this.o.keys.discardKeys(p.id, { actor });
      return after(
        await publications.update(
          p.id,
          {
            status: 'failed',
            statusReason: 'publish was interrupted; its objects were removed',
          },
          { actor, fromStatuses: ['publishing'], leaseToken: held.token },
        ),
      );
    }
    if (p.status === 'updating') {
      // The record still holds the previous configuration: re-apply it and drop extra objects.
      const restored = await this.o.steps.reapply(p.id, actor, held.token);
      await publications.releaseHostnames(p.id, this.o.builder.hostnameOf(p));
      const extra = (await labelled()).filter(
        o => !restored.objects.some(r => sameRef(r, o)),
      );
      await sagas.deleteAll(p.cluster, extra);
      return restored;
    }
    await sagas.deleteAll(p.cluster, [...p.objects, ...(await labelled())]);
    await this.o.keys.discardKeys(p.id, { actor });
    const done = await publications.update(
      p.id,
      { status: 'unpublished', statusReason: null },
      {
        actor,
        fromStatuses: ['unpublishing'],
        leaseToken: held.token,
        historyReason: 'unpublish was interrupted; completed',
      },
    );
    if (done) this.o.guides?.unpublished(done);
    return after(done);
  }
}
