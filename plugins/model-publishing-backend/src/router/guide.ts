import { publicationPreamble } from './modelRoute';
import type { ApiRouter, RouterDeps } from './types';

export function registerGuideRoutes(router: ApiRouter, deps: RouterDeps): void {
  const live = publicationPreamble(deps.ctx, deps.publications, 'live');
  router.get(
    '/:addressedBy/:scope/:namespace/:name/publication/guide',
    async (req, res) => {
      const { publication } = await live(req, 'publication.read');
      res.json(await deps.guides.render(publication));
    },
  );
}
