import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  planRuleViolations,
  publicationReadPermission,
  type Publication,
  type PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import type { ListPublicationsQuery } from '../database/PublicationStore';
import { modelPreamble, type ModelAction } from './modelRoute';
import { DEFAULT_PAGE_LIMIT, type ApiRouter, type RouterDeps } from './types';

/** The validated body, once it also keeps the plan rules openapi.yaml cannot state (400 naming `plans`). */
function publishConfigOf(body: PublishConfig): PublishConfig {
  const violations = planRuleViolations(body.plans ?? []);
  if (violations.length)
    throw new InputError(`plans: ${violations.join('; ')}`);
  return body;
}

/**
 * One page of the publications the caller may read (`publication.read` on each one's entity). Permission
 * filtering happens per stored page; it keeps reading pages until this one is full, so callers never see
 * short pages just because they may not read everything. The list route and the agents' actions use it.
 */
export async function listReadablePublications(
  deps: Pick<RouterDeps, 'ctx' | 'publications'>,
  credentials: BackstageCredentials,
  query: Omit<ListPublicationsQuery, 'limit'> & { limit: number },
): Promise<{ items: Publication[]; nextCursor?: string }> {
  const { ctx, publications } = deps;
  const { limit } = query;
  const items: Publication[] = [];
  let cursor = query.cursor;
  let nextCursor: string | undefined;
  for (let round = 0; round < 20; round++) {
    const page = await publications.list({
      ...query,
      cursor,
      limit: limit - items.length,
    });
    const allowed = await ctx.filterAllowed(
      credentials,
      publicationReadPermission,
      page.items.map(p => p.entityRef ?? ''),
    );
    items.push(
      ...page.items.filter(p => p.entityRef && allowed.has(p.entityRef)),
    );
    nextCursor = page.nextCursor;
    if (!nextCursor || items.length >= limit) break;
    cursor = nextCursor;
  }
  return { items, ...(nextCursor ? { nextCursor } : {}) };
}

export function registerPublicationRoutes(
  router: ApiRouter,
  deps: RouterDeps,
): void {
  const { ctx, publications, publishing, models } = deps;
  const authorizedModel = modelPreamble(ctx);
  /** The authorized model and what its operation records: the caller (audit, createdBy) and the request. */
  const operationOn = async (
    req: Parameters<typeof authorizedModel>[0],
    action: ModelAction,
  ) => {
    const { model, ...caller } = await authorizedModel(req, action);
    return { model, op: { ...caller, request: req } };
  };

  router.get('/publications', async (req, res) => {
    const credentials = await ctx.credentials(req);
    const q = req.query;
    const query = {
      owner: q.owner,
      namespace: q.namespace,
      kind: q.kind,
      status: q.status,
      current: String(q.current) === 'true',
      excludeUnpublished: String(q.excludeUnpublished) === 'true',
      q: q.q,
      sort: q.sort,
      order: q.order,
      cursor: q.cursor,
      limit: q.limit ?? DEFAULT_PAGE_LIMIT,
    };
    // The totals cover every page, counted over the same permission decision as the items; the first
    // page carries them unless the caller asks them apart (a later page's caller has them already, and
    // each count reads every match).
    const [page, counts] = await Promise.all([
      listReadablePublications(deps, credentials, query),
      query.cursor || String(q.totals) === 'false'
        ? undefined
        : publications.count(query, refs =>
            ctx.filterAllowed(credentials, publicationReadPermission, refs),
          ),
    ]);
    res.json({ ...page, ...counts });
  });

  router.get('/:addressedBy/:scope/:namespace/:name', async (req, res) => {
    const { model } = await authorizedModel(req, 'publication.read', {
      read: true,
    });
    const [info, publication] = await Promise.all([
      models.describe(model),
      publications.findCurrent(model.cluster, model.namespace, model.name),
    ]);
    res.json({ model: info, ...(publication ? { publication } : {}) });
  });

  router.post(
    '/:addressedBy/:scope/:namespace/:name/publication/dry-run',
    async (req, res) => {
      // An update's preview is asked by whoever may update; a publish's by whoever may publish.
      const update = req.query.mode === 'update';
      const { model } = await authorizedModel(
        req,
        update ? 'publication.update' : 'publication.create',
      );
      const config = publishConfigOf(req.body);
      res.json(
        update
          ? await publishing.dryRunUpdate(model, config)
          : await publishing.dryRun(model, config),
      );
    },
  );

  router.post(
    '/:addressedBy/:scope/:namespace/:name/publication',
    async (req, res) => {
      const { model, op } = await operationOn(req, 'publication.create');
      const config = publishConfigOf(req.body);
      const result = await publishing.publish(model, config, op);
      res.status(201).json(result);
    },
  );

  router.put(
    '/:addressedBy/:scope/:namespace/:name/publication',
    async (req, res) => {
      const { model, op } = await operationOn(req, 'publication.update');
      const config = publishConfigOf(req.body);
      const publication = await publishing.update(model, config, op);
      // Plan limit edits reach the keys already issued on those plans.
      await deps.access?.requests.applyPlanEdits(publication);
      res.json({ publication });
    },
  );

  router.delete(
    '/:addressedBy/:scope/:namespace/:name/publication',
    async (req, res) => {
      const { model, op } = await operationOn(req, 'publication.delete');
      const publication = await publishing.unpublish(model, op);
      res.json({ publication });
    },
  );
}
