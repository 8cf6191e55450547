import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createModelPublishingActions } from '../actions';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { OWNER, StubBackend } from './stubBackend';

export const APP_BASE_URL = 'http://portal.test';

/** The three actions wired exactly as the module wires them, with discovery pointing at the stub. */
export function actionsFor(stub: StubBackend) {
  const [publish, update, unpublish] = createModelPublishingActions({
    auth: mockServices.auth({ pluginId: 'scaffolder' }),
    discovery: {
      getBaseUrl: async () => stub.url,
      getExternalBaseUrl: async () => stub.url,
    },
    config: mockServices.rootConfig({
      data: { app: { baseUrl: APP_BASE_URL } },
    }),
    permissions: ownerOnlyPermissions(),
  });
  return { publish, update, unpublish };
}

/** The demo policy in small: the owner may do anything, everyone else is denied. */
export function ownerOnlyPermissions() {
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(async (requests, { credentials }) =>
    requests.map(() => ({
      result:
        (credentials.principal as { userEntityRef?: string }).userEntityRef ===
        OWNER
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    })),
  );
  return permissions;
}

/** A mock action context whose logger and outputs can be read back in full. */
export function contextFor(
  input: Record<string, unknown>,
  options: { user?: string; isDryRun?: boolean } = {},
) {
  const logger = mockServices.logger.mock();
  // createMockActionContext ignores isDryRun and getInitiatorCredentials, so they are set on top.
  // test-utils 0.3.14 brings its own scaffolder-node copy; the context is typed against ours.
  const ctx: ActionContext<any, any> = {
    ...(createMockActionContext<any>({
      input,
      logger,
    }) as unknown as ActionContext<any, any>),
    isDryRun: options.isDryRun,
    getInitiatorCredentials: async () =>
      mockCredentials.user(options.user ?? OWNER),
  };
  const output = ctx.output as jest.Mock;
  return {
    ctx,
    outputs: (): Record<string, unknown> =>
      Object.fromEntries(output.mock.calls),
    /** Every argument of every log call, as text. */
    logText: (): string =>
      (['debug', 'info', 'warn', 'error'] as const)
        .flatMap(level => (logger[level] as jest.Mock).mock.calls)
        .map(args => JSON.stringify(args))
        .join('\n'),
  };
}
