import { NotAllowedError } from '@backstage/errors';
import { validate } from 'jsonschema';
import { actionsFor, APP_BASE_URL, contextFor } from '../__testUtils__/harness';
import {
  startStubBackend,
  STRANGER,
  StubBackend,
} from '../__testUtils__/stubBackend';

describe('model-publishing:unpublish', () => {
  let stub: StubBackend;
  beforeEach(async () => {
    stub = await startStubBackend();
    await actionsFor(stub).publish.handler(
      contextFor({ entityRef: 'component:default/iris' }).ctx,
    );
    stub.requests.length = 0;
  });
  afterEach(() => stub.close());

  it('unpublishes as the initiating user', async () => {
    const { unpublish } = actionsFor(stub);
    const { ctx, outputs } = contextFor({
      entityRef: 'component:default/iris',
    });

    await unpublish.handler(ctx);

    expect(stub.writes()).toEqual([
      expect.objectContaining({
        method: 'DELETE',
        path: '/entities/component/default/iris/publication',
        onBehalfOf: 'user:default/owner',
      }),
    ]);
    expect(stub.models.get('component/default/iris')!.publication.status).toBe(
      'unpublished',
    );
    expect(outputs()).toEqual({
      publicationId: 'pub-1',
      status: 'unpublished',
      publishTabUrl: `${APP_BASE_URL}/catalog/default/component/iris/publish`,
    });
  });

  it('fails with a clear message and removes nothing when the user may not unpublish', async () => {
    const { unpublish } = actionsFor(stub);
    const error = await unpublish
      .handler(
        contextFor({ entityRef: 'component:default/iris' }, { user: STRANGER })
          .ctx,
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe(
      'You are not allowed to unpublish component:default/iris: user:default/stranger is not an owner of component:default/iris',
    );
    expect(stub.models.get('component/default/iris')!.publication.status).toBe(
      'published',
    );
  });

  it('rejects invalid input', async () => {
    const { unpublish } = actionsFor(stub);
    expect(validate({}, unpublish.schema!.input!).errors.join()).toContain(
      'requires property "entityRef"',
    );
    expect(
      validate({ entityRef: 'x', extra: 1 }, unpublish.schema!.input!).valid,
    ).toBe(false);
    const error = await unpublish
      .handler(contextFor({ entityRef: '  ' }).ctx)
      .catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toContain('entityRef');
    expect(stub.requests).toEqual([]);
  });

  it('in a dry run only checks that the model is published', async () => {
    const { unpublish } = actionsFor(stub);
    const { ctx, outputs, logText } = contextFor(
      { entityRef: 'component:default/iris' },
      { isDryRun: true },
    );

    await unpublish.handler(ctx);

    expect(stub.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /entities/component/default/iris',
    ]);
    expect(stub.models.get('component/default/iris')!.publication.status).toBe(
      'published',
    );
    expect(logText()).toContain(
      'Dry run: would unpublish component:default/iris (publication pub-1',
    );
    expect(outputs()).toMatchObject({
      publicationId: 'pub-1',
      status: 'published',
    });
  });

  it('a dry run by a user the permission policy denies fails and removes nothing', async () => {
    const { unpublish } = actionsFor(stub);
    const error = await unpublish
      .handler(
        contextFor(
          { entityRef: 'component:default/iris' },
          { isDryRun: true, user: STRANGER },
        ).ctx,
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toContain(
      'You are not allowed to unpublish component:default/iris',
    );
    expect(stub.models.get('component/default/iris')!.publication.status).toBe(
      'published',
    );
  });

  it('a dry run of a model that is not published fails', async () => {
    const { unpublish } = actionsFor(stub);
    const error = await unpublish
      .handler(
        contextFor({ entityRef: 'component:default/llama' }, { isDryRun: true })
          .ctx,
      )
      .catch(e => e);
    expect(error.message).toContain('component:default/llama is not published');
  });
});
