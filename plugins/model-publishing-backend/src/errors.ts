import { CustomErrorBase } from '@backstage/errors';

/**
 * The request is well-formed but breaks a rule (tenant namespace, quota): HTTP 422.
 * @backstage/errors has no 422 error; Backstage's error handler (MiddlewareFactory.error) honours a
 * numeric `statusCode` on any error before mapping by name, so setting it here is all it takes — the
 * body keeps the standard `{ error: { name: 'UnprocessableError', message } }` shape.
 */
export class UnprocessableError extends CustomErrorBase {
  name = 'UnprocessableError' as const;
  readonly statusCode = 422;
}
