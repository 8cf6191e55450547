import request from 'supertest';
import { dumpAllTables } from '../keys/__testUtils__/db';
import {
  BASE,
  ENTITY_BASE,
  TARGET,
  useKeyRoutes,
  user,
} from './__testUtils__/keyRoutes';

describe('key routes: issuing, rotating, revoking and changing keys', () => {
  const t = useKeyRoutes();

  it('issues a key exactly once: only the create response carries it', async () => {
    const bodies: string[] = [];
    const created = await request(t.app)
      .post(BASE)
      .set('Authorization', user)
      .send({ name: 'frontend' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^mpk_[0-9A-Za-z]{38}$/);
    bodies.push(created.text);
    const keyId = created.body.key.id;

    const listed = await request(t.app).get(BASE).set('Authorization', user);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        id: keyId,
        prefix: secret.slice(0, 8),
        status: 'active',
      }),
    ]);
    bodies.push(listed.text);
    bodies.push(
      (await request(t.app).get(ENTITY_BASE).set('Authorization', user)).text,
    );
    bodies.push(
      (
        await request(t.app)
          .post(BASE)
          .set('Authorization', user)
          .send({ name: 'frontend' })
      ).text,
    ); // 409
    const rotated = await request(t.app)
      .post(`${BASE}/${keyId}/rotate`)
      .set('Authorization', user)
      .send({ gracePeriodHours: 1 });
    expect(rotated.status).toBe(201);
    expect(rotated.body.previous).toMatchObject({ id: keyId, status: 'grace' });
    bodies.push(rotated.text);
    bodies.push(
      (
        await request(t.app)
          .post(`${BASE}/${keyId}/rotate`)
          .set('Authorization', user)
          .send({})
      ).text,
    ); // 409
    const revoked = await request(t.app)
      .delete(`${BASE}/${keyId}`)
      .set('Authorization', user);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: keyId, status: 'revoked' });
    bodies.push(revoked.text);
    bodies.push(
      (await request(t.app).get(BASE).set('Authorization', user)).text,
    );

    expect(bodies.filter(b => b.includes(secret))).toEqual([created.text]);
    const newSecret: string = rotated.body.secret;
    expect(bodies.filter(b => b.includes(newSecret))).toEqual([rotated.text]);
    const everything = [
      t.logger.lines.join('\n'),
      t.auditor.events.join('\n'),
      await dumpAllTables(t.db),
    ].join('\n');
    for (const s of [secret, newSecret]) {
      expect(
        everything.includes(s) ||
          everything.includes(Buffer.from(s).toString('base64')),
      ).toBe(false);
    }
    expect(t.secrets.keys(TARGET)).toEqual({
      [rotated.body.key.clientId]: newSecret,
    });
  });

  it("changes a key's description and its own limits (audited), refuses what the route cannot enforce, and leaves a revoked key alone", async () => {
    const created = await request(t.app)
      .post(BASE)
      .set('Authorization', user)
      .send({ name: 'batch', description: 'nightly scoring job' });
    expect(created.status).toBe(201);
    expect(created.body.key.description).toBe('nightly scoring job');
    const keyId = created.body.key.id;
    const writesBefore = t.secrets.writes;

    const changed = await request(t.app)
      .patch(`${BASE}/${keyId}`)
      .set('Authorization', user)
      .send({
        description: 'scoring job (prod)',
        rateLimits: { requestsPerMinute: 5 },
      });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      id: keyId,
      description: 'scoring job (prod)',
      rateLimits: { requestsPerMinute: 5 },
      status: 'active',
    });
    expect(changed.text).not.toContain(created.body.secret);
    // Changing limits never touches the Secret (the key itself is unchanged).
    expect(t.secrets.writes).toBe(writesBefore);
    const listed = await request(t.app).get(BASE).set('Authorization', user);
    expect(listed.body.items[0]).toMatchObject({
      description: 'scoring job (prod)',
      rateLimits: { requestsPerMinute: 5 },
    });
    const audited = await t.db('audit_log').where({
      action: 'key.update',
      outcome: 'succeeded',
    });
    expect(audited).toHaveLength(1);

    // Token limits on a predictive model: 400 naming the field, nothing changed.
    const tokens = await request(t.app)
      .patch(`${BASE}/${keyId}`)
      .set('Authorization', user)
      .send({ rateLimits: { tokensPerMinute: 100 } });
    expect(tokens.status).toBe(400);
    expect(tokens.body.error.message).toMatch(/tokensPerMinute/);
    const unknown = await request(t.app)
      .patch(`${BASE}/${keyId}`)
      .set('Authorization', user)
      .send({ name: 'renamed' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/name/);

    // {} clears the key's own limits: it uses the publication's again.
    const cleared = await request(t.app)
      .patch(`${BASE}/${keyId}`)
      .set('Authorization', user)
      .send({ rateLimits: {}, description: '' });
    expect(cleared.status).toBe(200);
    expect(cleared.body.rateLimits).toBeUndefined();
    expect(cleared.body.description).toBeUndefined();

    await request(t.app).delete(`${BASE}/${keyId}`).set('Authorization', user);
    const late = await request(t.app)
      .patch(`${BASE}/${keyId}`)
      .set('Authorization', user)
      .send({ description: 'too late' });
    expect(late.status).toBe(409);
    expect(
      (
        await request(t.app)
          .patch(`${BASE}/nope`)
          .set('Authorization', user)
          .send({ description: 'x' })
      ).status,
    ).toBe(404);
  });

  it('a rotation keeps the description', async () => {
    const created = await request(t.app)
      .post(BASE)
      .set('Authorization', user)
      .send({ name: 'web', description: 'the storefront' });
    const rotated = await request(t.app)
      .post(`${BASE}/${created.body.key.id}/rotate`)
      .set('Authorization', user)
      .send({ gracePeriodHours: 1 });
    expect(rotated.body.key.description).toBe('the storefront');
  });
});
