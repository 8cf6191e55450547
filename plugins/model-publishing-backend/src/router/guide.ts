import { NotFoundError } from '@backstage/errors';
import { publicationReadPermission } from '@model-publishing/plugin-model-publishing-common';
import type { Router } from 'express';
import { modelRoute } from './context';
import type { RouterDeps } from './types';

export function registerGuideRoutes(router: Router, deps: RouterDeps): void {
  const { ctx, publications, publishing } = deps;
  modelRoute(router, ctx, 'get', '/publication/guide', async (model, req, res) => {
    const credentials = await ctx.credentials(req);
    await ctx.authorize(req, credentials, publicationReadPermission, model, 'publication.read');
    const publication = await publications.findLive(model.cluster, model.namespace, model.name);
    if (!publication) {
      throw new NotFoundError(`${model.namespace}/${model.name} is not published`);
    }
    res.json(await publishing.guide(publication));
  });
}
