import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { usageReadPermission } from '@model-publishing/plugin-model-publishing-common';
import type { DeprecationService } from '../deprecation';
import type { ModelTarget } from './context';
import { enabled, publicationPreamble } from './modelRoute';
import type { ApiRouter, RouterDeps } from './types';

/**
 * Deprecation (issue 21): owners (publication.update) deprecate and withdraw; whoever may read the
 * publication sees the deprecation (the banner); who still calls it (consumers' last use) needs usage.read.
 */
export function registerDeprecationRoutes(
  router: ApiRouter,
  deps: RouterDeps & { deprecations?: DeprecationService },
): void {
  const { ctx, publications } = deps;
  const service = () =>
    enabled(deps.deprecations, 'deprecation is not enabled on this backend');
  const live = publicationPreamble(ctx, publications, 'live', {
    usersOnly:
      'deprecation acts for a signed-in user; a service may not call it',
  });

  /** The successor's entity ref, normalised, and its public endpoint (it must be published). */
  const successorOf = async (ref: string) => {
    let parsed;
    try {
      parsed = parseEntityRef(ref, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      });
    } catch {
      throw new InputError(
        'successor: not an entity ref (e.g. component:default/fraud-sklearn-v2)',
      );
    }
    let target: ModelTarget;
    try {
      target = await ctx.resolveModel({
        addressedBy: 'entities',
        scope: parsed.kind,
        namespace: parsed.namespace,
        name: parsed.name,
      });
    } catch {
      throw new InputError(
        `successor: ${stringifyEntityRef(
          parsed,
        )} is not a model of this portal`,
      );
    }
    const publication = await publications.findLive(
      target.cluster,
      target.namespace,
      target.name,
    );
    if (!publication)
      throw new InputError(`successor: ${target.entityRef} is not published`);
    return {
      successor: target.entityRef,
      successorUrl: publication.endpoints[0]?.url,
    };
  };

  router.get(
    '/:addressedBy/:scope/:namespace/:name/publication/deprecation',
    async (req, res) => {
      const { model, credentials, publication } = await live(
        req,
        'publication.read',
      );
      const d = await service().get(publication.id);
      const usage = await ctx.filterAllowed(credentials, usageReadPermission, [
        model.entityRef,
      ]);
      res.json({
        ...(d ? { deprecation: service().view(d) } : {}),
        ...(usage.has(model.entityRef)
          ? { consumers: await service().consumers(publication.id) }
          : {}),
      });
    },
  );

  router.put(
    '/:addressedBy/:scope/:namespace/:name/publication/deprecation',
    async (req, res) => {
      const { model, actor, publication } = await live(
        req,
        'publication.deprecate',
      );
      const { successor, ...rest } = req.body;
      const resolved: { successor?: string; successorUrl?: string } = successor
        ? await successorOf(successor)
        : {};
      if (resolved.successor === model.entityRef)
        throw new InputError('successor: a model cannot succeed itself');
      res.json(
        await service().deprecate(
          publication,
          { ...rest, ...resolved },
          { actor, request: req },
        ),
      );
    },
  );

  router.delete(
    '/:addressedBy/:scope/:namespace/:name/publication/deprecation',
    async (req, res) => {
      const { publication, actor } = await live(req, 'publication.undeprecate');
      await service().undeprecate(publication, { actor, request: req });
      res.status(204).end();
    },
  );
}
