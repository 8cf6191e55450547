import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { kubernetesRouterExtensionPoint } from '@backstage/plugin-kubernetes-node';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import express from 'express';

/**
 * Anything else through the Kubernetes proxy than a user's read of pod logs and events: Secrets (the raw
 * API keys live in `<isvc>-mp-keys`), writes, exec. The portal policy gives it to admins only.
 */
export const kubernetesProxyUnrestrictedPermission = createPermission({
  name: 'kubernetes.proxy.unrestricted',
  attributes: { action: 'update' },
});

// A Kubernetes object name (DNS subdomain). The path is matched as sent: no percent-escapes, dot segments
// or empty segments, so nothing can be decoded or normalised into another path after this check.
const NAME = '[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?';
const USER_READABLE = [
  // the Kubernetes tab's Logs dialog (KubernetesProxyClient.getPodLogs)
  new RegExp(`^/api/v1/namespaces/${NAME}/pods/${NAME}/log$`),
  // its Events dialog (getEventsByInvolvedObjectName)
  new RegExp(`^/api/v1/namespaces/${NAME}/events$`),
];

/** Whether a user may send this request through the proxy with `kubernetes.proxy` alone. Pure. */
export function isUserReadable(method: string, path: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (/%|\\|\/\/|\/\.\.?(\/|$)/.test(path)) return false;
  return USER_READABLE.some(r => r.test(path));
}

/**
 * The Kubernetes backend's proxy forwards requests with the backend's own cluster identity, and Backstage's
 * `kubernetes.proxy` permission carries no path: whoever has it could read every key Secret and send
 * writes (issue 14, finding 3). This guard stands in front of the proxy: users get read-only pod logs and
 * events; anything else needs `kubernetes.proxy.unrestricted` (admins). Service principals skip the portal
 * policy in Backstage, so they are refused here outright: no service of the portal uses the proxy.
 */
export function kubernetesProxyGuard(deps: {
  httpAuth: typeof coreServices.httpAuth.T;
  permissions: typeof coreServices.permissions.T;
}): express.RequestHandler {
  return async (req, _res, next) => {
    try {
      const credentials = await deps.httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      if (credentials.principal.type !== 'user') {
        throw new NotAllowedError(
          'the Kubernetes proxy is for signed-in users only',
        );
      }
      if (isUserReadable(req.method, req.path)) {
        next(); // the proxy itself still checks kubernetes.proxy
        return;
      }
      const [decision] = await deps.permissions.authorize(
        [{ permission: kubernetesProxyUnrestrictedPermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          'through the Kubernetes proxy, users may only read pod logs and events',
        );
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}

export default createBackendModule({
  pluginId: 'kubernetes',
  moduleId: 'model-publishing-proxy-guard',
  register(reg) {
    reg.registerInit({
      deps: {
        router: kubernetesRouterExtensionPoint,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
      },
      async init({ router, httpAuth, permissions }) {
        const guard = kubernetesProxyGuard({ httpAuth, permissions });
        router.addRouter(({ getDefault }) => {
          const guarded = express.Router();
          guarded.use('/proxy', guard);
          guarded.use(getDefault());
          return guarded;
        });
      },
    });
  },
});
