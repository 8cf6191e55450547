import type { Knex } from 'knex';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  LABEL_MANAGED_BY,
  LABEL_PUBLICATION,
  MANAGED_BY_VALUE,
} from '@model-publishing/plugin-model-publishing-common';
import { startServices } from '../__testUtils__/services';
import { Reconciler } from '../publishing/Reconciler';
import { MANAGED_KINDS } from '../publishing/objects';
import { labelledIn, never, until } from '../__testUtils__/crashes';
import { NAMESPACE } from '../__testUtils__/harness';

jest.setTimeout(120_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const op = { actor: 'user:default/alice' };

describe('reconciler', () => {
  let db: Knex;
  let s: Awaited<ReturnType<typeof startServices>>;
  let crashAt = 0;
  let writes = 0;

  beforeEach(async () => {
    db = await databases.init('SQLITE_3');
    writes = 0;
    crashAt = 0;
    s = await startServices(db, {
      // "Kill" the process: the write never happens and nothing after it runs.
      beforeClusterWrite: async () => {
        writes++;
        if (crashAt && writes === crashAt) await never();
      },
    });
  });
  afterEach(async () => {
    await s.emulator.close();
  });

  const labelled = (publicationId?: string) => labelledIn(s, publicationId);

  it('converges a publish killed between writes: objects removed, record failed, model publishable again', async () => {
    crashAt = 6; // vLLM: 5 objects concurrently, then the route — killed before the route
    void s.publishing.publish(
      s.model('vllm-qwen'),
      { rateLimits: { requestsPerMinute: 10 } },
      op,
    );
    await until(() => writes >= crashAt, 'the publish reaches the route');
    const stuck = await s.publications.findLive(
      'local',
      NAMESPACE,
      'vllm-qwen',
    );
    expect(stuck?.status).toBe('publishing');
    // The five objects before the route are written concurrently: the last ones may still be in flight.
    await until(
      () => labelled(stuck!.id).length >= 5,
      'the five objects before the route',
    );
    expect(labelled(stuck!.id)).toHaveLength(5);
    // Alive (its heartbeat renews the lease): nobody takes it over.
    expect((await s.reconciler.run()).converged).toEqual([]);

    const report = await s.reconciler.run(s.crash());
    expect(report.converged).toEqual([
      { id: stuck!.id, from: 'publishing', to: 'failed' },
    ]);
    expect(labelled()).toEqual([]);
    expect((await s.publications.get(stuck!.id))?.status).toBe('failed');
    crashAt = 0;
    const again = await s.publishing.publish(
      s.model('vllm-qwen'),
      { rateLimits: { requestsPerMinute: 10 } },
      op,
    );
    expect(again.publication.status).toBe('published');
  });

  it('converges an unpublish killed mid-way, and an update killed mid-way back to the recorded configuration', async () => {
    const { publication } = await s.publishing.publish(
      s.model('sklearn-iris'),
      { rateLimits: { requestsPerMinute: 10 } },
      op,
    );
    const before = labelled(publication.id);
    crashAt = writes + 2; // one policy replaced, the process dies before the other and the route
    void s.publishing.update(
      s.model('sklearn-iris'),
      { rateLimits: { requestsPerMinute: 99 } },
      op,
    );
    await until(() => writes >= crashAt, 'the kill point');
    expect((await s.publications.get(publication.id))?.status).toBe('updating');
    crashAt = 0;
    const r1 = await s.reconciler.run(s.crash());
    expect(r1.converged).toEqual([
      { id: publication.id, from: 'updating', to: 'published' },
    ]);
    const btp = s.emulator.api.get(
      (s.emulator.api as any).registry.forKind(
        'gateway.envoyproxy.io/v1alpha1',
        'BackendTrafficPolicy',
      ),
      NAMESPACE,
      'sklearn-iris-mp',
    );
    expect(JSON.stringify(btp.spec)).toContain('"requests":10');
    expect(labelled(publication.id)).toEqual(before);

    crashAt = writes + 2; // route deleted, then killed
    void s.publishing.unpublish(s.model('sklearn-iris'), op);
    await until(() => writes >= crashAt, 'the kill point');
    expect((await s.publications.get(publication.id))?.status).toBe(
      'unpublishing',
    );
    crashAt = 0;
    const r2 = await s.reconciler.run(s.crash());
    expect(r2.converged).toEqual([
      { id: publication.id, from: 'unpublishing', to: 'unpublished' },
    ]);
    expect(labelled()).toEqual([]);
  });

  it('marks a publication degraded when an owned object is removed or changed out of band, and repairs it', async () => {
    const { publication } = await s.publishing.publish(
      s.model('xgboost-iris'),
      { rateLimits: { requestsPerMinute: 10 } },
      op,
    );
    expect((await s.reconciler.run()).degraded).toEqual([]);

    const spType = (s.emulator.api as any).registry.forKind(
      'gateway.envoyproxy.io/v1alpha1',
      'SecurityPolicy',
    );
    s.emulator.api.delete(spType, NAMESPACE, 'xgboost-iris-mp');
    const report = await s.reconciler.run();
    expect(report.degraded).toEqual([
      {
        id: publication.id,
        reason: expect.stringContaining(
          'SecurityPolicy models/xgboost-iris-mp is missing',
        ),
      },
    ]);
    expect((await s.publications.get(publication.id))?.status).toBe('degraded');

    // An update (or the reconciler with repair on) re-applies; the next run sees it healthy again.
    await s.publishing.reapply(publication.id);
    expect((await s.publications.get(publication.id))?.status).toBe(
      'published',
    );

    const routeType = (s.emulator.api as any).registry.forKind(
      'gateway.networking.k8s.io/v1',
      'HTTPRoute',
    );
    const route = s.emulator.api.get(routeType, NAMESPACE, 'xgboost-iris-mp');
    route.spec.rules[0].matches[0].path.value = '/somewhere-else';
    s.emulator.api.update(routeType, NAMESPACE, 'xgboost-iris-mp', route);
    const changed = await s.reconciler.run();
    expect(changed.degraded[0].reason).toContain(
      'HTTPRoute models/xgboost-iris-mp was changed outside the portal',
    );
  });

  it('checks drift from one list per kind per pass, with live reads only for the publication that differs', async () => {
    const published = [];
    for (const name of ['sklearn-iris', 'xgboost-iris', 'vllm-qwen']) {
      published.push(
        (
          await s.publishing.publish(
            s.model(name),
            { rateLimits: { requestsPerMinute: 10 } },
            op,
          )
        ).publication,
      );
    }
    await s.reconciler.run(); // warm: API discovery is cached per group version after the first call
    const isDiscovery = (path: string) =>
      /^\/api(\/[^/]+)?$|^\/apis(\/[^/]+){0,2}$/.test(path);
    const namedReads = () =>
      s.emulator.requests.filter(
        r =>
          r.method === 'GET' &&
          !isDiscovery(r.path) &&
          /\/namespaces\/[^/]+\/[^/]+\/[^/]+$/.test(r.path),
      );
    const lists = () =>
      s.emulator.requests.filter(
        r =>
          r.method === 'GET' &&
          !isDiscovery(r.path) &&
          !namedReads().includes(r),
      );

    s.emulator.requests.length = 0;
    expect((await s.reconciler.run()).degraded).toEqual([]);
    expect(namedReads()).toEqual([]);
    // The labelled kinds by label, the models and runtimes: each listed once, cluster-wide.
    const listed = lists().map(r => r.path);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(
      expect.arrayContaining([
        '/api/v1/secrets',
        '/apis/serving.kserve.io/v1beta1/inferenceservices',
      ]),
    );
    expect(listed.every(p => !p.includes('/namespaces/'))).toBe(true);
    for (const r of lists().filter(l =>
      MANAGED_KINDS.some(k => l.path.endsWith(`/${k.kind.toLowerCase()}s`)),
    )) {
      expect(decodeURIComponent(r.query)).toContain(
        `labelSelector=${LABEL_MANAGED_BY}=${MANAGED_BY_VALUE}`,
      );
    }

    // One object changed out of band: only that publication is read live (to confirm), no other.
    const spType = (s.emulator.api as any).registry.forKind(
      'gateway.envoyproxy.io/v1alpha1',
      'SecurityPolicy',
    );
    s.emulator.api.delete(spType, NAMESPACE, 'xgboost-iris-mp');
    s.emulator.requests.length = 0;
    const report = await s.reconciler.run();
    expect(report.degraded).toEqual([
      {
        id: published[1].id,
        reason: expect.stringContaining(
          'SecurityPolicy models/xgboost-iris-mp is missing',
        ),
      },
    ]);
    const reads = namedReads().map(r => r.path);
    expect(reads.filter(p => p.includes('xgboost-iris'))).not.toEqual([]);
    // The others' objects and models are never read by name (a runtime the confirmation reads may be).
    expect(reads.filter(p => /sklearn-iris|vllm-qwen/.test(p))).toEqual([]);
  });

  it('does not wait for guide builds, and an aborted signal ends the pass between publications', async () => {
    for (const name of ['sklearn-iris', 'xgboost-iris'])
      await s.publishing.publish(
        s.model(name),
        { rateLimits: { requestsPerMinute: 10 } },
        op,
      );
    const ensured: string[] = [];
    const reconciler = new Reconciler({
      clusters: s.clusters,
      publications: s.publications,
      publishing: s.publishing,
      logger: { warn: jest.fn(), info: jest.fn() } as any,
      leases: { holder: 'test', token: 'test' },
      // A build that never finishes (a slow mkdocs): the pass must still end.
      guides: {
        ensure: async p => {
          ensured.push(p.name);
          await never();
        },
      },
    });
    const report = await reconciler.run();
    expect(report.errors).toEqual([]);
    expect(ensured.sort()).toEqual(['sklearn-iris', 'xgboost-iris']);

    const aborted = new AbortController();
    aborted.abort();
    ensured.length = 0;
    await reconciler.run(new Date(), aborted.signal);
    expect(ensured).toEqual([]);
  });

  it('deletes labelled orphans of publications that are not live, and leaves others alone', async () => {
    const { publication } = await s.publishing.publish(
      s.model('sklearn-iris'),
      { rateLimits: { requestsPerMinute: 10 } },
      op,
    );
    const secretType = (s.emulator.api as any).registry.forKind('v1', 'Secret');
    s.emulator.api.create(secretType, NAMESPACE, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'leftover-mp-keys',
        namespace: NAMESPACE,
        labels: {
          [LABEL_MANAGED_BY]: MANAGED_BY_VALUE,
          [LABEL_PUBLICATION]: 'dead-publication',
        },
      },
    });
    s.emulator.api.create(secretType, NAMESPACE, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'not-ours', namespace: NAMESPACE },
    });
    const report = await s.reconciler.run();
    expect(report.orphansDeleted).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: NAMESPACE,
        name: 'leftover-mp-keys',
      },
    ]);
    expect(s.emulator.api.get(secretType, NAMESPACE, 'not-ours')).toBeDefined();
    expect(labelled(publication.id)).toHaveLength(4);
  });
});

