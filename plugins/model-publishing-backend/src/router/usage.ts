import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  costsAdminPermission,
  usageReadPermission,
  type GetUsageQuery,
  type ModelPath,
  type UsageGranularity,
} from '@model-publishing/plugin-model-publishing-common';
import express from 'express';
import { checkUsageQuery } from '../usage/UsageService';
import { chargebackToCsv, restrictChargeback } from '../usage/costs/chargeback';
import type { AnyRequest } from './context';
import { enabled, modelPreamble } from './modelRoute';
import type { ApiRouter, RouterDeps } from './types';

const HOUR_MS = 3_600_000;
const DEFAULT_SPAN_MS: Record<UsageGranularity, number> = {
  hour: 24 * HOUR_MS,
  day: 30 * 24 * HOUR_MS,
};

/**
 * The validated query (ISO 8601 date-times, hour or day) with its defaults: the last 24 hours / 30 days
 * up to the end of the current bucket, so the range is whole buckets.
 */
export function usageRange(query: GetUsageQuery = {}): {
  from: Date;
  to: Date;
  granularity: UsageGranularity;
} {
  const granularity = query.granularity ?? 'hour';
  const size = granularity === 'hour' ? HOUR_MS : 24 * HOUR_MS;
  const to = query.to
    ? new Date(query.to)
    : new Date(Math.floor(Date.now() / size) * size + size);
  const from = query.from
    ? new Date(query.from)
    : new Date(to.getTime() - DEFAULT_SPAN_MS[granularity]);
  // Range errors (from after to, too many buckets) are 400s before any publication is looked up.
  checkUsageQuery({ from, to, granularity });
  return { from, to, granularity };
}

/** A request to a model's usage (JSON or CSV): the model's address and the usage range. */
type UsageRequest = AnyRequest & { params: ModelPath; query: GetUsageQuery };

/** Usage routes of the backend contract; all reads behind model-publishing.usage.read. */
export function registerUsageRoutes(router: ApiRouter, deps: RouterDeps): void {
  const { ctx } = deps;
  const usageOf = () =>
    enabled(deps.usage, 'usage tracking is not set up in this backend');

  const authorizedModel = modelPreamble(ctx);
  /** Authorizes first (denials audited), then checks the range and finds the model's current publication. */
  const reportOf = async (req: UsageRequest) => {
    const { model } = await authorizedModel(req, 'usage.read');
    const query = usageRange(req.query);
    const current = await deps.publications.findCurrent(
      model.cluster,
      model.namespace,
      model.name,
    );
    const usage = usageOf();
    const pub = current && (await usage.directory.get(current.id));
    if (!pub) {
      throw new NotFoundError(
        `${model.namespace}/${model.name} in cluster '${model.cluster}' has no publication`,
      );
    }
    return { model, usage, pub, query };
  };

  router.get(
    '/:addressedBy/:scope/:namespace/:name/publication/usage',
    async (req, res) => {
      const { usage, pub, query } = await reportOf(req);
      res.json(
        await usage.service.report(pub, query, {
          keySeries: req.query.series === 'keys',
        }),
      );
    },
  );

  router.get(
    '/:addressedBy/:scope/:namespace/:name/publication/usage.csv',
    async (req, res) => {
      const { model, usage, pub, query } = await reportOf(req);
      const csv = await usage.service.csv(pub, query);
      const day = query.from.toISOString().slice(0, 10);
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .attachment(
          `usage-${model.namespace}-${model.name}-${day}-${query.granularity}.csv`,
        )
        .send(csv);
    },
  );

  router.get('/usage/summary', async (req, res) => {
    const credentials = await ctx.credentials(req);
    const { from, to } = usageRange(req.query);
    const usage = usageOf();
    const pubs = (await usage.directory.list()).filter(p => p.entityRef);
    const allowed = await ctx.filterAllowed(
      credentials,
      usageReadPermission,
      pubs.map(p => p.entityRef!),
    );
    res.json(
      await usage.service.summary(
        pubs.filter(p => allowed.has(p.entityRef!)),
        { from, to },
      ),
    );
  });

  /** The chargeback the caller may see: all of it with costs.admin, else its groups' subtrees. */
  const chargebackFor = async (req: AnyRequest, month: string) => {
    const credentials = await ctx.credentials(req);
    const chargeback = enabled(
      usageOf().chargeback,
      'chargeback needs the catalog, which this backend does not have',
    );
    const report = await chargeback.report(month);
    if (await ctx.isAllowed(credentials, costsAdminPermission)) return report;
    const user = ctx.actorOf(credentials);
    const graph = await chargeback.orgGraph();
    return restrictChargeback(
      report,
      new Set([user, ...(graph.memberships.get(user) ?? [])]),
    );
  };

  router.get('/usage/chargeback', async (req, res) => {
    res.json(await chargebackFor(req, req.query.month));
  });

  router.get('/usage/chargeback.csv', async (req, res) => {
    const report = await chargebackFor(req, req.query.month);
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .attachment(`costs-${report.month}.csv`)
      .send(chargebackToCsv(report));
  });

  router.get('/usage/budgets', async (req, res) => {
    const credentials = await ctx.credentials(req);
    const usage = usageOf();
    const budgets = await usage.budgets.list();
    if (await ctx.isAllowed(credentials, costsAdminPermission)) {
      res.json({ items: budgets });
      return;
    }
    const user = ctx.actorOf(credentials);
    const graph = await usage.chargeback?.orgGraph();
    const mine = new Set([user, ...(graph?.memberships.get(user) ?? [])]);
    res.json({ items: budgets.filter(b => mine.has(b.consumerRef)) });
  });

  router.put('/usage/budgets', async (req, res) => {
    const credentials = await ctx.credentials(req);
    if (!(await ctx.isAllowed(credentials, costsAdminPermission))) {
      throw new NotAllowedError(
        `not allowed: ${costsAdminPermission.name} (setting budgets)`,
      );
    }
    const usage = usageOf();
    const { consumerRef, monthlyAmount } = req.body;
    res.json(
      await usage.budgets.set(consumerRef, monthlyAmount, {
        actor: ctx.actorOf(credentials),
        request: req,
      }),
    );
  });

  router.delete('/usage/budgets', async (req, res) => {
    const credentials = await ctx.credentials(req);
    if (!(await ctx.isAllowed(credentials, costsAdminPermission))) {
      throw new NotAllowedError(
        `not allowed: ${costsAdminPermission.name} (removing budgets)`,
      );
    }
    const { consumerRef } = req.query;
    const who = { actor: ctx.actorOf(credentials), request: req };
    if (!(await usageOf().budgets.remove(consumerRef, who)))
      throw new NotFoundError(`no budget for ${consumerRef}`);
    res.status(204).end();
  });

  // NDJSON is the format log shippers batch best, and is not limited by the router's 100 kB JSON parser.
  const ndjson = express.text({
    type: ['application/x-ndjson', 'application/jsonl'],
    limit: '20mb',
  });
  router.post('/usage/ingest', ndjson, async (req, res) => {
    // Admits only the subjects of modelPublishing.usage.ingest.allowedSubjects (router/access.ts).
    await ctx.credentials(req);
    const usage = usageOf();
    const cluster = req.query.cluster;
    const resolved =
      cluster === undefined ? undefined : deps.clusters.resolveName(cluster);
    if (cluster !== undefined && !resolved)
      throw new InputError(`cluster: '${cluster}' is not configured`);
    res.json(await usage.ingestor.ingest(req.body, { cluster: resolved }));
  });
}
