import {
  API,
  entryService,
  gatewayParentRefs,
  modelPathPrefix,
  objectMetadata,
  objectName,
} from './names';
import type { BuildInput, KubeObject } from './types';

/**
 * The public route of a traditional (v1/v2) model: `/models/<ns>/<isvc>/…` on the shared host,
 * rewritten to `/…` so the model server sees its own paths (`/v1/models/<name>:predict`).
 */
export function buildHttpRoute(input: BuildInput): KubeObject {
  const { isvc } = input;
  const { name, namespace } = isvc.metadata;
  const service = entryService(isvc);
  return {
    apiVersion: API.httpRoute,
    kind: 'HTTPRoute',
    metadata: objectMetadata(input, objectName(name)),
    spec: {
      parentRefs: gatewayParentRefs(input),
      ...(input.config.hostname ? { hostnames: [input.config.hostname] } : {}),
      rules: [
        {
          matches: [
            {
              path: {
                type: 'PathPrefix',
                value: modelPathPrefix(namespace!, name),
              },
            },
          ],
          filters: [
            {
              type: 'URLRewrite',
              urlRewrite: {
                path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' },
              },
            },
          ],
          backendRefs: [
            {
              group: '',
              kind: 'Service',
              name: service.name,
              port: service.port,
            },
          ],
        },
      ],
    },
  };
}
