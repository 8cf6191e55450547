import { auditReadPermission } from '@model-publishing/plugin-model-publishing-common';
import type { Router } from 'express';
import { modelRoute, parsePageQuery } from './context';
import type { RouterDeps } from './types';

export function registerAuditRoutes(router: Router, deps: RouterDeps): void {
  const { ctx, auditLog } = deps;
  modelRoute(router, ctx, 'get', '/audit', async (model, req, res) => {
    const credentials = await ctx.credentials(req);
    await ctx.authorize(req, credentials, auditReadPermission, model, 'audit.read');
    const page = await auditLog.list({ entityRef: model.entityRef, ...parsePageQuery(req.query) });
    res.json(page);
  });
}
