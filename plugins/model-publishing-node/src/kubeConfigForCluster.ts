import { InputError } from '@backstage/errors';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import { KubeConfig, type User } from '@kubernetes/client-node';
import type {
  KubeconfigClusterDetails,
  ModelPublishingClusterDetails,
} from './clusterDetails';

/** Where Kubernetes mounts a pod's service account token (client-node's loadFromCluster reads it too). */
const POD_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * The one place that turns a cluster's details into a client-node KubeConfig. Plain `http://` servers on
 * loopback are allowed (the embedded emulator's). Throws an `InputError` naming the cluster and
 * what is missing or wrong: no url, an unknown context, an auth provider it cannot speak, an unreadable
 * kubeconfig file.
 *
 * @public
 */
export function kubeConfigForCluster(
  details: ModelPublishingClusterDetails,
): KubeConfig {
  if ('inCluster' in details) {
    const kc = new KubeConfig();
    kc.loadFromCluster();
    return kc;
  }
  if ('kubeconfig' in details)
    return allowLoopbackHttp(fromKubeconfig(details));
  return allowLoopbackHttp(fromUrl(details));
}

function fromKubeconfig(details: KubeconfigClusterDetails): KubeConfig {
  const { name, kubeconfig, context } = details;
  const kc = new KubeConfig();
  if (kubeconfig === 'default') {
    kc.loadFromDefault();
  } else if ('path' in kubeconfig) {
    try {
      kc.loadFromFile(kubeconfig.path);
    } catch (e) {
      throw new InputError(
        `cluster '${name}': cannot read kubeconfig ${kubeconfig.path}`,
        e,
      );
    }
  } else {
    try {
      kc.loadFromString(kubeconfig.document);
    } catch (e) {
      throw new InputError(
        `cluster '${name}': its kubeconfig document does not parse`,
        e,
      );
    }
  }
  if (context) {
    if (!kc.getContextObject(context)) {
      const known = kc.contexts.map(c => c.name).join(', ') || 'none';
      throw new InputError(
        `cluster '${name}': context '${context}' is not in its kubeconfig (contexts: ${known})`,
      );
    }
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) {
    throw new InputError(
      `cluster '${name}': its kubeconfig has no current context with a cluster; set current-context or context`,
    );
  }
  return kc;
}

function fromUrl(details: ClusterDetails): KubeConfig {
  const { name, url } = details;
  if (!url) throw new InputError(`cluster '${name}': url is missing`);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name,
        server: url,
        skipTLSVerify: details.skipTLSVerify ?? false,
        caData: details.caData,
        caFile: details.caFile,
      },
    ],
    users: [userFor(details)],
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name,
  });
  return kc;
}

/**
 * The Kubernetes plugin's `serviceAccount` (the configured token, else the pod's token file, re-read as
 * client-node does for in-cluster clients) and `anonymous`. Its other providers (cloud IAM, OIDC) act
 * for a signed-in user or through cloud SDKs, which a backend acting for itself does not have.
 */
function userFor(details: ClusterDetails): User {
  const { name } = details;
  const token = details.authMetadata?.serviceAccountToken;
  const provider =
    details.authMetadata?.[ANNOTATION_KUBERNETES_AUTH_PROVIDER] ??
    (token ? 'serviceAccount' : 'anonymous');
  if (provider === 'anonymous') return { name };
  if (provider !== 'serviceAccount') {
    throw new InputError(
      `cluster '${name}': authProvider '${provider}' is not supported by model publishing (serviceAccount or anonymous); give it a serviceAccountToken, a kubeconfig or inCluster in modelPublishing.clusters`,
    );
  }
  if (token) return { name, token };
  return {
    name,
    authProvider: { name: 'tokenFile', config: { tokenFile: POD_TOKEN_FILE } },
  };
}

const LOOPBACK =
  /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/;

/**
 * client-node refuses plain `http://` servers unless `skipTLSVerify` is set. The embedded emulator serves
 * plain HTTP on loopback (its kubeconfig may not set the flag), so loopback HTTP is allowed here; a
 * non-loopback `http://` server still needs an explicit `skipTLSVerify: true`.
 */
function allowLoopbackHttp(kc: KubeConfig): KubeConfig {
  if (!kc.clusters.some(c => LOOPBACK.test(c.server) && !c.skipTLSVerify))
    return kc;
  const fixed = new KubeConfig();
  fixed.loadFromOptions({
    clusters: kc.clusters.map(c =>
      LOOPBACK.test(c.server) ? { ...c, skipTLSVerify: true } : c,
    ),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return fixed;
}
