import { auditReadPermission } from '@model-publishing/plugin-model-publishing-common';
import { DEFAULT_PAGE_LIMIT, type ApiRouter, type RouterDeps } from './types';

export function registerAuditRoutes(router: ApiRouter, deps: RouterDeps): void {
  const { ctx, auditLog } = deps;
  router.get(
    '/:addressedBy/:scope/:namespace/:name/audit',
    async (req, res) => {
      const credentials = await ctx.credentials(req);
      const model = await ctx.resolveModel(req.params);
      await ctx.authorize(
        req,
        credentials,
        auditReadPermission,
        model,
        'audit.read',
      );
      const { cursor, limit = DEFAULT_PAGE_LIMIT } = req.query;
      res.json(
        await auditLog.list({ entityRef: model.entityRef, cursor, limit }),
      );
    },
  );
}
