import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { AuthenticationError } from '@backstage/errors';

/** Header the demo sign-in page sends with the chosen user's name. */
export const DEMO_USER_HEADER = 'x-demo-user';
const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

interface DemoUserResult {
  userName: string;
  displayName: string;
}

/**
 * A sign-in provider for the embedded demo portal only: a person picks one of the demo users and
 * becomes that catalog user, so the permission policy can be seen deciding differently per person.
 * It trusts a request header, so it must never be configured in production (app-config.production.yaml
 * does not). Sign-in still resolves through the catalog: unknown names are refused.
 */
export function createDemoAuthenticator(displayNames: Map<string, string>) {
  return createProxyAuthenticator<void, DemoUserResult, undefined>({
    defaultProfileTransform: async result => ({
      profile: { displayName: result.displayName },
    }),
    initialize() {},
    async authenticate({ req }) {
      const userName = req.header(DEMO_USER_HEADER)?.trim().toLowerCase();
      if (!userName || !USER_NAME.test(userName)) {
        throw new AuthenticationError(
          `Choose a demo user: the ${DEMO_USER_HEADER} header is missing or not a user name`,
        );
      }
      return {
        result: {
          userName,
          displayName: displayNames.get(userName) ?? userName,
        },
      };
    },
  });
}

export default createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-users-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ providers, config }) {
        // Display names come from the list the sign-in page offers (app.demoSignIn.users).
        const displayNames = new Map(
          (config.getOptionalConfigArray('app.demoSignIn.users') ?? []).map(
            u => [u.getString('name'), u.getString('displayName')] as const,
          ),
        );
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: createDemoAuthenticator(displayNames),
            async signInResolver({ result }, ctx) {
              return ctx.signInWithCatalogUser({
                entityRef: { name: result.userName },
              });
            },
          }),
        });
      },
    });
  },
});
