import request from 'supertest';
import { dumpAllTables } from '../keys/__testUtils__/db';
import { BASE, useKeyRoutes, user } from './__testUtils__/keyRoutes';

describe('key routes: refusals (401, 403, 400, 404, 409), each changing nothing', () => {
  const t = useKeyRoutes();

  describe.each([
    ['GET', BASE, 'model-publishing.usage.read', undefined],
    ['POST', BASE, 'model-publishing.key.create', { name: 'x' }],
    ['POST', `${BASE}/k1/rotate`, 'model-publishing.key.rotate', {}],
    ['DELETE', `${BASE}/k1`, 'model-publishing.key.revoke', undefined],
    [
      'PATCH',
      `${BASE}/k1`,
      'model-publishing.key.create',
      { description: 'x' },
    ],
  ] as const)('%s %s', (method, path, permission, body) => {
    const send = (
      auth?: string,
      payload: object | undefined = body,
      url: string = path,
    ) => {
      let r = request(t.app)[
        method.toLowerCase() as 'get' | 'post' | 'delete' | 'patch'
      ](url);
      if (auth) r = r.set('Authorization', auth);
      return payload ? r.send(payload) : r;
    };

    it('401 without credentials', async () => {
      const res = await send();
      expect(res.status).toBe(401);
      expect(res.body.error.name).toBe('AuthenticationError');
    });

    it(`403 without ${permission}, audited as denied, changing nothing`, async () => {
      t.allowed.delete(permission);
      const before = await dumpAllTables(t.db);
      const res = await send(user);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain(permission);
      const denied = await t.db('audit_log').where({ outcome: 'denied' });
      expect(denied).toHaveLength(1);
      expect(JSON.parse(before).api_keys).toEqual(await t.db('api_keys'));
      expect(t.secrets.writes).toBe(0);
    });

    it('404 for a model without a catalog entity or without a publication', async () => {
      const other = path.replace('/ml/fraud/', '/ml/other/');
      expect((await send(user, body, other)).status).toBe(404);
      await t.publications.update('pub-1', { status: 'unpublished' });
      await t.db('publications').update({ cluster: 'elsewhere' });
      const res = await send(user);
      expect(res.status).toBe(404);
      expect(res.body.error.name).toBe('NotFoundError');
    });
  });

  it('400 naming the field for bad create and rotate bodies, changing nothing', async () => {
    const bad = [
      [BASE, { name: '' }, /name/],
      [BASE, { name: 'ok', expiresAt: 'tomorrow' }, /expiresAt/],
      [
        BASE,
        { name: 'ok', rateLimits: { requestsPerMinute: -1 } },
        /requestsPerMinute/,
      ],
      [BASE, { name: 'ok', extra: true }, /extra/],
      [`${BASE}/k1/rotate`, { gracePeriodHours: 1, later: true }, /later/],
      [BASE, { name: '-bad name' }, /name/],
      [`${BASE}/k1/rotate`, { gracePeriodHours: -1 }, /gracePeriodHours/],
      [`${BASE}/k1/rotate`, { gracePeriodHours: 'soon' }, /gracePeriodHours/],
    ] as const;
    for (const [url, payload, field] of bad) {
      const res = await request(t.app)
        .post(url)
        .set('Authorization', user)
        .send(payload);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(field);
    }
    expect(await t.db('api_keys')).toEqual([]);
    expect(t.secrets.writes).toBe(0);
  });

  it('404 for an unknown key id; 409 for rotating a revoked key', async () => {
    expect(
      (await request(t.app).delete(`${BASE}/nope`).set('Authorization', user))
        .status,
    ).toBe(404);
    expect(
      (
        await request(t.app)
          .post(`${BASE}/nope/rotate`)
          .set('Authorization', user)
          .send({})
      ).status,
    ).toBe(404);
    const created = await request(t.app)
      .post(BASE)
      .set('Authorization', user)
      .send({ name: 'a' });
    await request(t.app)
      .delete(`${BASE}/${created.body.key.id}`)
      .set('Authorization', user);
    const res = await request(t.app)
      .post(`${BASE}/${created.body.key.id}/rotate`)
      .set('Authorization', user)
      .send({});
    expect(res.status).toBe(409);
  });
});
