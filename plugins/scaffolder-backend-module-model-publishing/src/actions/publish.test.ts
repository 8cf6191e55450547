import { InputError, NotAllowedError } from '@backstage/errors';
import { validate } from 'jsonschema';
import { actionsFor, APP_BASE_URL, contextFor } from '../__testUtils__/harness';
import {
  FAKE_KEY,
  OWNER,
  STRANGER,
  startStubBackend,
  StubBackend,
} from '../__testUtils__/stubBackend';

describe('model-publishing:publish', () => {
  let stub: StubBackend;
  beforeEach(async () => {
    stub = await startStubBackend();
  });
  afterEach(() => stub.close());

  it('publishes as the initiating user and outputs the endpoint and links', async () => {
    const { publish } = actionsFor(stub);
    const { ctx, outputs, logText } = contextFor({
      entityRef: 'component:default/iris',
      rateLimits: { requestsPerMinute: 60, requestsPerDay: 10000 },
      keyName: 'checkout-app',
    });

    await publish.handler(ctx);

    expect(outputs()).toEqual({
      endpointUrl: 'https://models.example.com/models/models/iris',
      publicationId: 'pub-1',
      publishTabUrl: `${APP_BASE_URL}/catalog/default/component/iris/publish`,
      guideUrl: `${APP_BASE_URL}/catalog/default/component/iris/docs`,
    });
    expect(stub.writes()).toHaveLength(1);
    const [write] = stub.writes();
    expect(write).toMatchObject({
      method: 'POST',
      path: '/entities/component/default/iris/publication',
      onBehalfOf: OWNER,
    });
    // The key name is not sent as firstKey: a first key would come back raw in the response.
    expect(write.body).toEqual({
      rateLimits: { requestsPerMinute: 60, requestsPerDay: 10000 },
    });
    expect(write.authorization).toContain('"target":"model-publishing"');
    expect(logText()).toContain(
      'Create the API key \\"checkout-app\\" on the Publish tab',
    );
    expect(logText()).toContain('issued API key key-1');
  });

  it('defaults kind and namespace of a short entity ref', async () => {
    const { publish } = actionsFor(stub);
    const { ctx, outputs } = contextFor({
      entityRef: 'llama',
      rateLimits: { tokensPerMinute: 1000 },
    });
    await publish.handler(ctx);
    expect(stub.writes()[0].path).toBe(
      '/entities/component/default/llama/publication',
    );
    expect(outputs().publicationId).toBe('pub-1');
  });

  it('fails with a clear message and creates nothing when the user may not publish', async () => {
    const { publish } = actionsFor(stub);
    const { ctx, outputs } = contextFor(
      { entityRef: 'component:default/iris' },
      { user: STRANGER },
    );

    const error = await publish.handler(ctx).catch(e => e);

    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe(
      'You are not allowed to publish component:default/iris: user:default/stranger is not an owner of component:default/iris',
    );
    expect(
      stub.models.get('component/default/iris')!.publication,
    ).toBeUndefined();
    expect(outputs()).toEqual({});
  });

  it('reports an already published model as a conflict', async () => {
    const { publish } = actionsFor(stub);
    await publish.handler(
      contextFor({ entityRef: 'component:default/iris' }).ctx,
    );
    const error = await publish
      .handler(contextFor({ entityRef: 'component:default/iris' }).ctx)
      .catch(e => e);
    expect(error.name).toBe('ConflictError');
    expect(error.message).toContain('Cannot publish component:default/iris');
    expect(error.message).toContain('is already published');
  });

  it('passes the backend message on for settings the backend rejects', async () => {
    const { publish } = actionsFor(stub);
    const error = await publish
      .handler(
        contextFor({
          entityRef: 'component:default/iris',
          rateLimits: { tokensPerMinute: 5 },
        }).ctx,
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'Invalid settings to publish component:default/iris: rateLimits.tokensPerMinute: token limits apply to OpenAI-compatible models only',
    );
  });

  it('says which model is missing from the catalog', async () => {
    const { publish } = actionsFor(stub);
    const error = await publish
      .handler(contextFor({ entityRef: 'component:default/nope' }).ctx)
      .catch(e => e);
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toContain('component:default/nope');
  });

  describe('invalid input', () => {
    it.each([
      [
        { rateLimits: { requestsPerMinute: 60 } },
        'requires property "entityRef"',
      ],
      [
        {
          entityRef: 'component:default/iris',
          rateLimits: { requestsPerMinute: -5 },
        },
        'instance.rateLimits.requestsPerMinute',
      ],
      [
        {
          entityRef: 'component:default/iris',
          rateLimits: { requestsPerSecond: 5 },
        },
        'additional property "requestsPerSecond"',
      ],
      [
        { entityRef: 'component:default/iris', modelKind: 'grpc' },
        'instance.modelKind',
      ],
    ])(
      'the input schema the scaffolder checks rejects %j',
      (input, message) => {
        const result = validate(input, actionsFor(stub).publish.schema!.input!);
        expect(result.valid).toBe(false);
        expect(result.errors.join(', ')).toContain(message);
      },
    );

    it('accepts the documented examples input', () => {
      const result = validate(
        {
          entityRef: 'component:default/iris',
          rateLimits: { requestsPerMinute: 60 },
          keyName: 'app',
        },
        actionsFor(stub).publish.schema!.input!,
      );
      expect(result.errors).toEqual([]);
    });

    it.each([
      [{ entityRef: '' }, 'entityRef: the model entity ref is required'],
      [{ entityRef: 'component:default/' }, 'entityRef:'],
      [
        {
          entityRef: 'component:default/iris',
          rateLimits: { requestsPerMinute: 0 },
        },
        'rateLimits.requestsPerMinute',
      ],
      [
        { entityRef: 'component:default/iris', hostname: 'Not A Host' },
        'hostname: hostname must be a lower-case DNS name',
      ],
      [{ entityRef: 'component:default/iris', keyName: '!bad' }, 'keyName:'],
    ])(
      'the handler rejects %j before calling the backend',
      async (input, message) => {
        const { publish } = actionsFor(stub);
        const error = await publish
          .handler(contextFor(input).ctx)
          .catch(e => e);
        expect(error).toBeInstanceOf(InputError);
        expect(error.message).toContain(message);
        expect(stub.requests).toEqual([]);
      },
    );
  });

  it('in a dry run previews the objects through the dry-run route and creates nothing', async () => {
    const { publish } = actionsFor(stub);
    const { ctx, outputs, logText } = contextFor(
      {
        entityRef: 'component:default/iris',
        rateLimits: { requestsPerMinute: 60 },
      },
      { isDryRun: true },
    );

    await publish.handler(ctx);

    expect(stub.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'POST /entities/component/default/iris/publication/dry-run',
    ]);
    expect(stub.writes()).toEqual([]);
    expect(
      stub.models.get('component/default/iris')!.publication,
    ).toBeUndefined();
    expect(logText()).toContain(
      'would create 3 object(s): Secret iris-mp-keys, SecurityPolicy iris-mp, HTTPRoute iris-mp',
    );
    expect(logText()).not.toContain(FAKE_KEY);
    expect(outputs()).toEqual({
      publishTabUrl: `${APP_BASE_URL}/catalog/default/component/iris/publish`,
      guideUrl: `${APP_BASE_URL}/catalog/default/component/iris/docs`,
    });
  });

  it('a dry run by a user who may not publish fails the same way', async () => {
    const { publish } = actionsFor(stub);
    const error = await publish
      .handler(
        contextFor(
          { entityRef: 'component:default/iris' },
          { isDryRun: true, user: STRANGER },
        ).ctx,
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(stub.writes()).toEqual([]);
  });
});
