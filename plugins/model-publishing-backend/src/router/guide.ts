import { NotFoundError } from '@backstage/errors';
import { publicationReadPermission } from '@model-publishing/plugin-model-publishing-common';
import type { ApiRouter, RouterDeps } from './types';

export function registerGuideRoutes(router: ApiRouter, deps: RouterDeps): void {
  const { ctx, publications, guides } = deps;
  router.get(
    '/:addressedBy/:scope/:namespace/:name/publication/guide',
    async (req, res) => {
      const credentials = await ctx.credentials(req);
      const model = await ctx.resolveModel(req.params);
      await ctx.authorize(
        req,
        credentials,
        publicationReadPermission,
        model,
        'publication.read',
      );
      const publication = await publications.findLive(
        model.cluster,
        model.namespace,
        model.name,
      );
      if (!publication) {
        throw new NotFoundError(
          `${model.namespace}/${model.name} is not published`,
        );
      }
      res.json(await guides.render(publication));
    },
  );
}
