import express, {
  type ErrorRequestHandler,
  type RequestHandler,
} from 'express';

/** Routes whose request body is verified by a signature over its raw bytes. */
export const SIGNED_PATHS = new Set(['/secret-scanning/github']);

/** A request whose raw JSON body the parser kept (SIGNED_PATHS only). */
export type RawBodyRequest = { rawBody?: Buffer };

/** Seconds a client should wait before retrying a 503 (a cluster unreachable or busy). */
export const RETRY_AFTER_SECONDS = 10;

/**
 * The router's JSON body parser, answering a body over its limit with 413 in Backstage's error shape.
 * (The OpenAPI router turns every error of its middleware into a 400 InputError, so this cannot be
 * left to the error handler.)
 */
export function jsonBodyParser(): RequestHandler {
  const parse = express.json({
    // Signed requests are verified over their exact bytes (router/leaks.ts): keep those, only for that path.
    verify: (req, _res, buf) => {
      if (SIGNED_PATHS.has((req.url ?? '').split('?')[0]))
        (req as RawBodyRequest).rawBody = buf;
    },
  });
  return (req, res, next) =>
    parse(req, res, error => {
      const e = error as { type?: string; limit?: number } | undefined;
      if (e?.type !== 'entity.too.large') {
        next(error);
        return;
      }
      res.status(413).json({
        error: {
          name: 'PayloadTooLargeError',
          message: `request body: larger than the ${
            e.limit ?? ''
          } bytes this API accepts`,
        },
        request: { method: req.method, url: req.originalUrl },
        response: { statusCode: 413 },
      });
    });
}

/** Runs before Backstage's error handler, which writes the body: every 503 says when to retry. */
export function faultAnswers(): ErrorRequestHandler {
  return (error, _req, res, next) => {
    const e = error as { name?: string; statusCode?: number };
    if (e?.name === 'ServiceUnavailableError' || e?.statusCode === 503) {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    }
    next(error);
  };
}
