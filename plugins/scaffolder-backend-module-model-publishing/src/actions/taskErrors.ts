import type { TemplateAction } from '@backstage/plugin-scaffolder-node';

/**
 * The scaffolder writes a failed step's `error.stack` into the task log, which every reader of the task
 * sees. Our errors are messages for the person who ran the template (what failed and what to do), so
 * the stack is cut to the error's first line: "ConflictError: component:default/x is already published…".
 */
export function withoutStack(error: unknown): unknown {
  if (error instanceof Error) {
    error.stack = `${error.name}: ${error.message}`;
  }
  return error;
}

/** The action with a handler whose failures reach the task log as their message only. */
export function withTaskLogErrors<A extends TemplateAction<any, any, any>>(
  action: A,
): A {
  const handler = action.handler;
  return {
    ...action,
    handler: async ctx => {
      try {
        return await handler(ctx);
      } catch (error) {
        throw withoutStack(error);
      }
    },
  };
}
