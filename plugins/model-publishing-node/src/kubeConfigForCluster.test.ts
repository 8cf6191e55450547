import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeConfigForCluster } from './kubeConfigForCluster';

const TWO_CONTEXTS = `apiVersion: v1
kind: Config
clusters:
  - name: a
    cluster: { server: 'http://127.0.0.1:1111' }
  - name: b
    cluster: { server: 'https://b.example.com:6443' }
users:
  - name: u
    user: { token: from-file }
contexts:
  - name: a
    context: { cluster: a, user: u }
  - name: b
    context: { cluster: b, user: u }
current-context: a
`;

function kubeconfigFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kc-')), 'kubeconfig');
  writeFileSync(path, text);
  return path;
}

describe('kubeConfigForCluster', () => {
  it('connects to a url with the service account token of the Kubernetes plugin vocabulary', () => {
    const kc = kubeConfigForCluster({
      name: 'prod',
      url: 'https://k8s.example.com:6443',
      skipTLSVerify: true,
      caData: 'Q0E=',
      authMetadata: {
        'kubernetes.io/auth-provider': 'serviceAccount',
        serviceAccountToken: 'secret',
      },
    });
    expect(kc.getCurrentContext()).toBe('prod');
    expect(kc.getCurrentCluster()).toMatchObject({
      name: 'prod',
      server: 'https://k8s.example.com:6443',
      skipTLSVerify: true,
      caData: 'Q0E=',
    });
    expect(kc.getCurrentUser()).toMatchObject({
      name: 'prod',
      token: 'secret',
    });
  });

  it('reads the pod token file for serviceAccount without a token, and sends nothing for anonymous', () => {
    const pod = kubeConfigForCluster({
      name: 'prod',
      url: 'https://k8s.example.com',
      authMetadata: { 'kubernetes.io/auth-provider': 'serviceAccount' },
    });
    expect(pod.getCurrentUser()).toEqual({
      name: 'prod',
      authProvider: {
        name: 'tokenFile',
        config: {
          tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
        },
      },
    });
    const anonymous = kubeConfigForCluster({
      name: 'dev',
      url: 'https://k8s.example.com',
      authMetadata: {},
    });
    expect(anonymous.getCurrentUser()).toEqual({ name: 'dev' });
  });

  it('refuses auth providers it cannot speak, and a missing url, naming the cluster', () => {
    expect(() =>
      kubeConfigForCluster({
        name: 'gke',
        url: 'https://gke.example.com',
        authMetadata: { 'kubernetes.io/auth-provider': 'google' },
      }),
    ).toThrow(
      "cluster 'gke': authProvider 'google' is not supported by model publishing",
    );
    expect(() =>
      kubeConfigForCluster({ name: 'x', url: '', authMetadata: {} }),
    ).toThrow("cluster 'x': url is missing");
  });

  it('reads a kubeconfig file each time and honours the context', () => {
    const path = kubeconfigFile(TWO_CONTEXTS);
    const current = kubeConfigForCluster({
      name: 'local',
      kubeconfig: { path },
    });
    expect(current.getCurrentCluster()?.server).toBe('http://127.0.0.1:1111');
    expect(current.getCurrentUser()?.token).toBe('from-file');
    const b = kubeConfigForCluster({
      name: 'local',
      kubeconfig: { path },
      context: 'b',
    });
    expect(b.getCurrentContext()).toBe('b');
    expect(b.getCurrentCluster()?.server).toBe('https://b.example.com:6443');

    writeFileSync(path, TWO_CONTEXTS.replace('1111', '2222'));
    expect(
      kubeConfigForCluster({
        name: 'local',
        kubeconfig: { path },
      }).getCurrentCluster()?.server,
    ).toBe('http://127.0.0.1:2222');
  });

  it('reads a kubeconfig document (clusters given in code)', () => {
    const kc = kubeConfigForCluster({
      name: 'local',
      kubeconfig: { document: TWO_CONTEXTS },
      context: 'b',
    });
    expect(kc.getCurrentCluster()?.server).toBe('https://b.example.com:6443');
  });

  it('names the cluster and what is wrong with its kubeconfig', () => {
    expect(() =>
      kubeConfigForCluster({
        name: 'local',
        kubeconfig: { path: '/nonexistent/kubeconfig' },
      }),
    ).toThrow(
      "cluster 'local': cannot read kubeconfig /nonexistent/kubeconfig",
    );
    expect(() =>
      kubeConfigForCluster({
        name: 'local',
        kubeconfig: { document: TWO_CONTEXTS },
        context: 'c',
      }),
    ).toThrow(
      "cluster 'local': context 'c' is not in its kubeconfig (contexts: a, b)",
    );
    expect(() =>
      kubeConfigForCluster({
        name: 'local',
        kubeconfig: { document: 'apiVersion: v1\nkind: Config\n' },
      }),
    ).toThrow("cluster 'local': its kubeconfig has no current context");
  });

  it('allows plain HTTP on loopback only (client-node refuses it without skipTLSVerify)', () => {
    const skip = (url: string) =>
      kubeConfigForCluster({
        name: 'c',
        url,
        authMetadata: {},
      }).getCurrentCluster()?.skipTLSVerify;
    expect(skip('http://127.0.0.1:6443')).toBe(true);
    expect(skip('http://localhost:6443')).toBe(true);
    expect(skip('http://[::1]:6443')).toBe(true);
    expect(skip('http://k8s.example.com')).toBe(false);
    expect(skip('http://127.0.0.1.evil.com')).toBe(false);
    expect(skip('https://127.0.0.1:6443')).toBe(false);
    // Also for servers from a kubeconfig (the emulator's, written without the flag).
    expect(
      kubeConfigForCluster({
        name: 'c',
        kubeconfig: { document: TWO_CONTEXTS },
      }).getCurrentCluster()?.skipTLSVerify,
    ).toBe(true);
  });

  it('uses the pod service account for inCluster', () => {
    const env = { ...process.env };
    process.env.KUBERNETES_SERVICE_HOST = '10.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    try {
      const kc = kubeConfigForCluster({ name: 'prod', inCluster: true });
      expect(kc.getCurrentCluster()?.server).toBe('https://10.0.0.1:443');
      expect(kc.getCurrentUser()?.authProvider?.config?.tokenFile).toBe(
        '/var/run/secrets/kubernetes.io/serviceaccount/token',
      );
    } finally {
      process.env = env;
    }
  });
});
