import { InputError, NotAllowedError } from '@backstage/errors';
import { validate } from 'jsonschema';
import {
  APP_BASE_URL,
  failureOf,
  run,
  useStubBackend,
} from '../__testUtils__/harness';
import { STRANGER } from '../__testUtils__/stubBackend';
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

  it('replaces the plans as a whole when given, keeps them when not', () => {
    const withPlans = {
      ...current,
      plans: [
        { name: 'trial', approval: 'automatic' as const, rateLimits: {} },
      ],
    };
    expect(mergeUpdate(withPlans, { description: 'x' }).plans).toEqual(
      withPlans.plans,
    );
    expect(
      mergeUpdate(withPlans, {
        plans: [{ name: 'pro', rateLimits: { requestsPerMonth: 100000 } }],
      }).plans,
    ).toEqual([
      {
        name: 'pro',
        approval: 'manual',
        rateLimits: { requestsPerMonth: 100000 },
      },
    ]);
  });

  it('never carries a first key into an update', () => {
    expect(
      mergeUpdate({ ...current, firstKey: { name: 'old' } }, {}),
    ).not.toHaveProperty('firstKey');
  });
});

describe('model-publishing:update', () => {
  const IRIS = 'component:default/iris';
  // A published model to update.
  const env = useStubBackend({
    publishFirst: {
      entityRef: IRIS,
      rateLimits: { requestsPerMinute: 60 },
      description: 'Iris',
    },
  });

  it('replaces the limits, keeps the other settings and outputs the links', async () => {
    const { stub, actions } = env;
    const { outputs } = await run(actions.update, {
      entityRef: IRIS,
      rateLimits: { requestsPerMinute: 120, requestsPerDay: 50000 },
    });

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
    expect(stub.publicationOf('iris').config.rateLimits).toEqual({
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

  it('sends the plans (and month limits) it is given in the PUT', async () => {
    const { stub, actions } = env;
    await run(actions.update, {
      entityRef: IRIS,
      rateLimits: { requestsPerMinute: 60, requestsPerMonth: 100000 },
      plans: [
        {
          name: 'trial',
          approval: 'automatic',
          maxKeyLifetimeDays: 30,
          rateLimits: { requestsPerDay: 100 },
        },
      ],
    });
    expect(stub.writes()).toEqual([
      expect.objectContaining({
        method: 'PUT',
        body: {
          rateLimits: { requestsPerMinute: 60, requestsPerMonth: 100000 },
          description: 'Iris',
          plans: [
            {
              name: 'trial',
              approval: 'automatic',
              maxKeyLifetimeDays: 30,
              rateLimits: { requestsPerDay: 100 },
            },
          ],
        },
      }),
    ]);
  });

  it('refuses a bad plan before calling the backend, naming the field', async () => {
    const { error } = await failureOf(env.actions.update, {
      entityRef: IRIS,
      plans: [{ name: 'trial', approval: 'sometimes' }],
    });
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('plans.0.approval');
    expect(env.stub.requests).toEqual([]);
  });

  it('fails with a clear message and changes nothing when the user may not update', async () => {
    const { error } = await failureOf(
      env.actions.update,
      { entityRef: IRIS, rateLimits: { requestsPerMinute: 1 } },
      { user: STRANGER },
    );

    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe(
      'You are not allowed to update the publication of component:default/iris: user:default/stranger is not an owner of component:default/iris',
    );
    expect(env.stub.publicationOf('iris').config.rateLimits).toEqual({
      requestsPerMinute: 60,
    });
  });

  it('says so when the model is not published', async () => {
    const { error } = await failureOf(env.actions.update, {
      entityRef: 'component:default/llama',
    });
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toBe(
      'component:default/llama is not published, so there is nothing to update: check entityRef, or publish the model first with model-publishing:publish',
    );
    expect(env.stub.writes()).toEqual([]);
  });

  it('says so when the model was unpublished', async () => {
    await run(env.actions.unpublish, { entityRef: IRIS });
    env.stub.requests.length = 0;
    const { error } = await failureOf(env.actions.update, {
      entityRef: IRIS,
      rateLimits: { requestsPerMinute: 1 },
    });
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toContain(
      'component:default/iris is not published, so there is nothing to update',
    );
    expect(env.stub.writes()).toEqual([]);
  });

  describe('invalid input', () => {
    it('the input schema the scaffolder checks rejects a negative limit', () => {
      const result = validate(
        { entityRef: IRIS, rateLimits: { requestsPerDay: -1 } },
        env.actions.update.schema!.input!,
      );
      expect(result.errors.join(', ')).toContain(
        'instance.rateLimits.requestsPerDay',
      );
    });

    it('the handler rejects a bad limit before calling the backend', async () => {
      const { error } = await failureOf(env.actions.update, {
        entityRef: IRIS,
        rateLimits: { requestsPerHour: 2.5 },
      });
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toContain('rateLimits.requestsPerHour');
      expect(env.stub.requests).toEqual([]);
    });
  });

  it('a dry run by a user the permission policy denies fails and changes nothing', async () => {
    const { error } = await failureOf(
      env.actions.update,
      { entityRef: IRIS },
      { isDryRun: true, user: STRANGER },
    );
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toContain(
      'You are not allowed to update the publication of component:default/iris',
    );
    expect(env.stub.writes()).toEqual([]);
  });

  it('in a dry run validates against the current publication and changes nothing', async () => {
    const { stub, actions } = env;
    const { outputs, logText } = await run(
      actions.update,
      { entityRef: IRIS, rateLimits: { requestsPerMinute: 5 } },
      { isDryRun: true },
    );

    expect(stub.calls()).toEqual(['GET /entities/component/default/iris']);
    expect(stub.publicationOf('iris').config.rateLimits).toEqual({
      requestsPerMinute: 60,
    });
    expect(logText()).toContain('Dry run: would update publication pub-1');
    expect(outputs().publicationId).toBe('pub-1');
  });
});
