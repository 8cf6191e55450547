import YAML from 'yaml';

/** A kubeconfig pointing at the emulator. The token is not checked; it is there because some clients require credentials. */
export function kubeconfigYamlFor(url: string, name = 'kube-emulator'): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses plain http unless TLS verification is marked as skipped.
    clusters: [{ name, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name, user: { token: 'kube-emulator' } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}
