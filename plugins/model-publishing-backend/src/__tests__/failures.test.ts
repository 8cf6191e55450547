import { mockCredentials } from '@backstage/backend-test-utils';
import { LABEL_PUBLICATION } from '@model-publishing/plugin-model-publishing-common';
import {
  NAMESPACE,
  PluginHarness,
  startPluginHarness,
} from '../__testUtils__/harness';
import { MANAGED_KINDS } from '../publishing/objects';

jest.setTimeout(300_000);

const auth = {
  Authorization: mockCredentials.user.header('user:default/alice'),
};
const API = '/api/model-publishing';
const at = (name: string) => `${API}/models/default/${NAMESPACE}/${name}`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Write {
  method: string;
  path: string;
}

/** Every object we manage in the namespace, with what matters for "as before": spec/data and labels. */
function clusterState(h: PluginHarness) {
  const state: Record<string, unknown> = {};
  for (const { apiVersion, kind } of MANAGED_KINDS) {
    const type = (h.emulator.api as any).registry.forKind(apiVersion, kind);
    for (const o of h.emulator.api.list(type, NAMESPACE, {}).items) {
      if (kind === 'Secret' && !o.metadata.labels?.[LABEL_PUBLICATION])
        continue;
      state[`${kind}/${o.metadata.name}`] = {
        spec: o.spec,
        data: o.data,
        labels: o.metadata.labels,
      };
    }
  }
  return state;
}

async function dbState(h: PluginHarness, name: string) {
  const res = await h.request.get(at(name)).set(auth);
  const p = res.body.publication;
  const live =
    p && !['failed', 'unpublished'].includes(p.status) ? p : undefined;
  return live
    ? {
        id: live.id,
        status: live.status,
        config: live.config,
        objects: live.objects,
      }
    : undefined;
}

/** Runs `action` once cleanly (then `reset`) to learn its cluster writes, in the order they were sent. */
async function learnWrites(
  h: PluginHarness,
  action: () => Promise<unknown>,
): Promise<Write[]> {
  h.emulator.requests.length = 0;
  await action();
  return h.emulator.requests
    .filter(r => r.method !== 'GET')
    .map(r => ({ method: r.method, path: r.path }));
}

describe.each([
  [
    'sklearn-iris',
    { rateLimits: { requestsPerMinute: 60 } },
    { rateLimits: { requestsPerMinute: 120, requestsPerDay: 10000 } },
  ],
  [
    'vllm-qwen',
    { rateLimits: { requestsPerMinute: 60 }, firstKey: { name: 'app' } },
    { rateLimits: { requestsPerMinute: 30, tokensPerHour: 50000 } },
  ],
])('failure at every cluster write: %s', (name, publishBody, updateBody) => {
  let h: PluginHarness;
  beforeAll(async () => {
    h = await startPluginHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });
  afterEach(() => h.emulator.faults.clear());

  const publish = () =>
    h.request
      .post(`${at(name)}/publication`)
      .set(auth)
      .send(publishBody);
  const update = () =>
    h.request
      .put(`${at(name)}/publication`)
      .set(auth)
      .send(updateBody);
  const unpublish = () => h.request.delete(`${at(name)}/publication`).set(auth);

  it('publish: each failed write leaves cluster and database as before', async () => {
    const writes = await learnWrites(h, async () =>
      expect((await publish()).status).toBe(201),
    );
    expect((await unpublish()).status).toBe(200);
    expect(writes.length).toBeGreaterThanOrEqual(4);
    for (const [i, w] of writes.entries()) {
      const cluster = clusterState(h);
      const db = await dbState(h, name);
      h.emulator.faults.failNth({
        n: 1,
        method: w.method,
        pathPattern: new RegExp(`^${escape(w.path)}$`),
        status: 500,
        message: `injected at write ${i + 1}`,
      });
      const res = await publish();
      h.emulator.faults.clear();
      // A cluster 5xx is 'unavailable, retry' (issue 14, finding 6): 503 with Retry-After.
      expect({
        write: i + 1,
        status: res.status,
        retryAfter: res.headers['retry-after'],
      }).toEqual({
        write: i + 1,
        status: 503,
        retryAfter: expect.any(String),
      });
      expect(clusterState(h)).toEqual(cluster);
      expect(await dbState(h, name)).toEqual(db);
      const got = await h.request.get(at(name)).set(auth);
      expect(got.body.publication).toMatchObject({
        status: 'failed',
        statusReason: expect.stringContaining(`injected at write ${i + 1}`),
      });
    }
  });

  it('update: each failed write restores the previous objects and record', async () => {
    expect((await publish()).status).toBe(201);
    const writes = await learnWrites(h, async () =>
      expect((await update()).status).toBe(200),
    );
    // Back to the published configuration, then fail each write of the same update.
    expect(
      (
        await h.request
          .put(`${at(name)}/publication`)
          .set(auth)
          .send({ rateLimits: publishBody.rateLimits })
      ).status,
    ).toBe(200);
    expect(writes.length).toBeGreaterThanOrEqual(3);
    // No interruption: the update applies objects in place (server-side apply, a PATCH) and never deletes
    // (or recreates) the route.
    expect(writes.filter(w => w.method !== 'PATCH')).toEqual([]);
    for (const [i, w] of writes.entries()) {
      const cluster = clusterState(h);
      const db = await dbState(h, name);
      h.emulator.faults.failNth({
        n: 1,
        method: w.method,
        pathPattern: new RegExp(`^${escape(w.path)}$`),
        status: 500,
        message: `injected at write ${i + 1}`,
      });
      const res = await update();
      h.emulator.faults.clear();
      // A cluster 5xx is 'unavailable, retry' (issue 14, finding 6): 503 with Retry-After.
      expect({
        write: i + 1,
        status: res.status,
        retryAfter: res.headers['retry-after'],
      }).toEqual({
        write: i + 1,
        status: 503,
        retryAfter: expect.any(String),
      });
      expect(clusterState(h)).toEqual(cluster);
      expect(await dbState(h, name)).toEqual(db);
    }
    expect((await unpublish()).status).toBe(200);
  });

  it('unpublish: each failed write leaves every object in place and the publication live', async () => {
    expect((await publish()).status).toBe(201);
    const cluster = clusterState(h);
    const db = await dbState(h, name);
    // Learn the writes on a throwaway copy: unpublish, then publish again.
    const writes = await learnWrites(h, async () =>
      expect((await unpublish()).status).toBe(200),
    );
    expect(writes.every(w => w.method === 'DELETE')).toBe(true);
    expect((await publish()).status).toBe(201);
    for (const [i, w] of writes.entries()) {
      const before = clusterState(h);
      const dbBefore = await dbState(h, name);
      h.emulator.faults.failNth({
        n: 1,
        method: w.method,
        pathPattern: new RegExp(`^${escape(w.path)}$`),
        status: 500,
        message: `injected at write ${i + 1}`,
      });
      const res = await unpublish();
      h.emulator.faults.clear();
      // A cluster 5xx is 'unavailable, retry' (issue 14, finding 6): 503 with Retry-After.
      expect({
        write: i + 1,
        status: res.status,
        retryAfter: res.headers['retry-after'],
      }).toEqual({
        write: i + 1,
        status: 503,
        retryAfter: expect.any(String),
      });
      expect(Object.keys(clusterState(h)).sort()).toEqual(
        Object.keys(before).sort(),
      );
      expect(clusterState(h)).toEqual(before);
      expect(await dbState(h, name)).toEqual(dbBefore);
    }
    expect(Object.keys(cluster).length).toBe(writes.length);
    void db;
    expect((await unpublish()).status).toBe(200);
  });
});
