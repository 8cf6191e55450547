import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ActionContext,
  ScaffolderActionsExtensionPoint,
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse } from 'yaml';
import { createModelPublishingActions } from '../actions';
import { OWNER, StubBackend, startStubBackend } from './stubBackend';

export const APP_BASE_URL = 'http://portal.test';

/** The three actions wired exactly as the module wires them, with discovery pointing at the stub. */
export function actionsFor(stub: Pick<StubBackend, 'url'>) {
  const [publish, update, unpublish, requestAccess] =
    createModelPublishingActions({
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
      discovery: {
        getBaseUrl: async () => stub.url,
        getExternalBaseUrl: async () => stub.url,
      },
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
      permissions: ownerPolicy(),
    });
  return { publish, update, unpublish, requestAccess };
}

export type Actions = ReturnType<typeof actionsFor>;

/**
 * The demo policy in small: the owner may do anything, everyone else is denied, except what the
 * options let everyone do. `otherPlugins` also answers the scaffolder's conditional checks with ALLOW.
 */
export function ownerPolicy(
  allow: { reads?: boolean; otherPlugins?: boolean } = {},
) {
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(async (requests, { credentials }) =>
    requests.map(({ permission }) => ({
      result:
        (credentials.principal as { userEntityRef?: string }).userEntityRef ===
          OWNER ||
        (allow.reads && permission.attributes.action === 'read') ||
        (allow.otherPlugins && !permission.name.startsWith('model-publishing.'))
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    })),
  );
  if (allow.otherPlugins) {
    permissions.authorizeConditional.mockImplementation(async requests =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
  }
  return permissions;
}

/**
 * A fresh stub backend and actions for each test of the enclosing describe (closed after it). With
 * `publishFirst`, the owner publishes that input before the test and the request log is cleared.
 */
export function useStubBackend(
  options: { publishFirst?: Record<string, unknown> } = {},
) {
  const env = {} as { stub: StubBackend; actions: Actions };
  beforeEach(async () => {
    env.stub = await startStubBackend();
    env.actions = actionsFor(env.stub);
    if (options.publishFirst) {
      await env.actions.publish.handler(contextFor(options.publishFirst).ctx);
      env.stub.requests.length = 0;
    }
  });
  afterEach(() => env.stub.close());
  return env;
}

/** A mock action context whose logger and outputs can be read back in full. */
export function contextFor(
  input: Record<string, unknown>,
  options: ContextOptions = {},
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

export interface ContextOptions {
  user?: string;
  isDryRun?: boolean;
}

/** Anything with a handler: our actions, or the ones a real backend registered. */
export type Runnable = { handler(ctx: ActionContext<any, any>): Promise<void> };

/** Runs the action in a fresh context; `error` is what it threw, if it threw. */
export async function settle(
  action: Runnable,
  input: Record<string, unknown>,
  options: ContextOptions = {},
) {
  const context = contextFor(input, options);
  const error: any = await action.handler(context.ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ...context, error };
}

/** Runs the action and rethrows its failure, so a test that expects success fails with the cause. */
export async function run(
  action: Runnable,
  input: Record<string, unknown>,
  options: ContextOptions = {},
) {
  const { error, ...context } = await settle(action, input, options);
  if (error) throw error;
  return context;
}

/** Runs an action that must fail; a success fails the test. */
export async function failureOf(
  action: Runnable,
  input: Record<string, unknown>,
  options: ContextOptions = {},
) {
  const result = await settle(action, input, options);
  if (!result.error) {
    throw new Error(`expected ${JSON.stringify(input)} to fail, it succeeded`);
  }
  return result;
}

/** Collects what the module registers on the scaffolder's actions extension point. */
export function collectActions() {
  const registered: TemplateAction<any, any, any>[] = [];
  const extensionPoint: [
    typeof scaffolderActionsExtensionPoint,
    ScaffolderActionsExtensionPoint,
  ] = [
    scaffolderActionsExtensionPoint,
    {
      addActions: (...a: TemplateAction<any, any, any>[]) => {
        registered.push(...a);
      },
    },
  ];
  return { registered, extensionPoint };
}

/** templates/publish-model/template.yaml, parsed. */
export function loadPublishModelTemplate() {
  return parse(
    readFileSync(
      resolve(__dirname, '../../../../templates/publish-model/template.yaml'),
      'utf8',
    ),
  );
}
