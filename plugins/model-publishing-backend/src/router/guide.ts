import { publicationReadPermission } from '@model-publishing/plugin-model-publishing-common';
import { modelPreamble } from './modelRoute';
import { publicationOf } from './publicationOf';
import type { ApiRouter, RouterDeps } from './types';

export function registerGuideRoutes(router: ApiRouter, deps: RouterDeps): void {
  const { publications, guides } = deps;
  const authorizedModel = modelPreamble(deps.ctx);
  router.get(
    '/:addressedBy/:scope/:namespace/:name/publication/guide',
    async (req, res) => {
      const { model } = await authorizedModel(req, {
        permission: publicationReadPermission,
        action: 'publication.read',
      });
      res.json(
        await guides.render(await publicationOf(publications, model, 'live')),
      );
    },
  );
}
