import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  ingestFixture,
  useUsageRoutes,
  user,
} from './__testUtils__/usageRoutes';

describe('usage routes: costs and budgets', () => {
  const t = useUsageRoutes();

  it('shows costs per month to group members (their subtree) and admins, and lets only admins set and remove budgets', async () => {
    jest.useFakeTimers({
      now: new Date('2026-03-01T12:00:00Z'),
      doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout'],
    });
    try {
      await ingestFixture(t.app);
      const bob = mockCredentials.user.header('user:default/bob');
      const bad = await request(t.app)
        .get('/usage/chargeback?month=2026-13')
        .set('Authorization', user);
      expect(bad.status).toBe(400);

      const mine = await request(t.app)
        .get('/usage/chargeback?month=2026-03')
        .set('Authorization', user);
      expect(mine.status).toBe(200);
      expect(
        mine.body.lines.map((l: { ref: string; depth: number }) => [
          l.ref,
          l.depth,
        ]),
      ).toEqual([
        ['group:default/ml', 0],
        ['user:default/alice', 1],
      ]);
      // keyed requests served (the fixture's 401s have no key): 1 each
      expect(mine.body.total).toBeGreaterThan(0);
      const csv = await request(t.app)
        .get('/usage/chargeback.csv?month=2026-03')
        .set('Authorization', user);
      expect(csv.text.trim().split('\r\n')).toHaveLength(3);

      const others = await request(t.app)
        .get('/usage/chargeback?month=2026-03')
        .set('Authorization', bob);
      expect([others.status, others.body.lines, others.body.total]).toEqual([
        200,
        [],
        0,
      ]);

      const denied = await request(t.app)
        .put('/usage/budgets')
        .set('Authorization', user)
        .send({ consumerRef: 'group:default/ml', monthlyAmount: 100 });
      expect(denied.status).toBe(403);
      expect(await t.usage.budgets.list()).toEqual([]);

      t.allowed.add('model-publishing.costs.admin');
      const set = await request(t.app)
        .put('/usage/budgets')
        .set('Authorization', user)
        .send({ consumerRef: 'group:default/ml', monthlyAmount: 100 });
      expect([set.status, set.body.monthlyAmount]).toEqual([200, 100]);
      const invalid = await request(t.app)
        .put('/usage/budgets')
        .set('Authorization', user)
        .send({ consumerRef: 'group:default/ml', monthlyAmount: -1 });
      expect(invalid.status).toBe(400);
      const listed = await request(t.app)
        .get('/usage/budgets')
        .set('Authorization', bob);
      expect(
        listed.body.items.map((b: { consumerRef: string }) => b.consumerRef),
      ).toEqual(['group:default/ml']);

      // removing: admins only (a member of the group may not), 404 once it is gone; the ref is URL-encoded
      t.allowed.delete('model-publishing.costs.admin');
      const notAdmin = await request(t.app)
        .delete(
          `/usage/budgets?consumerRef=${encodeURIComponent(
            'group:default/ml',
          )}`,
        )
        .set('Authorization', user);
      expect(notAdmin.status).toBe(403);
      const anonymous = await request(t.app).delete(
        `/usage/budgets?consumerRef=${encodeURIComponent('group:default/ml')}`,
      );
      expect(anonymous.status).toBe(401);
      expect((await t.usage.budgets.list()).map(b => b.consumerRef)).toEqual([
        'group:default/ml',
      ]);
      t.allowed.add('model-publishing.costs.admin');
      const malformed = await request(t.app)
        .delete('/usage/budgets?consumerRef=ml')
        .set('Authorization', user);
      expect(malformed.status).toBe(400);
      const removed = await request(t.app)
        .delete(
          `/usage/budgets?consumerRef=${encodeURIComponent(
            'group:default/ml',
          )}`,
        )
        .set('Authorization', user);
      expect(removed.status).toBe(204);
      expect(await t.usage.budgets.list()).toEqual([]);
      const again = await request(t.app)
        .delete(
          `/usage/budgets?consumerRef=${encodeURIComponent(
            'group:default/ml',
          )}`,
        )
        .set('Authorization', user);
      expect(again.status).toBe(404);
    } finally {
      jest.useRealTimers();
    }
  });
});
