import { execFileSync } from 'child_process';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import type { Knex } from 'knex';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { type GeneratorBase, Publisher } from '@backstage/plugin-techdocs-node';
import { GuidePublisher } from '../docs/techdocs';
import { startServices } from '../__testUtils__/services';

jest.setTimeout(120_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const op = { actor: 'user:default/frank' };

function hasMkdocs(): boolean {
  try {
    execFileSync('mkdocs', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const mkdocs = hasMkdocs();
if (!mkdocs && !process.env.CI) {
  // eslint-disable-next-line no-console
  console.warn(
    'techdocsGuides: mkdocs is not installed, so the publish → TechDocs test is SKIPPED (apt-get install mkdocs mkdocs-material). Set CI=1 to make this a failure.',
  );
}
const describeWithMkdocs = mkdocs || process.env.CI ? describe : describe.skip;

/** The publishing workflow with the guide hook wired as plugin.ts wires it. */
describe('guides in TechDocs, from the publishing workflow', () => {
  let db: Knex;
  let s: Awaited<ReturnType<typeof startServices>>;
  let dir: string;

  beforeEach(async () => {
    db = await databases.init('SQLITE_3');
    s = await startServices(db);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mp-techdocs-flow-'));
  });
  afterEach(async () => {
    await s.emulator.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function wire(generator?: GeneratorBase) {
    const logger = mockServices.logger.mock();
    const rootConfig = new ConfigReader({
      techdocs: {
        builder: 'local',
        generator: { runIn: 'local', mkdocs: { omitTechdocsCorePlugin: true } },
        publisher: { type: 'local', local: { publishDirectory: dir } },
      },
    });
    const discovery = mockServices.discovery();
    let guides: GuidePublisher | undefined;
    const wired = await startServices(db, {
      emulator: s.emulator,
      guideSite: async render => {
        guides = generator
          ? new GuidePublisher({
              logger,
              generator,
              publisher: await Publisher.fromConfig(rootConfig, {
                logger,
                discovery,
              }),
              render,
            })
          : await GuidePublisher.fromConfig(rootConfig, {
              logger,
              discovery,
              render,
            });
        return guides;
      },
    });
    const { publishing, reconciler } = wired;
    if (!guides) throw new Error('TechDocs publishing is not configured');
    return { guides, publishing, reconciler, logger };
  }

  const indexHtml = () =>
    fs.readFile(
      path.join(dir, 'default', 'component', 'sklearn-iris', 'index.html'),
      'utf8',
    );

  describeWithMkdocs('with the real mkdocs', () => {
    it('publish, update and unpublish regenerate the Docs tab site of the model entity', async () => {
      const { guides, publishing } = await wire();
      const model = s.model('sklearn-iris'); // entity component:default/sklearn-iris
      const { publication } = await publishing.publish(
        model,
        { rateLimits: { requestsPerMinute: 60 } },
        op,
      );
      await guides.idle();
      const predict = publication.endpoints.find(e =>
        e.url.endsWith(':predict'),
      );
      expect(predict).toBeDefined();
      let html = await indexHtml();
      expect(html).toContain(predict!.url);
      expect(html).toMatch(/Requests per minute<\/td>\s*<td>60/);

      await publishing.update(
        model,
        { rateLimits: { requestsPerMinute: 7 } },
        op,
      );
      await guides.idle();
      html = await indexHtml();
      expect(html).toMatch(/Requests per minute<\/td>\s*<td>7/);

      await publishing.unpublish(model, op);
      await guides.idle();
      html = await indexHtml();
      expect(html).toContain('no longer published');
      expect(html).not.toContain(predict!.url);
    });
  });

  it('a failing generation neither fails nor delays the publish; the reconciler rebuilds the site', async () => {
    let fail = true;
    let release: () => void = () => {};
    const gate = new Promise<void>(r => {
      release = r;
    });
    const generator: GeneratorBase = {
      run: async ({ outputDir, inputDir }) => {
        await gate; // still "generating" when publish returns
        if (fail) throw new Error('mkdocs: command not found');
        await fs.copyFile(
          path.join(inputDir, 'docs', 'techdocs_metadata.json'),
          path.join(outputDir, 'techdocs_metadata.json'),
        );
        await fs.writeFile(
          path.join(outputDir, 'index.html'),
          await fs.readFile(path.join(inputDir, 'docs', 'index.md'), 'utf8'),
        );
      },
    };
    const { guides, publishing, reconciler, logger } = await wire(generator);
    const { publication } = await publishing.publish(
      s.model('sklearn-iris'),
      { rateLimits: { requestsPerMinute: 60 } },
      op,
    );
    expect(publication.status).toBe('published');
    release();
    await guides.idle();
    expect(guides.lastFailure(publication.id)?.error).toMatch(
      /command not found/,
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/reconciler retries/),
    );
    await expect(indexHtml()).rejects.toThrow();

    fail = false;
    const report = await reconciler.run();
    expect(report.errors).toEqual([]);
    // The pass starts the rebuild without waiting for it.
    await guides.idle();
    expect(guides.lastFailure(publication.id)).toBeUndefined();
    expect(await indexHtml()).toContain('API guide');
  });
});