describe('reconciler with the key service', () => {
  let db: Knex;
  let s: Awaited<ReturnType<typeof startServices>>;
  let crashAt = 0;
  let writes = 0;

  beforeEach(async () => {
    db = await databases.init('SQLITE_3');
    writes = 0;
    crashAt = 0;
    s = await startServices(db, {
      beforeClusterWrite: async () => {
        writes++;
        if (crashAt && writes === crashAt) await never();
      },
    });
  });
  afterEach(async () => {
    await s.emulator.close();
  });

  it('discards the first key of a publish it rolls back: revoked and removed, audited', async () => {
    crashAt = 4; // sklearn: Secret (with the key), SecurityPolicy, BackendTrafficPolicy, then killed before the route
    void s.publishing.publish(
      s.model('sklearn-iris'),
      { rateLimits: { requestsPerMinute: 10 }, firstKey: { name: 'app' } },
      op,
    );
    await until(() => writes >= crashAt, 'the publish reaches the route');
    const stuck = await s.publications.findLive(
      'local',
      NAMESPACE,
      'sklearn-iris',
    );
    expect(stuck?.status).toBe('publishing');
    const [issued] = await db('api_keys').where({ publication_id: stuck!.id });
    expect(issued).toMatchObject({ revoked_at: null, removed_at: null });

    const report = await s.reconciler.run(s.crash());
    expect(report.converged).toEqual([
      { id: stuck!.id, from: 'publishing', to: 'failed' },
    ]);
    const [after] = await db('api_keys').where({ publication_id: stuck!.id });
    expect(after.revoked_at).not.toBeNull();
    expect(after.removed_at).not.toBeNull();
    const audit = await db('audit_log').where({
      publication_id: stuck!.id,
      action: 'key.revoke',
    });
    expect(audit).toEqual([
      expect.objectContaining({
        key_id: issued.id,
        actor: 'system:model-publishing-reconciler',
        outcome: 'succeeded',
      }),
    ]);
  });
});
