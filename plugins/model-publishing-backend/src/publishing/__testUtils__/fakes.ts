import type {
  OwnedObject,
  Publication,
} from '@model-publishing/plugin-model-publishing-common';
import type { KubeObject } from '../../gateway/types';
import type { ClusterSaga, WriteMode } from '../ClusterSaga';
import type { HeldLease, Leases } from '../Leases';

/** What a FakeSaga was asked to do, in order. */
export type SagaCall =
  | { op: 'apply'; mode: WriteMode; kinds: string[] }
  | { op: 'delete'; names: string[] }
  | { op: 'undo' };

/** A saga that records its steps instead of writing; `fail` makes the named step throw. */
export class FakeSaga {
  readonly calls: SagaCall[] = [];
  fail?: { op: 'apply' | 'delete'; error: Error };

  async applyStaged(
    objects: KubeObject[],
    mode: WriteMode,
    beforeRoute?: () => Promise<void>,
  ): Promise<void> {
    this.calls.push({ op: 'apply', mode, kinds: objects.map(o => o.kind) });
    if (beforeRoute) await beforeRoute();
    if (this.fail?.op === 'apply') throw this.fail.error;
  }

  async deleteObjects(objects: OwnedObject[]): Promise<void> {
    this.calls.push({ op: 'delete', names: objects.map(o => o.name) });
    if (this.fail?.op === 'delete') throw this.fail.error;
  }

  async undo(): Promise<void> {
    this.calls.push({ op: 'undo' });
  }

  asSaga(): ClusterSaga {
    return this as unknown as ClusterSaga;
  }
}

/** Leases that never tick: `kept` lists the ids kept, `released` those released. */
export function fakeLeases() {
  const kept: string[] = [];
  const released: string[] = [];
  const leases: Pick<Leases, 'lease' | 'keep'> = {
    lease: (now = new Date()) => ({
      holder: 'test',
      token: 'token-1',
      expiresAt: new Date(now.getTime() + 60_000),
    }),
    keep: (id: string): HeldLease => {
      kept.push(id);
      return { token: 'token-1', release: () => void released.push(id) };
    },
  };
  return { leases, kept, released };
}

export function publicationOf(
  overrides: Partial<Publication> = {},
): Publication {
  return {
    id: 'pub-1',
    cluster: 'local',
    namespace: 'models',
    name: 'sklearn-iris',
    entityRef: 'component:default/sklearn-iris',
    modelKind: 'v1',
    status: 'published',
    config: { rateLimits: { requestsPerMinute: 60 } },
    objects: [],
    endpoints: [],
    createdBy: 'user:default/alice',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export const owned = (kind: string, name: string): OwnedObject => ({
  apiVersion: 'v1',
  kind,
  namespace: 'models',
  name,
});
