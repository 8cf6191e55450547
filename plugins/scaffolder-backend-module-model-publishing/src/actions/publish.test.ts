import { InputError, NotAllowedError } from '@backstage/errors';
import { validate } from 'jsonschema';
import {
  APP_BASE_URL,
  failureOf,
  run,
  useStubBackend,
} from '../__testUtils__/harness';
import { FAKE_KEY, OWNER, STRANGER } from '../__testUtils__/stubBackend';

const IRIS = 'component:default/iris';

describe('model-publishing:publish', () => {
  const env = useStubBackend();

  it('publishes as the initiating user and outputs the endpoint and links', async () => {
    const { stub, actions } = env;
    const { outputs, logText } = await run(actions.publish, {
      entityRef: IRIS,
      rateLimits: { requestsPerMinute: 60, requestsPerDay: 10000 },
      keyName: 'checkout-app',
    });

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
    const { stub, actions } = env;
    const { outputs } = await run(actions.publish, {
      entityRef: 'llama',
      rateLimits: { tokensPerMinute: 1000 },
    });
    expect(stub.writes()[0].path).toBe(
      '/entities/component/default/llama/publication',
    );
    expect(outputs().publicationId).toBe('pub-1');
  });

  it('fails with a clear message and creates nothing when the user may not publish', async () => {
    const { stub, actions } = env;
    const { error, outputs } = await failureOf(
      actions.publish,
      { entityRef: IRIS },
      { user: STRANGER },
    );

    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe(
      'You are not allowed to publish component:default/iris: user:default/stranger is not an owner of component:default/iris',
    );
    expect(stub.publicationOf('iris')).toBeUndefined();
    expect(outputs()).toEqual({});
  });

  it('says an already published model is published, and where to change it, without a stack trace', async () => {
    const { actions, stub } = env;
    await run(actions.publish, { entityRef: IRIS });
    const { error } = await failureOf(actions.publish, { entityRef: IRIS });
    expect(error.name).toBe('ConflictError');
    expect(error.message).toBe(
      `component:default/iris is already published (status: published, endpoint https://models.example.com/models/models/iris). To change its limits, use its Publish tab (${APP_BASE_URL}/catalog/default/component/iris/publish) or the model-publishing:update action`,
    );
    // The scaffolder writes error.stack to the task log: the message only, no "at …" frames.
    expect(error.stack).toBe(`ConflictError: ${error.message}`);
    expect(stub.writes()).toHaveLength(1); // the first run's publish only
  });

  it('refuses a model that is not Ready, with its Ready message, before publishing', async () => {
    const { error } = await failureOf(env.actions.publish, {
      entityRef: 'component:default/warming',
    });
    expect(error.name).toBe('ConflictError');
    expect(error.message).toBe(
      'component:default/warming is not Ready in the cluster (RevisionMissing: no revision yet), so it cannot be published yet. Run the template again once KServe reports the model Ready',
    );
    expect(error.stack).not.toMatch(/\n\s+at /);
    expect(env.stub.writes()).toEqual([]);
  });

  it('refuses token limits for a predictive model before publishing, naming the field', async () => {
    const { error } = await failureOf(env.actions.publish, {
      entityRef: IRIS,
      rateLimits: { requestsPerMinute: 5, tokensPerHour: 5 },
    });
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'rateLimits.tokensPerHour: token limits apply only to OpenAI-compatible models (LLMs), and component:default/iris is a v1 (predictive) model. Leave the token limits empty; request limits apply to every model',
    );
    expect(env.stub.writes()).toEqual([]);
  });

  it('passes the backend message on for settings the backend rejects', async () => {
    // modelKind says openai, so the action lets the backend decide; the backend knows better.
    const { error } = await failureOf(env.actions.publish, {
      entityRef: IRIS,
      modelKind: 'openai',
      rateLimits: { tokensPerMinute: 5 },
    });
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'Invalid settings to publish component:default/iris: rateLimits.tokensPerMinute: token limits apply to OpenAI-compatible models only',
    );
    expect(error.stack).toBe(`InputError: ${error.message}`);
  });

  it('says which model is missing from the catalog', async () => {
    const { error } = await failureOf(env.actions.publish, {
      entityRef: 'component:default/nope',
    });
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
        { entityRef: IRIS, rateLimits: { requestsPerMinute: -5 } },
        'instance.rateLimits.requestsPerMinute',
      ],
      [
        { entityRef: IRIS, rateLimits: { requestsPerSecond: 5 } },
        'additional property "requestsPerSecond"',
      ],
      [{ entityRef: IRIS, modelKind: 'grpc' }, 'instance.modelKind'],
    ])(
      'the input schema the scaffolder checks rejects %j',
      (input, message) => {
        const result = validate(input, env.actions.publish.schema!.input!);
        expect(result.valid).toBe(false);
        expect(result.errors.join(', ')).toContain(message);
      },
    );

    it('accepts the documented examples input', () => {
      const result = validate(
        {
          entityRef: IRIS,
          rateLimits: { requestsPerMinute: 60 },
          keyName: 'app',
        },
        env.actions.publish.schema!.input!,
      );
      expect(result.errors).toEqual([]);
    });

    it.each([
      [{ entityRef: '' }, 'entityRef: the model entity ref is required'],
      [{ entityRef: 'component:default/' }, 'entityRef:'],
      [
        { entityRef: IRIS, rateLimits: { requestsPerMinute: 0 } },
        'rateLimits.requestsPerMinute',
      ],
      [
        { entityRef: IRIS, hostname: 'Not A Host' },
        'hostname: hostname must be a lower-case DNS name',
      ],
      [{ entityRef: IRIS, keyName: '!bad' }, 'keyName:'],
    ])(
      'the handler rejects %j before calling the backend',
      async (input, message) => {
        const { error } = await failureOf(env.actions.publish, input);
        expect(error).toBeInstanceOf(InputError);
        expect(error.message).toContain(message);
        expect(env.stub.requests).toEqual([]);
      },
    );
  });

  it('in a dry run previews the objects through the dry-run route and creates nothing', async () => {
    const { stub, actions } = env;
    const { outputs, logText } = await run(
      actions.publish,
      { entityRef: IRIS, rateLimits: { requestsPerMinute: 60 } },
      { isDryRun: true },
    );

    expect(stub.calls()).toEqual([
      'GET /entities/component/default/iris',
      'POST /entities/component/default/iris/publication/dry-run',
    ]);
    expect(stub.writes()).toEqual([]);
    expect(stub.publicationOf('iris')).toBeUndefined();
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
    const { error } = await failureOf(
      env.actions.publish,
      { entityRef: IRIS },
      { isDryRun: true, user: STRANGER },
    );
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(env.stub.writes()).toEqual([]);
  });
});
