import { InputError, NotAllowedError } from '@backstage/errors';
import { validate } from 'jsonschema';
import { actionsFor, APP_BASE_URL, contextFor } from '../__testUtils__/harness';
import {
  startStubBackend,
  STRANGER,
  StubBackend,
} from '../__testUtils__/stubBackend';
import { mergeUpdate } from './update';

describe('mergeUpdate', () => {
  const current = {
    rateLimits: { requestsPerMinute: 60, requestsPerDay: 1000 },
    hostname: 'iris.models.example.com',
    description: 'Iris classifier',
  };

  it.each([
    [{}, current],
    [
      { rateLimits: { requestsPerHour: 500 } },
      { ...current, rateLimits: { requestsPerHour: 500 } },
    ],
    [{ description: 'New text' }, { ...current, description: 'New text' }],
    [
      { modelKind: 'v2' as const, hostname: undefined },
      { ...current, modelKind: 'v2' },
    ],
  ])('applies %j over the current settings', (input, expected) => {
    expect(mergeUpdate(current, input)).toEqual(expected);
  });

  it('never carries a first key into an update', () => {
    expect(
      mergeUpdate({ ...current, firstKey: { name: 'old' } }, {}),
    ).not.toHaveProperty('firstKey');
  });
});

describe('model-publishing:update', () => {
  let stub: StubBackend;
  beforeEach(async () => {
    stub = await startStubBackend();
    // A published model to update.
    await actionsFor(stub).publish.handler(
      contextFor({
        entityRef: 'component:default/iris',
        rateLimits: { requestsPerMinute: 60 },
        description: 'Iris',
      }).ctx,
    );
    stub.requests.length = 0;
  });
  afterEach(() => stub.close());

  it('replaces the limits, keeps the other settings and outputs the links', async () => {
    const { update } = actionsFor(stub);
    const { ctx, outputs } = contextFor({
      entityRef: 'component:default/iris',
      rateLimits: { requestsPerMinute: 120, requestsPerDay: 50000 },
    });

    await update.handler(ctx);

    expect(stub.writes()).toEqual([
      expect.objectContaining({
        method: 'PUT',
        path: '/entities/component/default/iris/publication',
        onBehalfOf: 'user:default/owner',
        body: {
          rateLimits: { requestsPerMinute: 120, requestsPerDay: 50000 },
          description: 'Iris',
        },
      }),
    ]);
    expect(
      stub.models.get('component/default/iris')!.publication.config.rateLimits,
    ).toEqual({
      requestsPerMinute: 120,
      requestsPerDay: 50000,
    });
    expect(outputs()).toEqual({
      endpointUrl: 'https://models.example.com/models/models/iris',
      publicationId: 'pub-1',
      publishTabUrl: `${APP_BASE_URL}/catalog/default/component/iris/publish`,
      guideUrl: `${APP_BASE_URL}/catalog/default/component/iris/docs`,
    });
  });

  it('fails with a clear message and changes nothing when the user may not update', async () => {
    const { update } = actionsFor(stub);
    const error = await update
      .handler(
        contextFor(
          {
            entityRef: 'component:default/iris',
            rateLimits: { requestsPerMinute: 1 },
          },
          { user: STRANGER },
        ).ctx,
      )
      .catch(e => e);

    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe(
      'You are not allowed to update the publication of component:default/iris: user:default/stranger is not an owner of component:default/iris',
    );
    expect(
      stub.models.get('component/default/iris')!.publication.config.rateLimits,
    ).toEqual({ requestsPerMinute: 60 });
  });

  it('says so when the model is not published', async () => {
    const { update } = actionsFor(stub);
    const error = await update
      .handler(contextFor({ entityRef: 'component:default/llama' }).ctx)
      .catch(e => e);
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toContain('component:default/llama is not published');
    expect(stub.writes()).toEqual([]);
  });

  describe('invalid input', () => {
    it('the input schema the scaffolder checks rejects a negative limit', () => {
      const result = validate(
        {
          entityRef: 'component:default/iris',
          rateLimits: { requestsPerDay: -1 },
        },
        actionsFor(stub).update.schema!.input!,
      );
      expect(result.errors.join(', ')).toContain(
        'instance.rateLimits.requestsPerDay',
      );
    });

    it('the handler rejects a bad limit before calling the backend', async () => {
      const { update } = actionsFor(stub);
      const error = await update
        .handler(
          contextFor({
            entityRef: 'component:default/iris',
            rateLimits: { requestsPerHour: 2.5 },
          }).ctx,
        )
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toContain('rateLimits.requestsPerHour');
      expect(stub.requests).toEqual([]);
    });
  });

  it('a dry run by a user the permission policy denies fails and changes nothing', async () => {
    const { update } = actionsFor(stub);
    const error = await update
      .handler(
        contextFor(
          { entityRef: 'component:default/iris' },
          { isDryRun: true, user: STRANGER },
        ).ctx,
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toContain(
      'You are not allowed to update the publication of component:default/iris',
    );
    expect(stub.writes()).toEqual([]);
  });

  it('in a dry run validates against the current publication and changes nothing', async () => {
    const { update } = actionsFor(stub);
    const { ctx, outputs, logText } = contextFor(
      {
        entityRef: 'component:default/iris',
        rateLimits: { requestsPerMinute: 5 },
      },
      { isDryRun: true },
    );

    await update.handler(ctx);

    expect(stub.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /entities/component/default/iris',
    ]);
    expect(
      stub.models.get('component/default/iris')!.publication.config.rateLimits,
    ).toEqual({ requestsPerMinute: 60 });
    expect(logText()).toContain('Dry run: would update publication pub-1');
    expect(outputs().publicationId).toBe('pub-1');
  });
});
