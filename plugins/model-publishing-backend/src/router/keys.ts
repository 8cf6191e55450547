import type {
  UpdateKeyBody,
  UpdateKeyPath,
} from '@model-publishing/plugin-model-publishing-common';
import { publicationPreamble } from './modelRoute';
import type { ApiRouter, RouterDeps } from './types';

/**
 * Key routes (backend contract). Each authorizes on the model's entity with its own permission
 * before it reads anything; the raw key leaves only in the 201 of create and rotate.
 */
export function registerKeyRoutes(router: ApiRouter, deps: RouterDeps): void {
  const { ctx, publications, keys } = deps;
  // Keys are issued on the live publication; after unpublish they are listed (and revoked) on the last one.
  const live = publicationPreamble(ctx, publications, 'live');
  const current = publicationPreamble(ctx, publications, 'current');

  router.get(
    '/:addressedBy/:scope/:namespace/:name/publication/keys',
    async (req, res) => {
      // Key names, prefixes and last use are usage information: whoever may not see usage may not see
      // the keys either (docs/design.md §5; a reader of the catalog can still see that a model is published).
      const { publication } = await current(req, 'usage.read');
      res.json({ items: await keys.list(publication.id) });
    },
  );

  router.post(
    '/:addressedBy/:scope/:namespace/:name/publication/keys',
    async (req, res) => {
      const { publication, actor } = await live(req, 'key.create');
      const issued = await keys.create(
        { publicationId: publication.id, ...req.body },
        { actor, request: req },
      );
      res.status(201).setHeader('Cache-Control', 'no-store').json(issued);
    },
  );

  router.post(
    '/:addressedBy/:scope/:namespace/:name/publication/keys/:keyId/rotate',
    async (req, res) => {
      const { publication, actor } = await live(req, 'key.rotate');
      const rotated = await keys.rotate(
        {
          publicationId: publication.id,
          keyId: req.params.keyId,
          gracePeriodHours: req.body?.gracePeriodHours,
        },
        { actor, request: req },
      );
      res.status(201).setHeader('Cache-Control', 'no-store').json(rotated);
    },
  );

  // backend-openapi-utils types no PATCH handlers (its HttpMethods lack it) but validates them against
  // the document like the others, so the params and body are the document's types.
  router.patch(
    '/:addressedBy/:scope/:namespace/:name/publication/keys/:keyId',
    async (req, res) => {
      const typed = req as typeof req & {
        params: UpdateKeyPath;
        body: UpdateKeyBody;
      };
      const { params, body } = typed;
      const { publication, actor } = await current(typed, 'key.update');
      res.json(
        await keys.update(
          {
            publicationId: publication.id,
            keyId: params.keyId,
            description: body.description,
            rateLimits: body.rateLimits,
          },
          { actor, request: req },
        ),
      );
    },
  );

  router.delete(
    '/:addressedBy/:scope/:namespace/:name/publication/keys/:keyId',
    async (req, res) => {
      const { publication, actor } = await current(req, 'key.revoke');
      res.json(
        await keys.revoke(
          { publicationId: publication.id, keyId: req.params.keyId },
          { actor, request: req },
        ),
      );
    },
  );
}
