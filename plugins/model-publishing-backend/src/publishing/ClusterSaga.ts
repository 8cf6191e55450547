import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, isError } from '@backstage/errors';
import {
  LABEL_MANAGED_BY,
  LABEL_PUBLICATION,
  MANAGED_BY_VALUE,
  type OwnedObject,
} from '@model-publishing/plugin-model-publishing-common';
import { redactKeys } from '../audit/AuditLog';
import type { PublicationStore } from '../database/PublicationStore';
import type { KubeObject } from '../gateway/types';
import {
  type ClusterClient,
  describeRef,
  type ObjectRef,
  refOf,
} from '../kubernetes/ClusterClient';
import type { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import {
  applyStages,
  MANAGED_KINDS,
  recreatable,
  ROUTE_KINDS,
} from './objects';

/** A cluster write about to happen (the test hook's argument). */
export interface ClusterWrite {
  action: 'create' | 'apply' | 'replace' | 'delete';
  ref: ObjectRef;
}

export interface SagaExecutorOptions {
  clusters: ClusterRegistry;
  publications: Pick<PublicationStore, 'liveIds'>;
  logger: LoggerService;
  /**
   * Test hook: runs before every cluster write of a saga. A test can fail it, or never resolve it to
   * simulate a process killed between writes.
   */
  beforeClusterWrite?: (op: ClusterWrite) => Promise<void>;
}

/** One step of a saga: the object touched and what it was before (undefined = it did not exist). */
interface JournalEntry {
  ref: ObjectRef;
  before?: KubeObject;
}

/** How a saga writes: 'create' must not find the object (unless it is our leftover); 'apply' converges. */
export type WriteMode = 'create' | 'apply';

export function errorMessage(error: unknown): string {
  return redactKeys(isError(error) ? error.message : String(error));
}

/**
 * The cluster writes of one publish, update or unpublish, journalled: `undo` puts back what they
 * changed, in reverse, so a failed operation leaves the cluster as it was.
 */
export class ClusterSaga {
  private readonly journal: JournalEntry[] = [];

  constructor(
    private readonly client: ClusterClient,
    private readonly publicationId: string,
    private readonly o: SagaExecutorOptions,
  ) {}

  /**
   * Writes objects stage by stage: everything but the route concurrently, then the route, so the
   * route never exists without its auth and limits. 'create' fails on an existing object unless it
   * is a labelled leftover of a dead publication; 'apply' replaces, except an existing Secret, whose
   * data (the keys) belongs to the key service.
   */
  async applyStaged(
    objects: KubeObject[],
    mode: WriteMode,
    /** Runs before the route's stage, while nothing routes traffic yet; a throw stops the saga. */
    beforeRoute?: () => Promise<void>,
  ): Promise<void> {
    for (const stage of applyStages(objects)) {
      if (beforeRoute && stage.some(o => ROUTE_KINDS.has(o.kind)))
        await beforeRoute();
      await settleAll(stage.map(obj => this.applyOne(obj, mode)));
    }
  }

  /** Deletes objects route first, then the rest concurrently; snapshots go to the journal for undo. */
  async deleteObjects(objects: OwnedObject[]): Promise<void> {
    const routes = objects.filter(o => ROUTE_KINDS.has(o.kind));
    const rest = objects.filter(o => !ROUTE_KINDS.has(o.kind)).reverse();
    for (const stage of [routes, rest]) {
      await settleAll(
        stage.map(async ref => {
          const before = await this.client.get(ref);
          if (!before) return;
          await this.write('delete', ref, () => this.client.delete(ref));
          this.journal.push({ ref, before });
        }),
      );
    }
  }

  /**
   * Undoes the journal in reverse and empties it: deletes what was created, restores what was
   * replaced or deleted. Failures are logged; leftovers carry our labels, so the reconciler removes
   * or repairs them.
   */
  async undo(): Promise<void> {
    for (const entry of this.journal.splice(0).reverse()) {
      try {
        if (!entry.before) {
          await this.client.delete(entry.ref);
        } else {
          const restore = recreatable(entry.before);
          const now = await this.client.get(entry.ref);
          if (now) {
            await this.client.replace(withVersion(restore, now));
          } else {
            await this.client.create(restore);
          }
        }
      } catch (error) {
        this.o.logger.warn(
          `publication ${this.publicationId}: could not undo ${describeRef(
            entry.ref,
          )}: ${errorMessage(error)}; the reconciler will converge it`,
        );
      }
    }
  }

  private async applyOne(obj: KubeObject, mode: WriteMode): Promise<void> {
    const ref = refOf(obj);
    const existing = mode === 'apply' ? await this.client.get(ref) : undefined;
    if (!existing) {
      try {
        await this.write('create', ref, () => this.client.create(obj));
        this.journal.push({ ref });
        return;
      } catch (error) {
        if (mode === 'apply' || (error as Error).name !== 'ConflictError')
          throw error;
      }
      const found = await this.client.get(ref);
      if (!found || !(await this.isLeftover(found))) {
        throw new ConflictError(
          `${describeRef(
            ref,
          )} already exists and is not managed by this publication`,
        );
      }
      // A leftover of a crashed or failed publication: take it over (the journal deletes it on undo).
      await this.write('apply', ref, () =>
        this.client.apply(obj, { force: true, current: found }),
      );
      this.journal.push({ ref });
      return;
    }
    if (obj.kind === 'Secret') return;
    // Server-side apply; force only over an object of this publication (another manager's edits of it
    // are overwritten, as a replace did); anything else with the name is a conflict, not taken over.
    await this.write('apply', ref, () =>
      this.client.apply(obj, {
        force: this.isOurs(existing),
        current: existing,
      }),
    );
    this.journal.push({ ref, before: existing });
  }

  private async write<T>(
    action: ClusterWrite['action'],
    ref: ObjectRef,
    fn: () => Promise<T>,
  ): Promise<T> {
    await this.o.beforeClusterWrite?.({ action, ref });
    return fn();
  }

  private isOurs(obj: KubeObject): boolean {
    const labels = obj.metadata.labels ?? {};
    return (
      labels[LABEL_MANAGED_BY] === MANAGED_BY_VALUE &&
      labels[LABEL_PUBLICATION] === this.publicationId
    );
  }

  /** Ours (managed-by label) and owned by a publication that is no longer live. */
  private async isLeftover(obj: KubeObject): Promise<boolean> {
    const labels = obj.metadata.labels ?? {};
    const owner = labels['model-publishing/publication'];
    if (
      labels['app.kubernetes.io/managed-by'] !== 'backstage-model-publishing' ||
      !owner
    )
      return false;
    return !(await this.o.publications.liveIds([owner])).has(owner);
  }
}

/** Starts sagas on the configured clusters. */
export class SagaExecutor {
  constructor(private readonly o: SagaExecutorOptions) {}

  begin(cluster: string, publicationId: string): ClusterSaga {
    return new ClusterSaga(this.o.clusters.get(cluster), publicationId, this.o);
  }

  /** Every object in the namespace labelled with this publication (finds what its record missed). */
  async listLabelled(
    cluster: string,
    namespace: string,
    publicationId: string,
  ): Promise<OwnedObject[]> {
    const client = this.o.clusters.get(cluster);
    const found: OwnedObject[] = [];
    for (const { apiVersion, kind, optional } of MANAGED_KINDS) {
      const listing = client.list(apiVersion, kind, {
        namespace,
        labelSelector: `${LABEL_PUBLICATION}=${publicationId}`,
      });
      const items = optional ? await listing.catch(() => []) : await listing;
      found.push(
        ...items.map(i => ({
          apiVersion,
          kind,
          namespace: i.metadata.namespace!,
          name: i.metadata.name,
        })),
      );
    }
    return found;
  }

  /** Deletes every listed object (route first) without a journal; used by the reconciler. */
  async deleteAll(cluster: string, objects: OwnedObject[]): Promise<void> {
    await this.begin(cluster, '').deleteObjects(objects);
  }
}

function withVersion(obj: KubeObject, current: KubeObject): KubeObject {
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      resourceVersion: current.metadata.resourceVersion,
    },
  };
}

/** Waits for every write of a stage (none is left running), then throws the first failure. */
async function settleAll(writes: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(writes);
  const failed = results.find(
    (r): r is PromiseRejectedResult => r.status === 'rejected',
  );
  if (failed) throw failed.reason;
}
