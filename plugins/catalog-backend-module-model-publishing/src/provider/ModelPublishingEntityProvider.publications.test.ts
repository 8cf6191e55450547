import { openapiFor, publication } from '../__fixtures__/publications';
import { GUIDE_RETRY_MS } from './PublishedApis';
import { expectValidEntity } from '../__fixtures__/entityValidation';
import { connectBoth, setup, snap } from './__testUtils__/providerSetup';

describe('ModelPublishingEntityProvider: API entities from publications', () => {
  it('emits an API entity per live publication and links it from the Component', async () => {
    const s = setup({
      cluster: () => snap(),
      publications: () => [
        publication(),
        publication({
          id: 'pub-2',
          name: 'xgboost-iris',
          status: 'unpublished',
        }),
        publication({ id: 'pub-3', name: 'xgboost-iris', status: 'failed' }),
        publication({
          id: 'pub-4',
          cluster: 'elsewhere',
          name: 'xgboost-iris',
        }),
        publication({
          id: 'pub-5',
          cluster: 'local',
          namespace: 'gone',
          name: 'deleted-model',
        }),
        publication({
          id: 'pub-6',
          cluster: 'default',
          namespace: 'genai',
          name: 'llama-3',
          modelKind: 'openai',
          status: 'degraded',
        }),
      ],
    });
    await connectBoth(s);
    await expect(s.provider.run()).resolves.toEqual({ components: 3, apis: 2 });

    const apis = s.apis.last();
    expect(apis.map(a => a.metadata.name)).toEqual([
      'sklearn-iris-api',
      'llama-3-api',
    ]);
    const api = apis[0];
    expect(api).toMatchObject({
      kind: 'API',
      metadata: {
        namespace: 'default',
        annotations: {
          'model-publishing/publication-id': 'pub-1',
          'model-publishing/published-model': 'local/fraud/sklearn-iris',
          'backstage.io/managed-by-location': 'model-publishing:local',
        },
        links: [
          {
            url: 'https://models.example.com/models/fraud/sklearn-iris',
            title: 'KServe v1 predict',
          },
        ],
      },
      spec: {
        type: 'openapi',
        lifecycle: 'production',
        owner: 'group:default/ml-platform',
      },
    });
    // Only the Component resolves to the model, so the backend never finds two entities for it.
    expect(
      api.metadata.annotations!['model-publishing/inference-service'],
    ).toBeUndefined();
    expect(JSON.parse(api.spec!.definition as string)).toEqual(
      openapiFor(publication()),
    );
    for (const entity of apis) await expectValidEntity(entity);

    const components = Object.fromEntries(
      s.components.last().map(c => [c.metadata.name, c]),
    );
    expect(components['sklearn-iris'].spec!.providesApis).toEqual([
      'sklearn-iris-api',
    ]);
    expect(components['llama-3'].spec!.providesApis).toEqual(['llama-3-api']);
    expect(components['xgboost-iris'].spec!.providesApis).toBeUndefined();
  });

  it("names the publication's consumer entities on its API entity, keeping the last list when the backend fails", async () => {
    const s = setup({
      cluster: () => snap(),
      publications: () => [publication()],
    });
    const consumers = jest
      .fn<Promise<Map<string, string[]>>, []>()
      .mockResolvedValueOnce(
        new Map([['pub-1', ['component:default/paul-scoring-app']]]),
      )
      .mockRejectedValueOnce(new Error('503'));
    s.source.listConsumerEntities = consumers;
    await connectBoth(s);
    for (let run = 0; run < 2; run++) {
      await s.provider.run();
      expect(
        s.apis
          .last()
          .map(a => a.metadata.annotations?.['model-publishing/consumers']),
      ).toEqual(['component:default/paul-scoring-app']);
      for (const entity of s.apis.last()) await expectValidEntity(entity);
    }
  });

  it('removes the API entity when the model is unpublished', async () => {
    let pubs = [publication()];
    const s = setup({ cluster: () => snap(), publications: () => pubs });
    await connectBoth(s);
    await s.provider.run();
    expect(s.apis.names()).toEqual(['sklearn-iris-api']);
    pubs = [publication({ status: 'unpublished' })];
    await s.provider.run();
    expect(s.apis.names()).toEqual([]);
    expect(
      s.components.last().find(c => c.metadata.name === 'sklearn-iris')!.spec!
        .providesApis,
    ).toBeUndefined();
  });

  it('labels each Component published or not, so the template offers only models it can publish', async () => {
    let pubs = [publication()];
    const s = setup({ cluster: () => snap(), publications: () => pubs });
    await connectBoth(s);
    await s.provider.run();
    const published = () =>
      Object.fromEntries(
        s.components
          .last()
          .map(c => [
            c.metadata.name,
            c.metadata.labels?.['model-publishing/published'],
          ]),
      );
    expect(published()).toMatchObject({
      'sklearn-iris': 'true',
      'xgboost-iris': 'false',
    });
    pubs = [publication({ status: 'unpublished' })];
    await s.provider.run();
    expect(published()['sklearn-iris']).toBe('false');
    for (const entity of s.components.last()) await expectValidEntity(entity);
  });

  it('points the Docs tab of published models (only) at the externally built TechDocs site', async () => {
    let pubs = [publication()];
    const s = setup({ cluster: () => snap(), publications: () => pubs });
    await connectBoth(s);
    await s.provider.run();
    const byName = () =>
      Object.fromEntries(s.components.last().map(c => [c.metadata.name, c]));
    expect(byName()['sklearn-iris'].metadata.annotations).toMatchObject({
      // a url: ref (not dir:.), which TechDocs' metadata route can resolve for a provider's entity
      'backstage.io/techdocs-ref':
        'url:http://localhost:3000/catalog/default/component/sklearn-iris/publish',
      'backstage.io/techdocs-builder': 'external',
    });
    await expectValidEntity(byName()['sklearn-iris']);
    expect(
      byName()['xgboost-iris'].metadata.annotations![
        'backstage.io/techdocs-ref'
      ],
    ).toBeUndefined();

    pubs = [publication({ status: 'unpublished' })];
    await s.provider.run();
    expect(
      byName()['sklearn-iris'].metadata.annotations![
        'backstage.io/techdocs-ref'
      ],
    ).toBeUndefined();

    const off = setup({
      cluster: () => snap(),
      publications: () => [publication()],
      config: { techdocs: false },
    });
    await connectBoth(off);
    await off.provider.run();
    const sklearn = off.components
      .last()
      .find(c => c.metadata.name === 'sklearn-iris')!;
    expect(sklearn.spec!.providesApis).toEqual(['sklearn-iris-api']);
    expect(sklearn.metadata.annotations!['backstage.io/techdocs-ref']).toBe(
      undefined,
    );
  });

  it('keeps the previous API entities when the backend is unreachable, and logs a warning', async () => {
    let up = true;
    const s = setup({
      cluster: () => snap(),
      publications: () => {
        if (!up) throw new Error('connect ECONNREFUSED 127.0.0.1:7007');
        return [publication()];
      },
    });
    await connectBoth(s);
    await s.provider.run();
    up = false;
    const result = await s.provider.run();
    expect(result.publicationsError).toContain('ECONNREFUSED');
    expect(s.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('using the last known ones'),
    );
    // Still the same API entity, and the Component still provides it.
    expect(s.apis.names()).toEqual(['sklearn-iris-api']);
    expect(
      s.components.last().find(c => c.metadata.name === 'sklearn-iris')!.spec!
        .providesApis,
    ).toEqual(['sklearn-iris-api']);
  });

  it('leaves API entities untouched when the backend was never reachable, but still emits Components', async () => {
    const s = setup({
      cluster: () => snap(),
      publications: () => {
        throw new Error('model-publishing is not installed');
      },
    });
    await connectBoth(s);
    const result = await s.provider.run();
    expect(result).toMatchObject({
      components: 3,
      publicationsError: 'model-publishing is not installed',
    });
    expect(s.apis.conn.applyMutation).not.toHaveBeenCalled();
    expect(s.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('leaving API entities as they are'),
    );
    // Unknown is not "not published": the label is left off.
    for (const c of s.components.last())
      expect(c.metadata.labels).not.toHaveProperty(
        'model-publishing/published',
      );
  });

  it('fetches a guide once per publication version and falls back to a placeholder document', async () => {
    let updatedAt = '2026-11-26T10:00:00.000Z';
    let guideUp = true;
    const s = setup({
      cluster: () => snap(),
      publications: () => [publication({ updatedAt })],
      getOpenApi: async p => {
        if (!guideUp) throw new Error('500');
        return openapiFor(p);
      },
    });
    await connectBoth(s);
    await s.provider.run();
    await s.provider.run();
    expect(s.source.getOpenApi).toHaveBeenCalledTimes(1);

    // New version while the guide route fails: the last document is kept.
    updatedAt = '2026-11-26T11:00:00.000Z';
    guideUp = false;
    await s.provider.run();
    expect(s.source.getOpenApi).toHaveBeenCalledTimes(2);
    expect(
      JSON.parse(s.apis.last()[0].spec!.definition as string).info.version,
    ).toBe('2026-11-26T10:00:00.000Z');
  });

  it('uses a placeholder document when a new publication has no guide yet', async () => {
    const s = setup({
      cluster: () => snap(),
      publications: () => [publication()],
      getOpenApi: async () => {
        throw new Error('404');
      },
    });
    await connectBoth(s);
    await s.provider.run();
    const doc = JSON.parse(s.apis.last()[0].spec!.definition as string);
    expect(doc).toMatchObject({
      openapi: '3.0.3',
      servers: [
        { url: 'https://models.example.com/models/fraud/sklearn-iris' },
      ],
      paths: {},
    });
    expect(s.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('pub-1'),
    );
  });

  it('asks a failed guide again only after a while or at the next version, not on every run', async () => {
    let updatedAt = '2026-11-26T10:00:00.000Z';
    let now = Date.parse('2026-11-26T12:00:00Z');
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const s = setup({
        cluster: () => snap(),
        publications: () => [publication({ updatedAt })],
        getOpenApi: async () => {
          throw new Error('404');
        },
      });
      await connectBoth(s);
      await s.provider.run();
      await s.provider.run();
      await s.provider.run();
      expect(s.source.getOpenApi).toHaveBeenCalledTimes(1);
      // The placeholder stands in meanwhile.
      expect(
        JSON.parse(s.apis.last()[0].spec!.definition as string).paths,
      ).toEqual({});

      now += GUIDE_RETRY_MS;
      await s.provider.run();
      expect(s.source.getOpenApi).toHaveBeenCalledTimes(2);

      updatedAt = '2026-11-26T11:00:00.000Z';
      await s.provider.run();
      expect(s.source.getOpenApi).toHaveBeenCalledTimes(3);
    } finally {
      clock.mockRestore();
    }
  });

  it('asks no guide for a publication whose model is not in the cluster', async () => {
    const s = setup({
      cluster: () => snap(),
      publications: () => [
        publication(),
        publication({ id: 'pub-9', namespace: 'gone', name: 'deleted-model' }),
      ],
    });
    await connectBoth(s);
    await expect(s.provider.run()).resolves.toMatchObject({ apis: 1 });
    expect(s.source.getOpenApi).toHaveBeenCalledTimes(1);
    expect(s.source.getOpenApi).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'pub-1' }),
    );
  });
});
