import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKubeConfig } from './kubeConfig';

describe('createKubeConfig', () => {
  it('builds a config from url, token and TLS settings', () => {
    const kc = createKubeConfig({
      url: 'https://k8s.example.com:6443',
      token: 'secret',
      skipTLSVerify: true,
    });
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'https://k8s.example.com:6443',
      skipTLSVerify: true,
    });
    expect(kc.getCurrentUser()).toMatchObject({ token: 'secret' });
  });

  it('reads a kubeconfig file and honours the context', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    const path = join(dir, 'kubeconfig');
    writeFileSync(
      path,
      `apiVersion: v1
kind: Config
clusters:
  - name: a
    cluster: { server: 'http://127.0.0.1:1111' }
  - name: b
    cluster: { server: 'http://127.0.0.1:2222' }
users: [{ name: u, user: {} }]
contexts:
  - name: a
    context: { cluster: a, user: u }
  - name: b
    context: { cluster: b, user: u }
current-context: a
`,
    );
    expect(
      createKubeConfig({ kubeconfigPath: path }).getCurrentCluster()?.server,
    ).toBe('http://127.0.0.1:1111');
    expect(
      createKubeConfig({
        kubeconfigPath: path,
        context: 'b',
      }).getCurrentCluster()?.server,
    ).toBe('http://127.0.0.1:2222');
  });

  it('allows plain HTTP on loopback only (client-node refuses it without skipTLSVerify)', () => {
    expect(
      createKubeConfig({ url: 'http://127.0.0.1:6443' }).getCurrentCluster()
        ?.skipTLSVerify,
    ).toBe(true);
    expect(
      createKubeConfig({ url: 'http://localhost:6443' }).getCurrentCluster()
        ?.skipTLSVerify,
    ).toBe(true);
    expect(
      createKubeConfig({ url: 'http://k8s.example.com' }).getCurrentCluster()
        ?.skipTLSVerify,
    ).toBe(false);
    expect(
      createKubeConfig({ url: 'http://127.0.0.1.evil.com' }).getCurrentCluster()
        ?.skipTLSVerify,
    ).toBe(false);
  });
});
