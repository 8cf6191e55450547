import { ConfigReader } from '@backstage/config';
import {
  hasClusterConnection,
  readClusterDetails,
  readModelPublishingClusters,
} from './readClusters';

const read = (data: object) =>
  readModelPublishingClusters(new ConfigReader(data));

describe('readModelPublishingClusters', () => {
  it("reads modelPublishing.clusters' own keys unchanged", () => {
    expect(
      read({
        modelPublishing: {
          clusters: [
            { name: 'local', kubeconfig: '/k', context: 'admin' },
            { name: 'prod', inCluster: true },
            {
              name: 'remote',
              url: 'https://k8s.example.com',
              token: 't',
              caData: 'Q0E=',
              skipTLSVerify: true,
            },
            { name: 'open', url: 'http://127.0.0.1:6443' },
          ],
        },
      }),
    ).toEqual([
      { name: 'local', kubeconfig: { path: '/k' }, context: 'admin' },
      { name: 'prod', inCluster: true },
      {
        name: 'remote',
        url: 'https://k8s.example.com',
        caData: 'Q0E=',
        skipTLSVerify: true,
        authMetadata: {
          'kubernetes.io/auth-provider': 'serviceAccount',
          serviceAccountToken: 't',
        },
      },
      {
        name: 'open',
        url: 'http://127.0.0.1:6443',
        skipTLSVerify: false,
        authMetadata: { 'kubernetes.io/auth-provider': 'anonymous' },
      },
    ]);
  });

  it("reads the Kubernetes plugin's cluster keys, and clusters keyed by name", () => {
    expect(
      read({
        modelPublishing: {
          clusters: {
            prod: {
              url: 'https://k8s.example.com',
              authProvider: 'serviceAccount',
              serviceAccountToken: 'sa',
              caFile: '/ca.pem',
            },
            meta: {
              url: 'https://k8s.example.com',
              authMetadata: {
                'kubernetes.io/auth-provider': 'serviceAccount',
                serviceAccountToken: 'from-block',
              },
            },
            file: { kubeconfigPath: '/k' },
          },
        },
      }),
    ).toEqual([
      {
        name: 'prod',
        url: 'https://k8s.example.com',
        skipTLSVerify: false,
        caFile: '/ca.pem',
        authMetadata: {
          'kubernetes.io/auth-provider': 'serviceAccount',
          serviceAccountToken: 'sa',
        },
      },
      {
        name: 'meta',
        url: 'https://k8s.example.com',
        skipTLSVerify: false,
        authMetadata: {
          'kubernetes.io/auth-provider': 'serviceAccount',
          serviceAccountToken: 'from-block',
        },
      },
      { name: 'file', kubeconfig: { path: '/k' } },
    ]);
  });

  it('takes the Kubernetes plugin config clusters with clustersFrom: kubernetes, after its own', () => {
    const kubernetes = {
      clusterLocatorMethods: [
        { type: 'catalog' },
        {
          type: 'config',
          clusters: [
            {
              name: 'production',
              url: 'https://k8s.example.com',
              authProvider: 'serviceAccount',
              serviceAccountToken: 'sa',
              skipMetricsLookup: true,
            },
          ],
        },
      ],
    };
    expect(read({ kubernetes })).toEqual([]);
    expect(
      read({
        kubernetes,
        modelPublishing: {
          clustersFrom: 'kubernetes',
          clusters: [{ name: 'local', inCluster: true }],
        },
      }).map(c => [c.name, 'url' in c && c.authMetadata]),
    ).toEqual([
      ['local', false],
      [
        'production',
        {
          'kubernetes.io/auth-provider': 'serviceAccount',
          serviceAccountToken: 'sa',
        },
      ],
    ]);
  });

  it('names what is wrong', () => {
    expect(() =>
      read({ modelPublishing: { clusters: [{ name: 'x' }] } }),
    ).toThrow(
      'modelPublishing.clusters[x]: set exactly one of kubeconfig, inCluster or url',
    );
    expect(() =>
      read({
        modelPublishing: {
          clusters: [{ name: 'x', inCluster: true, url: 'https://a' }],
        },
      }),
    ).toThrow('modelPublishing.clusters[x]: set exactly one of');
    expect(() =>
      read({
        modelPublishing: {
          clusters: [
            { name: 'x', inCluster: true },
            { name: 'x', url: 'https://a' },
          ],
        },
      }),
    ).toThrow("cluster 'x' is given twice");
    expect(() =>
      read({ modelPublishing: { clustersFrom: 'kubernetes' } }),
    ).toThrow(
      'kubernetes.clusterLocatorMethods has no clusters of type config',
    );
    expect(() =>
      read({ modelPublishing: { clustersFrom: 'catalog' } }),
    ).toThrow("modelPublishing.clustersFrom must be kubernetes, got 'catalog'");
    expect(() =>
      read({
        modelPublishing: {
          clusters: [{ name: 'x', url: 'https://a', authMetadata: ['a'] }],
        },
      }),
    ).toThrow('modelPublishing.clusters[x].authMetadata must be an object');
  });
});

describe('readClusterDetails', () => {
  it("falls back to the process's default kubeconfig only when asked", () => {
    const config = new ConfigReader({ context: 'admin' });
    expect(hasClusterConnection(config)).toBe(true);
    expect(hasClusterConnection(new ConfigReader({ namespaces: [] }))).toBe(
      false,
    );
    expect(
      readClusterDetails(config, {
        name: 'c',
        where: 'p',
        defaultKubeconfig: true,
      }),
    ).toEqual({ name: 'c', kubeconfig: 'default', context: 'admin' });
    expect(() => readClusterDetails(config, { name: 'c', where: 'p' })).toThrow(
      'p: set exactly one of kubeconfig, inCluster or url',
    );
  });
});
