import { InputError } from '@backstage/errors';
import {
  describeZodError,
  publicationCreatePermission,
  publicationDeletePermission,
  publicationReadPermission,
  publicationUpdatePermission,
  publishConfigSchema,
  type Publication,
  type PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import type { Router } from 'express';
import { modelRoute, parsePageQuery } from './context';
import type { RouterDeps } from './types';

/** Body → PublishConfig, or a 400 naming each bad field (the OpenAPI validator catches most first). */
export function parsePublishConfig(body: unknown): PublishConfig {
  const result = publishConfigSchema.safeParse(body ?? {});
  if (!result.success) throw new InputError(describeZodError(result.error));
  return result.data as PublishConfig;
}

export function registerPublicationRoutes(router: Router, deps: RouterDeps): void {
  const { ctx, publications, publishing } = deps;

  router.get('/publications', async (req, res) => {
    const credentials = await ctx.credentials(req);
    const q = req.query as Record<string, string | undefined>;
    const { limit, cursor: firstCursor } = parsePageQuery(req.query);
    // Permission filtering happens per page; keep reading pages until this one is full so callers
    // never see short pages just because they may not read everything.
    const items: Publication[] = [];
    let cursor = firstCursor;
    let nextCursor: string | undefined;
    for (let round = 0; round < 20; round++) {
      const page = await publications.list({
        owner: q.owner,
        namespace: q.namespace,
        kind: q.kind,
        status: q.status,
        cursor,
        limit: limit - items.length,
      });
      const allowed = await ctx.filterAllowed(
        credentials,
        publicationReadPermission,
        page.items.map(p => p.entityRef ?? ''),
      );
      items.push(...page.items.filter(p => p.entityRef && allowed.has(p.entityRef)));
      nextCursor = page.nextCursor;
      if (!nextCursor || items.length >= limit) break;
      cursor = nextCursor;
    }
    res.json({ items, ...(nextCursor ? { nextCursor } : {}) });
  });

  modelRoute(router, ctx, 'get', '', async (model, req, res) => {
    const credentials = await ctx.credentials(req);
    await ctx.authorize(req, credentials, publicationReadPermission, model, 'publication.read');
    const [info, publication] = await Promise.all([
      publishing.describeModel(model),
      publications.findCurrent(model.cluster, model.namespace, model.name),
    ]);
    res.json({ model: info, ...(publication ? { publication } : {}) });
  });

  modelRoute(router, ctx, 'post', '/publication/dry-run', async (model, req, res) => {
    const credentials = await ctx.credentials(req);
    await ctx.authorize(req, credentials, publicationCreatePermission, model, 'publication.create');
    const config = parsePublishConfig(req.body);
    res.json(await publishing.dryRun(model, config));
  });

  modelRoute(router, ctx, 'post', '/publication', async (model, req, res) => {
    const credentials = await ctx.credentials(req);
    await ctx.authorize(req, credentials, publicationCreatePermission, model, 'publication.create');
    const config = parsePublishConfig(req.body);
    const result = await publishing.publish(model, config, {
      actor: ctx.actorOf(credentials),
      credentials,
      request: req,
    });
    res.status(201).json(result);
  });

  modelRoute(router, ctx, 'put', '/publication', async (model, req, res) => {
    const credentials = await ctx.credentials(req);
    await ctx.authorize(req, credentials, publicationUpdatePermission, model, 'publication.update');
    const config = parsePublishConfig(req.body);
    const publication = await publishing.update(model, config, {
      actor: ctx.actorOf(credentials),
      credentials,
      request: req,
    });
    res.json({ publication });
  });

  modelRoute(router, ctx, 'delete', '/publication', async (model, req, res) => {
    const credentials = await ctx.credentials(req);
    await ctx.authorize(req, credentials, publicationDeletePermission, model, 'publication.delete');
    const publication = await publishing.unpublish(model, {
      actor: ctx.actorOf(credentials),
      credentials,
      request: req,
    });
    res.json({ publication });
  });
}
