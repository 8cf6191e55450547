import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  accessApprovePermission,
  accessDecisionInputSchema,
  accessRequestInputSchema,
  accessRequestPermission,
  describeZodError,
  modelActionPermissions,
  publicationReadPermission,
} from '@model-publishing/plugin-model-publishing-common';
import type { z } from 'zod';
import { accessModelOf } from '../access';
import type { AuditedAction } from '../audit/AuditLog';
import type { AnyRequest } from './context';
import { publicationOf } from '../database/publicationOf';
import { enabled, modelPreamble, publicationPreamble } from './modelRoute';
import { usageRange } from './usage';
import type { ApiRouter, RouterDeps } from './types';

function parse<T extends z.ZodTypeAny>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success) throw new InputError(describeZodError(result.error));
  return result.data;
}

/**
 * Consumers' routes (docs/design.md §9). Every route authorizes on the model's trusted entity before it reads or
 * writes; all of them act for a person, so a service principal (which skips the portal policy) may call
 * none of them. The raw key leaves only in the 201 of an automatic request and of a key collection.
 */
export function registerAccessRoutes(
  router: ApiRouter,
  deps: RouterDeps,
): void {
  const { ctx, publications } = deps;
  const service = () =>
    enabled(deps.access, 'access requests are not enabled on this backend');

  /** Signed-in users only: services may not request, decide or see anyone's access. */
  const USERS_ONLY =
    'access routes act for a signed-in user; a service may not call them';
  const userCredentials = async (
    req: AnyRequest,
  ): Promise<BackstageCredentials & { actor: string }> => {
    const credentials = await ctx.userCredentials(req, USERS_ONLY);
    return Object.assign(credentials, { actor: ctx.actorOf(credentials) });
  };
  const userModel = modelPreamble(ctx, { usersOnly: USERS_ONLY });
  // Plans are read on the serving publication; requests and consumers outlive it (`current`).
  const live = publicationPreamble(ctx, publications, 'live');
  const current = publicationPreamble(ctx, publications, 'current', {
    usersOnly: USERS_ONLY,
  });

  router.get(
    '/:addressedBy/:scope/:namespace/:name/publication/plans',
    async (req, res) => {
      const { publication } = await live(req, 'publication.read');
      res.json({ items: await service().requests.plansOf(publication) });
    },
  );

  router.post(
    '/:addressedBy/:scope/:namespace/:name/publication/access-requests',
    async (req, res) => {
      const { model, actor } = await userModel(req, 'access.request');
      const input = parse(accessRequestInputSchema, req.body);
      const publication = await publicationOf(publications, model, 'live');
      const result = await service().requests.request(
        publication,
        accessModelOf(model, publication),
        input,
        { actor, request: req },
      );
      res.status(201).setHeader('Cache-Control', 'no-store').json(result);
    },
  );

  router.get(
    '/:addressedBy/:scope/:namespace/:name/publication/access-requests',
    async (req, res) => {
      const { publication } = await current(req, 'access.approve');
      res.json({
        items: await service().requests.listRequests(
          publication.id,
          req.query.status,
        ),
      });
    },
  );

  router.get(
    '/:addressedBy/:scope/:namespace/:name/publication/consumers',
    async (req, res) => {
      const { publication } = await current(req, 'access.approve');
      res.json({
        items: await service().consumerKeys.consumersOf(publication.id),
      });
    },
  );

  router.post(
    '/:addressedBy/:scope/:namespace/:name/publication/consumers/:keyId/:action',
    async (req, res) => {
      const { keyId, action } = req.params;
      const { model, actor, publication } = await current(
        req,
        `access.${action}`,
      );
      const target = accessModelOf(model, publication);
      await service().consumerKeys.manage(
        publication.id,
        keyId,
        action,
        target,
        {
          actor,
          request: req,
        },
      );
      const updated = (
        await service().consumerKeys.consumersOf(publication.id)
      ).find(k => k.key.id === keyId);
      if (!updated)
        throw new NotFoundError(
          `key ${keyId} is not a consumer key of this publication`,
        );
      res.json(updated);
    },
  );

  router.get(
    '/:addressedBy/:scope/:namespace/:name/publication/my-access',
    async (req, res) => {
      const { publication, actor } = await current(req, 'access.request');
      const mine = await service().consumerKeys.mine(actor);
      res.json({
        keys: mine.keys.filter(k => k.publicationId === publication.id),
        requests: mine.requests.filter(r => r.publicationId === publication.id),
      });
    },
  );

  router.get('/access/mine', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(await service().consumerKeys.mine(credentials.actor));
  });

  // Entity refs only (no keys, no usage): the catalog module reads them with its service credentials to
  // draw consumesApi relations, so services may call this; the list is filtered by publication.read.
  router.get('/access/consumers', async (req, res) => {
    const credentials = await ctx.credentials(req);
    const byPublication = await service().consumerKeys.consumerEntities();
    const items: {
      publicationId: string;
      consumerRefs: string[];
      entityRef?: string;
    }[] = [];
    for (const [publicationId, consumerRefs] of byPublication) {
      const publication = await publications.get(publicationId);
      if (publication?.entityRef)
        items.push({
          publicationId,
          consumerRefs,
          entityRef: publication.entityRef,
        });
    }
    const allowed = await ctx.filterAllowed(
      credentials,
      publicationReadPermission,
      items.map(i => i.entityRef!),
    );
    res.json({
      items: items
        .filter(i => allowed.has(i.entityRef!))
        .map(({ publicationId, consumerRefs }) => ({
          publicationId,
          consumerRefs,
        })),
    });
  });

  router.get('/access/requests', async (req, res) => {
    const credentials = await userCredentials(req);
    const pending = await service().requests.listPending();
    const allowed = await ctx.filterAllowed(
      credentials,
      accessApprovePermission,
      pending.map(r => r.entityRef),
    );
    res.json({ items: pending.filter(r => allowed.has(r.entityRef)) });
  });

  /**
   * The request the path names and its model, authorized for `action` (deciding or collecting) on the
   * entity recorded when it was made, and the signed-in caller acting on it.
   */
  const requestFor = async (
    req: AnyRequest & { params: { requestId: string } },
    action: 'access.approve' | 'access.request',
  ) => {
    const credentials = await userCredentials(req);
    const request = await service().requests.getRequest(req.params.requestId);
    await ctx.authorize(
      req,
      credentials,
      modelActionPermissions[action],
      { entityRef: request.entityRef, publicationId: request.publicationId },
      action,
    );
    const publication = await publications.get(request.publicationId);
    if (!publication)
      throw new NotFoundError(`publication ${request.publicationId} not found`);
    return {
      request,
      model: accessModelOf(
        { entityRef: request.entityRef, owner: publication.owner },
        publication,
      ),
      caller: { actor: credentials.actor, request: req },
    };
  };

  router.post('/access/requests/:requestId/decision', async (req, res) => {
    const { request, model, caller } = await requestFor(req, 'access.approve');
    const decision = parse(accessDecisionInputSchema, req.body);
    res.json(await service().requests.decide(request, model, decision, caller));
  });

  router.post('/access/requests/:requestId/key', async (req, res) => {
    const { request, model, caller } = await requestFor(req, 'access.request');
    const result = await service().requests.issue(request.id, model, caller);
    res.status(201).setHeader('Cache-Control', 'no-store').json(result);
  });

  /**
   * A consumer key the signed-in caller holds (its consumer, a member of its group, an owner of its
   * Component). The model's entity is authorized with access.request first, so the portal policy keeps
   * the last word; a caller who does not hold the key gets 403, audited as `action`.
   */
  const heldKey = async (
    req: AnyRequest,
    keyId: string,
    action: AuditedAction,
  ) => {
    const credentials = await userCredentials(req);
    const key = await service().consumerKeys.consumerKeyById(keyId);
    const target = {
      entityRef: key.entityRef ?? '',
      publicationId: key.publicationId,
      keyId,
    };
    await ctx.authorize(
      req,
      credentials,
      accessRequestPermission,
      target,
      action,
    );
    if (!(await service().consumerKeys.holds(credentials.actor, key))) {
      const message = `not allowed: key ${keyId} is not yours, your group's or a Component's you own`;
      await deps.auditLog.record({
        actor: credentials.actor,
        action,
        ...target,
        outcome: 'denied',
        error: message,
        request: req,
      });
      throw new NotAllowedError(message);
    }
    return { key, caller: { actor: credentials.actor, request: req } };
  };

  router.post('/access/keys/:keyId/rotate', async (req, res) => {
    const { key, caller } = await heldKey(req, req.params.keyId, 'key.rotate');
    const rotated = await service().consumerKeys.rotateHeld(
      key,
      req.body?.gracePeriodHours,
      caller,
    );
    res.status(201).setHeader('Cache-Control', 'no-store').json(rotated);
  });

  router.delete('/access/keys/:keyId', async (req, res) => {
    const { key, caller } = await heldKey(req, req.params.keyId, 'key.revoke');
    res.json(await service().consumerKeys.revokeHeld(key, caller));
  });

  router.get('/access/keys/:keyId/usage', async (req, res) => {
    const { key } = await heldKey(req, req.params.keyId, 'usage.read');
    const usage = enabled(
      deps.usage,
      'usage tracking is not set up in this backend',
    );
    const query = usageRange(req.query);
    const pub = await usage.directory.get(key.publicationId);
    if (!pub)
      throw new NotFoundError(`publication ${key.publicationId} not found`);
    res.json(await usage.service.keyReport(pub, key.key.clientId, query));
  });
}
