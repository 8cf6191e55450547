import type {
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import {
  LABEL_PUBLICATION,
  type OwnedObject,
  type Publication,
} from '@model-publishing/plugin-model-publishing-common';
import type { HumanDuration } from '../config';
import type { PublicationStore } from '../database/PublicationStore';
import type { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import { refOf } from '../kubernetes/ClusterClient';
import { ClusterSnapshot } from './ClusterSnapshot';
import { describeDrift } from './objects';
import type { PublishingService } from './PublishingService';
import type { Leases } from './Leases';

export interface ReconcilerOptions {
  clusters: ClusterRegistry;
  publications: PublicationStore;
  publishing: PublishingService;
  logger: LoggerService;
  /** Whose leases this instance takes over (PublishingService's); the same as the publishing service's. */
  leases: Pick<Leases, 'holder' | 'token'>;
  /** Re-apply drifted objects (else only mark the publication degraded). */
  repair?: boolean;
  /** Rebuilds a settled publication's TechDocs guide when it is missing or stale (src/docs/techdocs). */
  guides?: { ensure(p: Publication): Promise<unknown> };
}

export interface ReconcileReport {
  converged: { id: string; from: string; to: string }[];
  degraded: { id: string; reason: string }[];
  repaired: string[];
  orphansDeleted: OwnedObject[];
  errors: string[];
}

const ACTOR = 'system:model-publishing-reconciler';

function emptyReport(): ReconcileReport {
  return {
    converged: [],
    degraded: [],
    repaired: [],
    orphansDeleted: [],
    errors: [],
  };
}

function message(error: unknown) {
  return isError(error) ? error.message : String(error);
}

/**
 * Converges the cluster with the database (docs/design.md §3): records a killed process left mid-way,
 * labelled orphans, and objects removed or changed out of band.
 */
export class Reconciler {
  constructor(private readonly o: ReconcilerOptions) {}

  /** One pass; `signal` (the scheduler's, aborted at shutdown) ends it between publications. */
  async run(now = new Date(), signal?: AbortSignal): Promise<ReconcileReport> {
    const report = emptyReport();
    await this.resume(report, now);
    // One list per kind per cluster, after the stuck records are settled (their objects are gone).
    const snapshots = await this.snapshots();
    let after: string | undefined;
    for (;;) {
      if (signal?.aborted) return report;
      const page = await this.o.publications.listSettled(after, 100);
      for (const p of page) {
        await this.checkDrift(p, report, snapshots.get(p.cluster)).catch(e =>
          report.errors.push(`${p.id}: ${message(e)}`),
        );
        // Not awaited: a missing guide takes an mkdocs build (about a second each, one at a time), and a
        // thousand of them must not hold up drift checks for this pass's length. It logs its own failures.
        void this.o.guides?.ensure(p);
      }
      if (page.length < 100) break;
      after = page[page.length - 1].id;
    }
    for (const [cluster, snapshot] of snapshots) {
      await this.deleteOrphans(snapshot, report).catch(e =>
        report.errors.push(`${cluster}: ${message(e)}`),
      );
    }
    if (report.errors.length)
      this.o.logger.warn(`reconciler: ${report.errors.join('; ')}`);
    return report;
  }

  /**
   * Takes over the in-flight operations whose process died: leases that ran out, and — at start-up
   * (`restarted`) — this instance's from before the restart, at once.
   */
  async resume(
    report: ReconcileReport = emptyReport(),
    now = new Date(),
    restarted = false,
  ): Promise<ReconcileReport> {
    const takeable = await this.o.publications.listTakeable({
      lease: this.o.leases,
      now,
      restarted,
    });
    for (const p of takeable) {
      try {
        const taken = await this.o.publishing.takeOver(
          p,
          ACTOR,
          now,
          restarted,
        );
        // Another instance (or a request) took it first: theirs to converge.
        if (taken)
          report.converged.push({
            id: p.id,
            from: taken.from,
            to: taken.publication.status,
          });
      } catch (e) {
        report.errors.push(`${p.id}: ${message(e)}`);
      }
    }
    return report;
  }

  /** A snapshot of every cluster, taken concurrently. */
  private async snapshots(): Promise<Map<string, ClusterSnapshot>> {
    const names = this.o.clusters.names();
    const taken = await Promise.all(
      names.map(n => ClusterSnapshot.take(this.o.clusters.get(n))),
    );
    return new Map(names.map((n, i) => [n, taken[i]]));
  }

  /**
   * What drifted in a publication's objects (or that its model is gone), undefined when nothing did.
   * With a snapshot the comparison is in memory; without one (or for a kind it could not list), live.
   */
  private async drift(
    p: Publication,
    from?: ClusterSnapshot,
  ): Promise<string | undefined> {
    const client = this.o.clusters.get(p.cluster);
    try {
      const desired = await this.o.publishing.desiredObjects(p, from);
      for (const obj of desired) {
        const listed = from?.object(refOf(obj));
        const drift = describeDrift(
          obj,
          listed ? listed.found : await client.get(refOf(obj)),
        );
        if (drift) return drift;
      }
      return undefined;
    } catch (error) {
      if ((error as Error).name !== 'NotFoundError') throw error;
      return message(error); // the InferenceService itself is gone
    }
  }

  private async checkDrift(
    p: Publication,
    report: ReconcileReport,
    snapshot?: ClusterSnapshot,
  ): Promise<void> {
    let drift = await this.drift(p, snapshot);
    // The snapshot was listed at the start of the pass: confirm with live reads of this publication only
    // (a publish or update since then is not drift).
    if (drift && snapshot) drift = await this.drift(p);
    if (!drift) {
      if (p.status === 'degraded') {
        await this.o.publications.update(
          p.id,
          { status: 'published', statusReason: null },
          {
            actor: ACTOR,
            fromStatuses: ['degraded'],
            historyReason: 'objects match again',
          },
        );
      }
      return;
    }
    if (p.status !== 'degraded' || p.statusReason !== drift) {
      await this.o.publications.update(
        p.id,
        { status: 'degraded', statusReason: drift },
        { actor: ACTOR, fromStatuses: ['published', 'degraded'] },
      );
    }
    report.degraded.push({ id: p.id, reason: drift });
    if (this.o.repair) {
      await this.o.publishing.reapply(p.id, ACTOR);
      report.repaired.push(p.id);
    }
  }

  /** Objects carrying our label whose publication is no longer live (failed, unpublished, gone). */
  private async deleteOrphans(
    snapshot: ClusterSnapshot,
    report: ReconcileReport,
  ): Promise<void> {
    const unlisted = snapshot.unlistedKinds();
    if (unlisted.length)
      report.errors.push(
        `${snapshot.cluster}: could not list ${unlisted.join(
          ', ',
        )}; their orphans are kept this pass`,
      );
    const candidates = snapshot.labelled().map(i => ({
      apiVersion: i.apiVersion,
      kind: i.kind,
      namespace: i.metadata.namespace!,
      name: i.metadata.name,
      publicationId: i.metadata.labels?.[LABEL_PUBLICATION] ?? '',
    }));
    if (!candidates.length) return;
    const live = await this.o.publications.liveIds([
      ...new Set(candidates.map(c => c.publicationId)),
    ]);
    const orphans = candidates
      .filter(c => !live.has(c.publicationId))
      .map(({ publicationId, ...ref }) => {
        void publicationId;
        return ref;
      });
    if (!orphans.length) return;
    await this.o.publishing.deleteAll(snapshot.cluster, orphans);
    report.orphansDeleted.push(...orphans);
  }
}

export const RECONCILER_TASK_ID = 'model-publishing-reconciler';

/** A HumanDuration in milliseconds (months and years as 30 and 365 days: only used for a delay cap). */
export function durationMs(d: HumanDuration): number {
  const x = d as Partial<
    Record<
      | 'years'
      | 'months'
      | 'weeks'
      | 'days'
      | 'hours'
      | 'minutes'
      | 'seconds'
      | 'milliseconds',
      number
    >
  >;
  const days =
    (x.years ?? 0) * 365 +
    (x.months ?? 0) * 30 +
    (x.weeks ?? 0) * 7 +
    (x.days ?? 0);
  return (
    (((days * 24 + (x.hours ?? 0)) * 60 + (x.minutes ?? 0)) * 60 +
      (x.seconds ?? 0)) *
      1000 +
    (x.milliseconds ?? 0)
  );
}

/**
 * Schedules the reconciler with global scope: across replicas on one database it runs once per
 * interval (the scheduler's database lock), never concurrently with itself.
 */
export async function scheduleReconciler(o: {
  reconciler: Reconciler;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  logger: LoggerService;
  frequency: HumanDuration;
}): Promise<void> {
  const { reconciler } = o;
  let running: Promise<unknown> | undefined;
  // The scheduler aborts the pass's signal at shutdown; wait for it to stop before the database closes.
  o.lifecycle.addShutdownHook(async () => {
    await running?.catch(() => undefined);
  });
  await o.scheduler.scheduleTask({
    id: RECONCILER_TASK_ID,
    scope: 'global',
    frequency: o.frequency,
    timeout: { minutes: 10 },
    // Let the backend settle first, but never wait longer than one interval.
    initialDelay: { milliseconds: Math.min(15_000, durationMs(o.frequency)) },
    fn: async signal => {
      const pass = reconciler.run(new Date(), signal);
      running = pass;
      const report = await pass;
      const changes =
        report.converged.length +
        report.degraded.length +
        report.orphansDeleted.length;
      if (changes) {
        o.logger.info(
          `reconciler: converged ${report.converged.length}, degraded ${report.degraded.length}, repaired ${report.repaired.length}, orphans deleted ${report.orphansDeleted.length}`,
        );
      }
    },
  });
}
