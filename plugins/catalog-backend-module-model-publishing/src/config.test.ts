import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_RESYNC_MS,
  DEFAULT_SCHEDULE,
  readProviderConfigs,
} from './config';

describe('readProviderConfigs', () => {
  it('reads catalog.providers.modelPublishing with defaults filled in', () => {
    const configs = readProviderConfigs(
      new ConfigReader({
        catalog: {
          providers: {
            modelPublishing: {
              local: { kubeconfigPath: '/tmp/kubeconfig' },
              prod: {
                cluster: 'prod-eu',
                url: 'https://k8s.example.com',
                token: 't',
                skipTLSVerify: true,
                namespaces: ['fraud', 'genai'],
                schedule: {
                  frequency: { minutes: 5 },
                  timeout: { minutes: 1 },
                },
                resync: { minutes: 2 },
                defaults: {
                  owner: 'group:default/ml',
                  lifecycle: 'experimental',
                  system: 'models',
                },
                namePrefix: 'prod-',
                publications: false,
              },
            },
          },
        },
      }),
    );
    expect(configs).toEqual([
      {
        id: 'local',
        cluster: 'local',
        connection: { name: 'local', kubeconfig: { path: '/tmp/kubeconfig' } },
        namespaces: [],
        schedule: DEFAULT_SCHEDULE,
        resyncMs: DEFAULT_RESYNC_MS,
        defaults: {
          owner: 'group:default/unknown',
          lifecycle: 'production',
          system: undefined,
        },
        namePrefix: '',
        publications: true,
        techdocs: false,
        acceptsDefaultClusterAlias: false,
      },
      {
        id: 'prod',
        cluster: 'prod-eu',
        connection: {
          name: 'prod-eu',
          url: 'https://k8s.example.com',
          skipTLSVerify: true,
          authMetadata: {
            'kubernetes.io/auth-provider': 'serviceAccount',
            serviceAccountToken: 't',
          },
        },
        namespaces: ['fraud', 'genai'],
        schedule: { frequency: { minutes: 5 }, timeout: { minutes: 1 } },
        resyncMs: 120_000,
        defaults: {
          owner: 'group:default/ml',
          lifecycle: 'experimental',
          system: 'models',
        },
        namePrefix: 'prod-',
        publications: false,
        techdocs: false,
        acceptsDefaultClusterAlias: false,
      },
    ]);
  });

  it('takes the connection from modelPublishing.clusters (list or map) when the provider has none', () => {
    const asList = readProviderConfigs(
      new ConfigReader({
        modelPublishing: {
          clusters: [{ name: 'local', url: 'http://127.0.0.1:6443' }],
        },
        catalog: {
          providers: { modelPublishing: { local: { namespaces: ['fraud'] } } },
        },
      }),
    );
    expect(asList[0]).toMatchObject({
      cluster: 'local',
      connection: { name: 'local', url: 'http://127.0.0.1:6443' },
      namespaces: ['fraud'],
      acceptsDefaultClusterAlias: true,
    });

    const shared = readProviderConfigs(
      new ConfigReader({
        modelPublishing: {
          defaultCluster: 'local',
          clusters: [
            {
              name: 'local',
              url: 'http://127.0.0.1:46443',
              token: 't',
              skipTLSVerify: true,
            },
            { name: 'prod', kubeconfig: '/etc/prod.yaml', context: 'admin' },
          ],
        },
      }),
    );
    expect(
      shared.map(c => [c.cluster, c.connection, c.acceptsDefaultClusterAlias]),
    ).toEqual([
      [
        'local',
        {
          name: 'local',
          url: 'http://127.0.0.1:46443',
          skipTLSVerify: true,
          authMetadata: {
            'kubernetes.io/auth-provider': 'serviceAccount',
            serviceAccountToken: 't',
          },
        },
        true,
      ],
      [
        'prod',
        {
          name: 'prod',
          kubeconfig: { path: '/etc/prod.yaml' },
          context: 'admin',
        },
        false,
      ],
    ]);

    const asMap = readProviderConfigs(
      new ConfigReader({
        modelPublishing: { clusters: { local: { kubeconfigPath: '/k' } } },
      }),
    );
    expect(asMap).toHaveLength(1);
    expect(asMap[0]).toMatchObject({
      id: 'local',
      cluster: 'local',
      connection: { name: 'local', kubeconfig: { path: '/k' } },
    });
  });

  it('creates one provider per shared cluster without a provider block, none without either', () => {
    const configs = readProviderConfigs(
      new ConfigReader({
        modelPublishing: {
          clusters: [
            { name: 'a', url: 'http://a' },
            { name: 'b', url: 'http://b' },
          ],
        },
      }),
    );
    expect(
      configs.map(c => [
        c.id,
        'url' in c.connection && c.connection.url,
        c.acceptsDefaultClusterAlias,
      ]),
    ).toEqual([
      // The first shared cluster is the backend's default, so `default` publications belong to it.
      ['a', 'http://a', true],
      ['b', 'http://b', false],
    ]);
    expect(readProviderConfigs(new ConfigReader({}))).toEqual([]);
  });

  it('annotates for TechDocs when the portal configures TechDocs, unless turned off', () => {
    const clusters = [{ name: 'local', url: 'http://127.0.0.1:6443' }];
    const techdocsOf = (data: object) =>
      readProviderConfigs(new ConfigReader(data)).map(c => c.techdocs);
    expect(techdocsOf({ modelPublishing: { clusters } })).toEqual([false]);
    expect(
      techdocsOf({
        techdocs: { builder: 'local' },
        modelPublishing: { clusters },
      }),
    ).toEqual([true]);
    expect(
      techdocsOf({
        techdocs: { builder: 'local' },
        modelPublishing: { clusters, techdocs: { enabled: false } },
      }),
    ).toEqual([false]);
    expect(
      techdocsOf({
        techdocs: { builder: 'local' },
        catalog: {
          providers: { modelPublishing: { a: { techdocs: false }, b: {} } },
        },
      }),
    ).toEqual([false, true]);
  });

  it("uses the backend's clusters from the Kubernetes plugin (clustersFrom), else the default kubeconfig", () => {
    const configs = readProviderConfigs(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'production',
                  url: 'https://k8s.example.com',
                  authProvider: 'anonymous',
                  caData: 'Q0E=',
                },
              ],
            },
          ],
        },
        modelPublishing: { clustersFrom: 'kubernetes' },
        catalog: {
          providers: {
            modelPublishing: {
              prod: { cluster: 'production' },
              module: { cluster: 'from-a-module' },
              own: { cluster: 'production', context: 'ops' },
            },
          },
        },
      }),
    );
    expect(configs.map(c => c.connection)).toEqual([
      {
        name: 'production',
        url: 'https://k8s.example.com',
        skipTLSVerify: false,
        caData: 'Q0E=',
        authMetadata: { 'kubernetes.io/auth-provider': 'anonymous' },
      },
      { name: 'from-a-module', kubeconfig: 'default' },
      { name: 'production', kubeconfig: 'default', context: 'ops' },
    ]);
  });

  it('names the provider whose connection is ambiguous', () => {
    expect(() =>
      readProviderConfigs(
        new ConfigReader({
          catalog: {
            providers: {
              modelPublishing: {
                x: { inCluster: true, url: 'https://k8s.example.com' },
              },
            },
          },
        }),
      ),
    ).toThrow(
      'catalog.providers.modelPublishing.x: set exactly one of kubeconfig, inCluster or url',
    );
  });

  it('names the bad key when a value has the wrong type', () => {
    expect(() =>
      readProviderConfigs(
        new ConfigReader({
          catalog: {
            providers: { modelPublishing: { x: { namespaces: 'fraud' } } },
          },
        }),
      ),
    ).toThrow(/catalog\.providers\.modelPublishing\.x\.namespaces/);
  });
});
