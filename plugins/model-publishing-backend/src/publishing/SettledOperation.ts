import { ConflictError, NotFoundError } from '@backstage/errors';
import { publicationOf } from '../database/publicationOf';
import type {
  Publication,
  PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import type { AuditedAction } from '../audit/AuditLog';
import {
  IN_FLIGHT_STATUSES,
  LIVE_STATUSES,
  type PublicationStore,
} from '../database/PublicationStore';
import {
  type ClusterSaga,
  errorMessage,
  type SagaExecutor,
} from './ClusterSaga';
import type { HeldLease, Leases } from './Leases';
import type { LoadedModel, ModelLocation } from './ModelReader';
import type { OperationAudit } from './operationAudit';
import type { OperationContext } from './operationTypes';
import type { PublicationBuilder } from './PublicationBuilder';
import type { PublishKind, PublishPolicy } from './publishPolicy';
import type { ServingContext } from './ServingContextReader';
import type { Takeover } from './Takeover';

/** An unpublish found its model's unpublish interrupted, and the takeover completed it. */
export class AlreadyDone extends Error {
  constructor(readonly publication: Publication) {
    super('already unpublished');
  }
}

/** What an update (or its dry run) starts from: the live publication, the model checked against the new config. */
export interface UpdateStart extends LoadedModel {
  current: Publication;
  kind: PublishKind;
  context: ServingContext | undefined;
}

/** Reads and checks what an update of `model` to `config` needs (404, 409, 422 before anything changes). */
export async function startUpdate(
  deps: {
    publications: Pick<PublicationStore, 'findLive' | 'findCurrent'>;
    policy: Pick<PublishPolicy, 'validate'>;
    builder: Pick<PublicationBuilder, 'servingContext'>;
  },
  model: ModelLocation,
  config: PublishConfig,
): Promise<UpdateStart> {
  const current = await publicationOf(deps.publications, model, 'live');
  const contextRead = deps.builder.servingContext(model, { fresh: true });
  const checked = await deps.policy.validate(model, config, {
    creating: false,
    requireReady: false,
  });
  return { ...checked, current, context: await contextRead };
}

export interface SettledOperationOptions {
  publications: Pick<
    PublicationStore,
    'update' | 'get' | 'leaseOf' | 'releaseHostnames'
  >;
  leases: Pick<Leases, 'lease' | 'keep'>;
  sagas: Pick<SagaExecutor, 'begin'>;
  takeover: Pick<Takeover, 'takeOverIfDead'>;
  builder: Pick<PublicationBuilder, 'hostnameOf'>;
  audit: Pick<OperationAudit, 'record'>;
}

/**
 * Runs the saga of an update or unpublish on a settled publication: locks it in `status` (409 when it
 * is not settled; an in-flight operation whose process died is taken over first), and on failure undoes
 * the saga, restores the previous status with the reason, audits and rethrows. Returns the held lease
 * the caller's last write is conditional on.
 */
export class SettledOperation {
  constructor(private readonly o: SettledOperationOptions) {}

  async run(
    current: Publication,
    status: 'updating' | 'unpublishing',
    action: AuditedAction,
    model: ModelLocation,
    op: OperationContext,
    run: (saga: ClusterSaga) => Promise<void>,
  ): Promise<HeldLease> {
    await this.lock(current, status, model, op);
    const { publications } = this.o;
    const held = this.o.leases.keep(current.id);
    const saga = this.o.sagas.begin(model.cluster, current.id);
    try {
      await run(saga);
    } catch (error) {
      const reason = `${
        status === 'updating' ? 'update' : 'unpublish'
      } failed: ${errorMessage(error)}`;
      await saga.undo();
      await publications.update(
        current.id,
        { status: current.status },
        { actor: op.actor, historyReason: reason, leaseToken: held.token },
      );
      held.release();
      await publications
        .releaseHostnames(current.id, this.o.builder.hostnameOf(current))
        .catch(() => undefined); // a leftover claim is released by the next update or unpublish
      await this.o.audit.record(
        action,
        model,
        op,
        'failed',
        current.id,
        reason,
      );
      throw error;
    }
    return held;
  }

  private async lock(
    current: Publication,
    status: 'updating' | 'unpublishing',
    model: ModelLocation,
    op: OperationContext,
  ): Promise<void> {
    const { publications } = this.o;
    const lock = () =>
      publications.update(
        current.id,
        { status },
        {
          actor: op.actor,
          fromStatuses: ['published', 'degraded'],
          lease: this.o.leases.lease(),
        },
      );
    if (await lock()) return;
    // In flight: when its process died, take it over and go on from where that leaves the record.
    const now = await publications.get(current.id);
    const taken = now && (await this.o.takeover.takeOverIfDead(now, op));
    if (taken && !LIVE_STATUSES.includes(taken.publication.status)) {
      if (status === 'unpublishing') throw new AlreadyDone(taken.publication);
      throw new NotFoundError(
        `${model.namespace}/${model.name} is not published (its interrupted publish was rolled back)`,
      );
    }
    if (taken && (await lock())) return;
    const lease =
      now && IN_FLIGHT_STATUSES.includes(now.status)
        ? await publications.leaseOf(current.id)
        : undefined;
    const wait = lease?.expiresAt
      ? ` (its lease runs out in ${Math.max(
          1,
          Math.ceil((lease.expiresAt.getTime() - Date.now()) / 1000),
        )} s)`
      : '';
    throw new ConflictError(
      `publication ${current.id} is ${
        now?.status ?? current.status
      }; try again when it is settled${wait}`,
    );
  }
}
