import { createOpenApiRouter } from '../schema/openapi.generated';
import { registerAccessRoutes } from './access';
import { registerAuditRoutes } from './audit';
import { faultAnswers, jsonBodyParser } from './faultAnswers';
import { registerGuideRoutes } from './guide';
import { registerKeyRoutes } from './keys';
import { registerLeakRoutes } from './leaks';
import { registerDeprecationRoutes } from './deprecation';
import { registerPublicationRoutes } from './publications';
import { registerTryItRoutes } from './tryIt';
import type { ApiRouter, RouterDeps } from './types';
import { registerUsageRoutes } from './usage';

export type { ApiRouter, RouterDeps } from './types';

/**
 * The plugin's router: requests are validated against openapi.yaml first (bad input → 400 naming the
 * field), then each area registers its thin handlers.
 */
export async function createRouter(deps: RouterDeps): Promise<ApiRouter> {
  const router = createOpenApiRouter({ middleware: [jsonBodyParser()] });
  // First: GET /access/keys/:keyId/usage has four segments, like a model's address
  // (/:addressedBy/:scope/:namespace/:name), and express answers with the first route that matches.
  registerAccessRoutes(router, deps);
  registerPublicationRoutes(router, deps);
  registerKeyRoutes(router, deps);
  registerTryItRoutes(router, deps);
  registerUsageRoutes(router, deps);
  registerAuditRoutes(router, deps);
  registerGuideRoutes(router, deps);
  registerLeakRoutes(router, deps);
  registerDeprecationRoutes(router, deps);
  router.use(faultAnswers());
  return router;
}
