import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import techdocsPlugin from '@backstage/plugin-techdocs-backend';
import { techdocsModuleModelPublishing } from './module';
import { ExternalBuilderDocsBuildStrategy } from './ExternalBuilderDocsBuildStrategy';

/** A published model's Component as the model-publishing catalog module emits it. */
const model: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'sklearn-iris',
    namespace: 'default',
    uid: '6a3c1e52-0d0e-4c56-9d1f-0a0000000001',
    annotations: {
      'backstage.io/managed-by-location': 'model-publishing:local',
      'backstage.io/managed-by-origin-location': 'model-publishing:local',
      'backstage.io/techdocs-ref': 'dir:.',
      'backstage.io/techdocs-builder': 'external',
    },
  },
  spec: { type: 'inference-service', lifecycle: 'production', owner: 'team' },
};

describe('ExternalBuilderDocsBuildStrategy', () => {
  const withBuilder = (value?: string) =>
    ({
      metadata: {
        name: 'x',
        annotations:
          value === undefined ? {} : { 'backstage.io/techdocs-builder': value },
      },
    } as Entity);

  it.each([
    ['local', undefined, true],
    [undefined, undefined, true],
    ['external', undefined, false],
    ['local', 'external', false],
    ['local', ' External ', false],
    ['local', 'local', true],
    [undefined, 'external', false],
  ])(
    'techdocs.builder %s, annotation %s → build %s',
    async (builder, annotation, expected) => {
      await expect(
        new ExternalBuilderDocsBuildStrategy(builder).shouldBuild({
          entity: withBuilder(annotation),
        }),
      ).resolves.toBe(expected);
    },
  );
});

describe('techdocsModuleModelPublishing', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mp-techdocs-module-'));
    // The site the model-publishing backend published for the entity.
    const site = path.join(dir, 'default', 'component', 'sklearn-iris');
    await fs.mkdir(site, { recursive: true });
    await fs.writeFile(
      path.join(site, 'index.html'),
      '<h1>sklearn-iris — API guide</h1>',
    );
    await fs.writeFile(
      path.join(site, 'techdocs_metadata.json'),
      JSON.stringify({ site_name: 'sklearn-iris — API guide', etag: 'e1' }),
    );
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function portal(withModule: boolean) {
    const { server } = await startTestBackend({
      features: [
        techdocsPlugin,
        ...(withModule ? [techdocsModuleModelPublishing] : []),
        catalogServiceMock.factory({ entities: [model] }),
        mockServices.rootConfig.factory({
          data: {
            techdocs: {
              builder: 'local',
              generator: { runIn: 'local' },
              publisher: { type: 'local', local: { publishDirectory: dir } },
            },
          },
        }),
      ],
    });
    const { port } = server.address() as { port: number };
    return (p: string) =>
      fetch(`http://localhost:${port}/api/techdocs${p}`, {
        headers: { Authorization: mockCredentials.user.header() },
      });
  }

  it('lets the Docs tab read the published site without the portal trying to build it', async () => {
    const get = await portal(true);
    const sync = await (
      await get('/sync/default/component/sklearn-iris')
    ).text();
    expect(sync).toContain('event: finish');
    expect(sync).not.toContain('event: error');
    const html = await get(
      '/static/docs/default/component/sklearn-iris/index.html',
    );
    expect(await html.text()).toContain('sklearn-iris — API guide');
    const metadata = await get(
      '/metadata/techdocs/default/component/sklearn-iris',
    );
    expect(await metadata.json()).toMatchObject({ etag: 'e1' });
  });

  it('without it, the local builder tries to build the model and fails (what the module prevents)', async () => {
    const get = await portal(false);
    const sync = await (
      await get('/sync/default/component/sklearn-iris')
    ).text();
    expect(sync).toContain('event: error');
    expect(sync).toContain('Unable to resolve location type model-publishing');
  });
});
