import {
  keyCreatePermission,
  keyRevokePermission,
  keyRotatePermission,
  usageReadPermission,
  type UpdateKeyBody,
  type UpdateKeyPath,
} from '@model-publishing/plugin-model-publishing-common';
import type { ModelTarget } from './context';
import { publicationOf } from './publicationOf';
import type { ApiRouter, RouterDeps } from './types';

/**
 * Key routes (backend contract). Each authorizes on the model's entity with its own permission
 * before it reads anything; the raw key leaves only in the 201 of create and rotate.
 */
export function registerKeyRoutes(router: ApiRouter, deps: RouterDeps): void {
  const { ctx, publications, keys } = deps;

  // Keys belong to the live publication; after unpublish they are listed (and revoked) on the last one.
  const publicationFor = (model: ModelTarget, liveOnly: boolean) =>
    publicationOf(publications, model, liveOnly ? 'live' : 'current');

  router.get(
    '/:addressedBy/:scope/:namespace/:name/publication/keys',
    async (req, res) => {
      const credentials = await ctx.credentials(req);
      const model = await ctx.resolveModel(req.params);
      // Key names, prefixes and last use are usage information: whoever may not see usage may not see
      // the keys either (docs/design.md §5; a reader of the catalog can still see that a model is published).
      await ctx.authorize(
        req,
        credentials,
        usageReadPermission,
        model,
        'usage.read',
      );
      const publication = await publicationFor(model, false);
      res.json({ items: await keys.list(publication.id) });
    },
  );

  router.post(
    '/:addressedBy/:scope/:namespace/:name/publication/keys',
    async (req, res) => {
      const credentials = await ctx.credentials(req);
      const model = await ctx.resolveModel(req.params);
      await ctx.authorize(
        req,
        credentials,
        keyCreatePermission,
        model,
        'key.create',
      );
      const body = req.body;
      const publication = await publicationFor(model, true);
      const issued = await keys.create(
        { publicationId: publication.id, ...body },
        { actor: ctx.actorOf(credentials), request: req },
      );
      res.status(201).setHeader('Cache-Control', 'no-store').json(issued);
    },
  );

  router.post(
    '/:addressedBy/:scope/:namespace/:name/publication/keys/:keyId/rotate',
    async (req, res) => {
      const credentials = await ctx.credentials(req);
      const model = await ctx.resolveModel(req.params);
      const keyId = req.params.keyId;
      await ctx.authorize(
        req,
        credentials,
        keyRotatePermission,
        { ...model, keyId },
        'key.rotate',
      );
      const body = req.body ?? {};
      const publication = await publicationFor(model, true);
      const rotated = await keys.rotate(
        {
          publicationId: publication.id,
          keyId,
          gracePeriodHours: body.gracePeriodHours,
        },
        { actor: ctx.actorOf(credentials), request: req },
      );
      res.status(201).setHeader('Cache-Control', 'no-store').json(rotated);
    },
  );

  // Description and the key's own limits: the permission that sets them at creation (key.create).
  // backend-openapi-utils types no PATCH handlers (its HttpMethods lack it) but validates them against
  // the document like the others, so the params and body are the document's types.
  router.patch(
    '/:addressedBy/:scope/:namespace/:name/publication/keys/:keyId',
    async (req, res) => {
      const params = req.params as UpdateKeyPath;
      const credentials = await ctx.credentials(req);
      const model = await ctx.resolveModel(params);
      const keyId = params.keyId;
      await ctx.authorize(
        req,
        credentials,
        keyCreatePermission,
        { ...model, keyId },
        'key.update',
      );
      const body = req.body as UpdateKeyBody;
      const publication = await publicationFor(model, false);
      res.json(
        await keys.update(
          {
            publicationId: publication.id,
            keyId,
            description: body.description,
            rateLimits: body.rateLimits,
          },
          { actor: ctx.actorOf(credentials), request: req },
        ),
      );
    },
  );

  router.delete(
    '/:addressedBy/:scope/:namespace/:name/publication/keys/:keyId',
    async (req, res) => {
      const credentials = await ctx.credentials(req);
      const model = await ctx.resolveModel(req.params);
      const keyId = req.params.keyId;
      await ctx.authorize(
        req,
        credentials,
        keyRevokePermission,
        { ...model, keyId },
        'key.revoke',
      );
      const publication = await publicationFor(model, false);
      res.json(
        await keys.revoke(
          { publicationId: publication.id, keyId },
          { actor: ctx.actorOf(credentials), request: req },
        ),
      );
    },
  );
}
