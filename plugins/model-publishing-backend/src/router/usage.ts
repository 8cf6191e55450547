import { NotImplementedError } from '@backstage/errors';
import type { Router } from 'express';
import { modelRoute } from './context';
import type { RouterDeps } from './types';

/** Stub until the usage helper lands its routes (backend contract: usage.ts is theirs). */
export function registerUsageRoutes(router: Router, deps: RouterDeps): void {
  const notYet = async () => {
    throw new NotImplementedError('usage routes are not implemented yet');
  };
  modelRoute(router, deps.ctx, 'get', '/publication/usage', notYet);
  modelRoute(router, deps.ctx, 'get', '/publication/usage.csv', notYet);
  router.get('/usage/summary', notYet);
  router.post('/usage/ingest', notYet);
}
