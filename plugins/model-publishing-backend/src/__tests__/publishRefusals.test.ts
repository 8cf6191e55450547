import {
  auth,
  API,
  byModel,
  byEntity,
  validBody,
  useGuardedHarness,
} from '../__testUtils__/routeCases';

jest.setTimeout(120_000);

describe('model routes: models that cannot be published or changed', () => {
  const h = useGuardedHarness();

  it('404 when the entity exists but its InferenceService does not', async () => {
    const res = await h.request.get(byModel('missing-isvc')).set(auth);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain(
      'InferenceService models/missing-isvc not found',
    );
  });

  it('409 with the Ready condition message for a model that is not ready', async () => {
    const res = await h.request
      .post(`${byModel('not-ready')}/publication`)
      .set(auth)
      .send(validBody);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('insufficient nvidia.com/gpu');
    expect(h.clusterWrites()).toEqual([]);
  });

  it('422 naming the field for token limits on a predictive model', async () => {
    const res = await h.request
      .post(`${byModel('sklearn-iris')}/publication`)
      .set(auth)
      .send({ rateLimits: { tokensPerMinute: 1000 } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ name: 'UnprocessableError' });
    expect(res.body.error.message).toContain('rateLimits.tokensPerMinute');
    expect(h.clusterWrites()).toEqual([]);
  });

  it('dry run returns the objects without writing anything', async () => {
    const res = await h.request
      .post(`${byEntity('vllm-qwen')}/publication/dry-run`)
      .set(auth)
      .send({ ...validBody, firstKey: { name: 'x' } });
    expect(res.status).toBe(200);
    expect(res.body.objects.map((o: any) => o.kind)).toEqual([
      'Secret',
      'Backend',
      'AIServiceBackend',
      'SecurityPolicy',
      'BackendTrafficPolicy',
      'AIGatewayRoute',
    ]);
    expect(h.clusterWrites()).toEqual([]);
  });

  it.each([
    ['publish', '/publication'],
    ['dry run', '/publication/dry-run'],
  ])(
    '%s: 400 for a first key that expired already, before any record or cluster write',
    async (_label, suffix) => {
      const res = await h.request
        .post(`${byModel('sklearn-iris')}${suffix}`)
        .set(auth)
        .send({
          ...validBody,
          firstKey: { name: 'app', expiresAt: '2020-01-01T00:00:00Z' },
        });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        name: 'InputError',
        message: 'firstKey.expiresAt must be in the future',
      });
      expect(h.clusterWrites()).toEqual([]);
      // No publication record (not even a failed one) and no key.
      const model = await h.request.get(byModel('sklearn-iris')).set(auth);
      expect(model.status).toBe(200);
      expect(model.body.publication).toBeUndefined();
      const list = await h.request.get(`${API}/publications`).set(auth);
      expect(
        list.body.items.filter((p: any) => p.name === 'sklearn-iris'),
      ).toEqual([]);
    },
  );

  it('PUT and DELETE of an unpublished model are 404', async () => {
    expect(
      (
        await h.request
          .put(`${byModel('sklearn-iris')}/publication`)
          .set(auth)
          .send(validBody)
      ).status,
    ).toBe(404);
    expect(
      (
        await h.request
          .delete(`${byModel('sklearn-iris')}/publication`)
          .set(auth)
      ).status,
    ).toBe(404);
    expect(
      (
        await h.request
          .get(`${byModel('sklearn-iris')}/publication/guide`)
          .set(auth)
      ).status,
    ).toBe(404);
  });

  it("update's dry run (mode=update): the planned objects beside those the current settings build, no key value, nothing written, publication.update", async () => {
    const url = `${byModel('xgboost-iris')}/publication`;
    const published = await h.request
      .post(url)
      .set(auth)
      .send({ ...validBody, firstKey: { name: 'app' } });
    expect(published.status).toBe(201);
    const secret: string = published.body.key.secret;
    const writes = h.clusterWrites().length;
    try {
      const res = await h.request
        .post(`${url}/dry-run?mode=update`)
        .set(auth)
        .send({ rateLimits: { requestsPerMinute: 5, requestsPerDay: 100 } });
      expect(res.status).toBe(200);
      expect(res.body.current.map((o: any) => o.kind)).toEqual(
        res.body.objects.map((o: any) => o.kind),
      );
      const policy = (list: any[]) =>
        JSON.stringify(list.find(o => o.kind === 'BackendTrafficPolicy'));
      expect(policy(res.body.current)).toContain('"requests":60');
      expect(policy(res.body.objects)).toContain('"requests":5');
      expect(policy(res.body.objects)).toContain('"requests":100');
      expect(Array.isArray(res.body.notes)).toBe(true);
      // The live key is in both Secrets by client id, never by value.
      expect(res.text).not.toContain(secret);
      expect(res.text).not.toContain(Buffer.from(secret).toString('base64'));
      expect(h.clusterWrites()).toHaveLength(writes);
      // Asked by whoever may update; a publish's dry run of a published model stays publication.create.
      h.allowed.delete('model-publishing.publication.update');
      const denied = await h.request
        .post(`${url}/dry-run?mode=update`)
        .set(auth)
        .send(validBody);
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain('publication.update');
    } finally {
      h.allowed.add('model-publishing.publication.update');
      await h.request.delete(url).set(auth);
    }
    // Nothing published: nothing to update.
    expect(
      (
        await h.request
          .post(`${url}/dry-run?mode=update`)
          .set(auth)
          .send(validBody)
      ).status,
    ).toBe(404);
  });
});
