import { modelPreamble } from './modelRoute';
import { DEFAULT_PAGE_LIMIT, type ApiRouter, type RouterDeps } from './types';

export function registerAuditRoutes(router: ApiRouter, deps: RouterDeps): void {
  const { auditLog } = deps;
  const authorizedModel = modelPreamble(deps.ctx);
  router.get(
    '/:addressedBy/:scope/:namespace/:name/audit',
    async (req, res) => {
      const { model } = await authorizedModel(req, 'audit.read');
      const { cursor, limit = DEFAULT_PAGE_LIMIT } = req.query;
      res.json(
        await auditLog.list({ entityRef: model.entityRef, cursor, limit }),
      );
    },
  );
}
