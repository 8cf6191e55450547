/*
 * The product as an attacker meets it, in one test backend: the real catalog backend with this repo's
 * catalog module (entities from the cluster) and URL locations read over HTTP, the real permission
 * framework (permission backend, permissions and registry services) with the portal's policy, and the
 * model-publishing backend plugin against a Kubernetes API emulator seeded with the demo cluster.
 * Only identity is mocked: tokens come from @backstage/backend-test-utils' mock auth, and group
 * membership from MEMBERSHIP below (what a sign-in resolver would put into the token).
 */
import {
  coreServices,
  createServiceFactory,
  type AuthService,
  type BackendFeature,
  type BackstageCredentials,
  type SchedulerService,
  type ServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { permissionsRegistryServiceFactory } from '@backstage/backend-defaults/permissionsRegistry';
import { urlReaderServiceFactory } from '@backstage/backend-defaults/urlReader';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/config';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import catalogModuleModelPublishing from '@model-publishing/plugin-catalog-backend-module-model-publishing';
import modelPublishingPlugin from '@model-publishing/plugin-model-publishing-backend';
import {
  exampleSeedDir,
  startEmulator,
  type Emulator,
} from '@model-publishing/kube-emulator';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import portalPolicy from '../modules/permissionPolicy';

/** Who belongs to which group (the demo organisation of examples/org.yaml). */
export const MEMBERSHIP: Record<string, string[]> = {
  'user:default/frank': ['group:default/fraud-detection'],
  'user:default/grace': ['group:default/genai'],
  'user:default/paul': ['group:default/platform'],
  'user:default/alice': ['group:default/admins'],
};

/** A service principal the config allows to ingest usage, and one it knows nothing about. */
export const INGEST_SUBJECT = 'external:usage-shipper';
export const OTHER_SERVICE_SUBJECT = 'external:some-automation';

export const headers = {
  user: (ref: string) => ({ Authorization: mockCredentials.user.header(ref) }),
  /** A static (external) token's principal calling this plugin. */
  service: (subject: string) => ({
    Authorization: mockCredentials.service.header({
      onBehalfOf: mockCredentials.service(subject),
      targetPluginId: 'model-publishing',
    }),
  }),
  none: () => ({ Authorization: mockCredentials.none.header() }),
  forged: () => ({ Authorization: mockCredentials.user.invalidHeader() }),
};

const MOCK_SERVICE_TOKEN_PREFIX = 'mock-service-token:';

/**
 * Mock auth that, like the real one, marks a plugin calling on a user's behalf as that plugin acting for
 * the user (`actor`): the permission backend refuses resource permissions without a resourceRef from a
 * user directly, but not from a plugin acting for one (the catalog's conditional decisions).
 */
const authFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory: ({ plugin }) => {
    const pluginId = plugin.getId();
    const inner = mockServices.auth({ pluginId });
    const auth: AuthService = {
      getNoneCredentials: () => inner.getNoneCredentials(),
      getOwnServiceCredentials: () => inner.getOwnServiceCredentials(),
      isPrincipal: ((credentials: BackstageCredentials, type: any) =>
        inner.isPrincipal(credentials, type)) as AuthService['isPrincipal'],
      getLimitedUserToken: credentials =>
        inner.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => inner.listPublicServiceKeys(),
      async getPluginRequestToken(options) {
        const principal = options.onBehalfOf.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type !== 'user')
          return inner.getPluginRequestToken(options);
        const claims = {
          sub: `plugin:${pluginId}`,
          obo: principal.userEntityRef,
          target: options.targetPluginId,
        };
        return {
          token: `${MOCK_SERVICE_TOKEN_PREFIX}${JSON.stringify(claims)}`,
        };
      },
      async authenticate(token, options) {
        if (token.startsWith(MOCK_SERVICE_TOKEN_PREFIX)) {
          const { sub, obo, target } = JSON.parse(
            token.slice(MOCK_SERVICE_TOKEN_PREFIX.length),
          );
          if (obo && sub && (!target || target === pluginId)) {
            return mockCredentials.user(obo, {
              actor: { subject: sub },
            }) as any;
          }
        }
        return inner.authenticate(token, options);
      },
    };
    return auth;
  },
});

/** httpAuth over the auth above (the mock httpAuth keeps an auth of its own); no token = no credentials. */
const httpAuthFactory = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { auth: coreServices.auth },
  factory: ({ auth }) => ({
    async credentials(
      req: any,
      options?: { allow?: string[]; allowLimitedAccess?: boolean },
    ) {
      const header = req.headers.authorization;
      const token =
        typeof header === 'string'
          ? header.match(/^Bearer[ ]+(\S+)$/i)?.[1]
          : undefined;
      const credentials =
        !token || token === 'mock-none-token'
          ? await auth.getNoneCredentials()
          : await auth.authenticate(token, {
              allowLimitedAccess: options?.allowLimitedAccess,
            });
      const type = (credentials.principal as { type: string }).type;
      if (options?.allow && !options.allow.includes(type)) {
        if (type === 'none')
          throw new AuthenticationError('Missing credentials');
        throw new NotAllowedError(
          `This endpoint does not allow '${type}' credentials`,
        );
      }
      return credentials as any;
    },
    async issueUserCookie() {
      return { expiresAt: new Date(Date.now() + 3_600_000) };
    },
  }),
});

