import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { collectActions, failureOf, run } from './__testUtils__/harness';
import { MODEL_REF, startRealBackend } from './__testUtils__/realBackend';
import { STRANGER } from './__testUtils__/stubBackend';

/**
 * The actions against the real model-publishing backend plugin (its router, permissions, saga and an
 * embedded Kubernetes emulator), all in one test backend: proves the client speaks the real contract.
 */
describe('actions against the real model-publishing backend', () => {
  let actions: Record<string, TemplateAction<any, any, any>>;
  let backend: Awaited<ReturnType<typeof startRealBackend>>;

  beforeAll(async () => {
    const { registered, extensionPoint } = collectActions();
    backend = await startRealBackend({
      allow: { reads: true },
      extensionPoints: [extensionPoint],
    });
    actions = Object.fromEntries(registered.map(a => [a.id.split(':')[1], a]));
  }, 60_000);
  afterAll(() => backend?.stop());

  const ref = MODEL_REF;

  it('a non-owner is refused with a clear message', async () => {
    const { error } = await failureOf(
      actions.publish,
      { entityRef: ref, rateLimits: { requestsPerMinute: 60 } },
      { user: STRANGER },
    );
    expect(error?.name).toBe('NotAllowedError');
    expect(error.message).toMatch(
      /^You are not allowed to publish component:default\/sklearn-iris: /,
    );
    // Nothing was created: the owner's read-only check finds no publication.
    const check = await failureOf(
      actions.unpublish,
      { entityRef: ref },
      { isDryRun: true },
    );
    expect(check.error.message).toBe(
      'component:default/sklearn-iris is not published, so there is nothing to unpublish: check entityRef, or publish the model first with model-publishing:publish',
    );
  });

  it('dry run, publish, update and unpublish as the owner', async () => {
    const dry = await run(
      actions.publish,
      { entityRef: ref, rateLimits: { requestsPerMinute: 60 } },
      { isDryRun: true },
    );
    expect(dry.logText()).toContain('HTTPRoute sklearn-iris-mp');

    const pub = await run(actions.publish, {
      entityRef: ref,
      rateLimits: { requestsPerMinute: 60 },
      keyName: 'app',
    });
    expect(pub.outputs()).toMatchObject({
      endpointUrl: expect.stringContaining('https://models.example.com/'),
      publicationId: expect.any(String),
      publishTabUrl:
        'http://portal.test/catalog/default/component/sklearn-iris/publish',
    });

    const upd = await run(actions.update, {
      entityRef: ref,
      rateLimits: { requestsPerMinute: 120 },
    });
    expect(upd.outputs().publicationId).toBe(pub.outputs().publicationId);

    const un = await run(actions.unpublish, { entityRef: ref });
    expect(un.outputs().status).toBe('unpublished');
    for (const c of [dry, pub, upd, un]) {
      expect(c.logText() + JSON.stringify(c.outputs())).not.toMatch(
        /mpk_[A-Za-z0-9]/,
      );
    }
  }, 60_000);

  it('stopping a real backend deletes its temporary seed folder', async () => {
    const other = await startRealBackend({
      allow: {},
      extensionPoints: [collectActions().extensionPoint],
    });
    expect(existsSync(join(other.seedDir, 'seed.yaml'))).toBe(true);
    await other.stop();
    expect(existsSync(other.seedDir)).toBe(false);
  }, 60_000);
});
