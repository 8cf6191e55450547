import { NotAllowedError } from '@backstage/errors';
import { validate } from 'jsonschema';
import {
  APP_BASE_URL,
  failureOf,
  run,
  useStubBackend,
} from '../__testUtils__/harness';
import { STRANGER } from '../__testUtils__/stubBackend';

describe('model-publishing:unpublish', () => {
  const IRIS = 'component:default/iris';
  const env = useStubBackend({ publishFirst: { entityRef: IRIS } });

  it('unpublishes as the initiating user', async () => {
    const { stub, actions } = env;
    const { outputs } = await run(actions.unpublish, { entityRef: IRIS });

    expect(stub.writes()).toEqual([
      expect.objectContaining({
        method: 'DELETE',
        path: '/entities/component/default/iris/publication',
        onBehalfOf: 'user:default/owner',
      }),
    ]);
    expect(stub.publicationOf('iris').status).toBe('unpublished');
    expect(outputs()).toEqual({
      publicationId: 'pub-1',
      status: 'unpublished',
      publishTabUrl: `${APP_BASE_URL}/catalog/default/component/iris/publish`,
    });
  });

  it('fails with a clear message and removes nothing when the user may not unpublish', async () => {
    const { error } = await failureOf(
      env.actions.unpublish,
      { entityRef: IRIS },
      { user: STRANGER },
    );
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe(
      'You are not allowed to unpublish component:default/iris: user:default/stranger is not an owner of component:default/iris',
    );
    expect(env.stub.publicationOf('iris').status).toBe('published');
  });

  it('a model that is not published fails with the same message as in a dry run, and deletes nothing', async () => {
    const { error } = await failureOf(env.actions.unpublish, {
      entityRef: 'component:default/llama',
    });
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toBe(
      'component:default/llama is not published, so there is nothing to unpublish: check entityRef, or publish the model first with model-publishing:publish',
    );
    expect(env.stub.writes()).toEqual([]);
  });

  it('a second unpublish says the model is no longer published', async () => {
    await run(env.actions.unpublish, { entityRef: IRIS });
    const { error } = await failureOf(env.actions.unpublish, {
      entityRef: IRIS,
    });
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toBe(
      'component:default/iris is not published, so there is nothing to unpublish: check entityRef, or publish the model first with model-publishing:publish',
    );
    expect(env.stub.writes()).toHaveLength(1);
  });

  it('rejects invalid input', async () => {
    const { unpublish } = env.actions;
    expect(validate({}, unpublish.schema!.input!).errors.join()).toContain(
      'requires property "entityRef"',
    );
    expect(
      validate({ entityRef: 'x', extra: 1 }, unpublish.schema!.input!).valid,
    ).toBe(false);
    const { error } = await failureOf(unpublish, { entityRef: '  ' });
    expect(error.name).toBe('InputError');
    expect(error.message).toContain('entityRef');
    expect(env.stub.requests).toEqual([]);
  });

  it('in a dry run only checks that the model is published', async () => {
    const { stub, actions } = env;
    const { outputs, logText } = await run(
      actions.unpublish,
      { entityRef: IRIS },
      { isDryRun: true },
    );

    expect(stub.calls()).toEqual(['GET /entities/component/default/iris']);
    expect(stub.publicationOf('iris').status).toBe('published');
    expect(logText()).toContain(
      'Dry run: would unpublish component:default/iris (publication pub-1',
    );
    expect(outputs()).toMatchObject({
      publicationId: 'pub-1',
      status: 'published',
    });
  });

  it('a dry run by a user the permission policy denies fails and removes nothing', async () => {
    const { error } = await failureOf(
      env.actions.unpublish,
      { entityRef: IRIS },
      { isDryRun: true, user: STRANGER },
    );
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toContain(
      'You are not allowed to unpublish component:default/iris',
    );
    expect(env.stub.publicationOf('iris').status).toBe('published');
  });

  it('a dry run of a model that is not published fails', async () => {
    const { error } = await failureOf(
      env.actions.unpublish,
      { entityRef: 'component:default/llama' },
      { isDryRun: true },
    );
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toBe(
      'component:default/llama is not published, so there is nothing to unpublish: check entityRef, or publish the model first with model-publishing:publish',
    );
  });
});