const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const principal = credentials.principal as {
        type: string;
        userEntityRef?: string;
      };
      if (principal.type !== 'user' || !principal.userEntityRef) {
        throw new Error('user info is only for users');
      }
      const ref = principal.userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(MEMBERSHIP[ref] ?? [])],
      };
    },
  }),
});

/** Serves files a user controls (their repository), for catalog URL locations. */
async function startFileServer(
  files: Map<string, string>,
): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    res
      .writeHead(body === undefined ? 404 : 200, {
        'content-type': 'text/yaml',
      })
      .end(body ?? '');
  });
  await new Promise<void>(ok => server.listen(0, '127.0.0.1', ok));
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
}

export interface SecurityBackend {
  emulator: Emulator;
  request: ReturnType<typeof request>;
  /** The backend's own address (`http://127.0.0.1:<port>`), for clients other than supertest (benchmarks). */
  baseUrl: string;
  /** Files served at `${fileBase}${path}`: what a user commits to their repository. */
  files: Map<string, string>;
  fileBase: string;
  /** Runs a scheduled task now (e.g. `ModelPublishingEntityProvider:local:refresh`) and waits for it. */
  runTask(id: string): Promise<void>;
  /** Polls `fn` until it returns a value (or throws after `ms`). */
  waitFor<T>(fn: () => Promise<T | undefined>, ms?: number): Promise<T>;
  stop(): Promise<void>;
}

export async function startSecurityBackend(
  options: {
    /** Merged into `modelPublishing`. */
    config?: JsonObject;
    /** Merged into `backend` (e.g. `actions.pluginSources`). */
    backendConfig?: JsonObject;
    /** More plugins and modules (e.g. the MCP actions backend). */
    features?: BackendFeature[];
  } = {},
): Promise<SecurityBackend> {
  const emulator = await startEmulator({ seed: exampleSeedDir() });
  const files = new Map<string, string>();
  const { server: fileServer, base: fileBase } = await startFileServer(files);
  // The mock scheduler runs every task once at start-up (the provider's first read) and on triggerTask.
  // (mockServices.scheduler() is that mock; its instance also makes the factory, which the type hides.)
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(): ServiceFactory;
  };
  const schedule = { frequency: { seconds: 1 }, timeout: { seconds: 30 } };
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleModelPublishing,
      permissionPlugin,
      portalPolicy,
      modelPublishingPlugin,
      ...(options.features ?? []),
      permissionsServiceFactory,
      permissionsRegistryServiceFactory,
      urlReaderServiceFactory,
      userInfoFactory,
      authFactory,
      scheduler.factory(),
      ...(process.env.SECURITY_BACKEND_LOG
        ? [
            mockServices.rootLogger.factory({
              level: process.env.SECURITY_BACKEND_LOG as 'warn',
            }),
          ]
        : []),
      httpAuthFactory,
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://portal.test' },
          backend: {
            reading: { allow: [{ host: new URL(fileBase).host }] },
            ...options.backendConfig,
          },
          permission: {
            enabled: true,
            modelPublishing: { adminGroups: ['group:default/admins'] },
          },
          catalog: {
            rules: [
              {
                allow: [
                  'Component',
                  'System',
                  'API',
                  'Resource',
                  'Location',
                  'Group',
                  'User',
                  'Template',
                ],
              },
            ],
            processingInterval: { seconds: 1 },
            providers: {
              modelPublishing: {
                local: { url: emulator.url, skipTLSVerify: true, schedule },
              },
            },
          },
          modelPublishing: {
            defaultCluster: 'local',
            clusters: [
              { name: 'local', url: emulator.url, skipTLSVerify: true },
            ],
            gateway: {
              name: 'public-gateway',
              namespace: 'envoy-gateway-system',
              sectionName: 'https',
              publicBaseUrl: 'https://models.acme.example',
              llmHostnameTemplate: '{name}.{namespace}.llm.acme.example',
              rateLimitMode: 'global',
            },
            reconciler: { enabled: false },
            // generous: this machine's tests share two cores
            clusterRequestTimeoutMs: 30_000,
            usage: { ingest: { allowedSubjects: [INGEST_SUBJECT] } },
            ...options.config,
          },
        },
      }),
    ],
  });
  const waitFor = async <T>(
    fn: () => Promise<T | undefined>,
    ms = 60_000,
  ): Promise<T> => {
    const end = Date.now() + ms;
    const attempt = async (): Promise<T> => {
      let value: T | undefined;
      let error: unknown;
      try {
        value = await fn();
      } catch (e) {
        error = e;
      }
      if (value !== undefined) return value;
      if (Date.now() > end)
        throw new Error(`timed out waiting (${String(error ?? 'no value')})`);
      await new Promise(r => setTimeout(r, 250));
      return attempt();
    };
    return attempt();
  };
  return {
    emulator,
    request: request(backend.server),
    baseUrl: `http://127.0.0.1:${
      (backend.server.address() as AddressInfo).port
    }`,
    files,
    fileBase,
    waitFor,
    runTask: id => scheduler.triggerTask(id),
    async stop() {
      await backend.stop();
      await new Promise(ok => fileServer.close(ok));
      await emulator.close();
    },
  };
}
