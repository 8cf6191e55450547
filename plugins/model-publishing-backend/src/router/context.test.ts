import type { Entity } from '@backstage/catalog-model';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ANNOTATION_CLUSTER,
  ANNOTATION_INFERENCE_SERVICE,
} from '@model-publishing/plugin-model-publishing-common';
import { providerLocation } from '../__testUtils__/providerLocation';
import type { AuditLog } from '../audit/AuditLog';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { publicationReadPermission } from '@model-publishing/plugin-model-publishing-common';
import { AUTHORIZE_BATCH, READ_CACHE_MS, RouteContext } from './context';

function component(name: string, isvc: string, trusted = true): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        [ANNOTATION_INFERENCE_SERVICE]: isvc,
        [ANNOTATION_CLUSTER]: 'dev',
        ...(trusted ? providerLocation('dev') : {}),
      },
    },
    spec: { type: 'inference-service', owner: 'group:default/ml' },
  };
}

describe('RouteContext.resolveModel, cluster address form', () => {
  const address = {
    addressedBy: 'models',
    scope: 'dev',
    namespace: 'ml',
    name: 'fraud',
  } as const;

  function setup(entities: Entity[]) {
    const catalog = catalogServiceMock({ entities });
    const getEntities = jest.spyOn(catalog, 'getEntities');
    const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
    const ctx = new RouteContext({
      httpAuth: mockServices.httpAuth(),
      auth: mockServices.auth(),
      permissions: mockServices.permissions(),
      catalog,
      auditLog: {} as AuditLog,
      logger: mockServices.logger.mock(),
      resolveClusterName: n => (n === 'dev' ? 'dev' : undefined),
      defaultCluster: 'dev',
      serviceSubjects: { readers: [], ingest: [] },
    });
    return { ctx, catalog, getEntities, getEntityByRef };
  }

  it('queries by annotation once, then looks the same entity up by its ref', async () => {
    const { ctx, getEntities, getEntityByRef } = setup([
      component('fraud', 'ml/fraud'),
    ]);
    expect((await ctx.resolveModel(address)).entityRef).toBe(
      'component:default/fraud',
    );
    expect((await ctx.resolveModel(address)).entityRef).toBe(
      'component:default/fraud',
    );
    expect(getEntities).toHaveBeenCalledTimes(1);
    expect(getEntityByRef).toHaveBeenCalledTimes(1);
  });

  it('checks the remembered entity again: one that no longer stands for the model sends it back to the query', async () => {
    const { ctx, catalog, getEntities } = setup([
      component('fraud', 'ml/fraud'),
    ]);
    await ctx.resolveModel(address);
    // The remembered entity now points elsewhere, another trusted one stands for the model.
    const entities = [
      component('fraud', 'ml/other'),
      component('fraud-v2', 'ml/fraud'),
    ];
    jest
      .spyOn(catalog, 'getEntityByRef')
      .mockImplementation(async ref =>
        entities.find(e => `component:default/${e.metadata.name}` === ref),
      );
    jest
      .spyOn(catalog, 'getEntities')
      .mockImplementation(async () => ({ items: entities }));
    expect((await ctx.resolveModel(address)).entityRef).toBe(
      'component:default/fraud-v2',
    );
    expect(getEntities).toHaveBeenCalledTimes(2);
  });

  it('never takes an entity the provider did not emit, remembered or not', async () => {
    const { ctx, catalog } = setup([component('fraud', 'ml/fraud')]);
    await ctx.resolveModel(address);
    const forged = component('fraud', 'ml/fraud', false);
    jest.spyOn(catalog, 'getEntityByRef').mockResolvedValue(forged);
    jest.spyOn(catalog, 'getEntities').mockResolvedValue({ items: [forged] });
    await expect(ctx.resolveModel(address)).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });

  it('lets read-only routes decide on an entity looked up moments ago; writes always look it up', async () => {
    const { ctx, getEntityByRef } = setup([component('fraud', 'ml/fraud')]);
    const byEntity = {
      addressedBy: 'entities',
      scope: 'component',
      namespace: 'default',
      name: 'fraud',
    } as const;
    await ctx.resolveModel(byEntity);
    await ctx.resolveModel(byEntity, { read: true });
    await ctx.resolveModel(address, { read: true });
    expect(getEntityByRef).toHaveBeenCalledTimes(1);
    await ctx.resolveModel(byEntity);
    expect(getEntityByRef).toHaveBeenCalledTimes(2);
    const later = Date.now() + READ_CACHE_MS + 1;
    jest.spyOn(Date, 'now').mockReturnValue(later);
    await ctx.resolveModel(byEntity, { read: true });
    expect(getEntityByRef).toHaveBeenCalledTimes(3);
    jest.restoreAllMocks();
  });
});

describe('RouteContext.filterAllowed', () => {
  it('asks the permission backend in batches it accepts and keeps only the allowed refs', async () => {
    const permissions = mockServices.permissions.mock();
    const batchSizes: number[] = [];
    permissions.authorize.mockImplementation(async requests => {
      batchSizes.push(requests.length);
      return requests.map(r => ({
        result: (r as { resourceRef: string }).resourceRef.endsWith('7')
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      }));
    });
    const ctx = new RouteContext({
      httpAuth: mockServices.httpAuth(),
      auth: mockServices.auth(),
      permissions,
      catalog: catalogServiceMock({ entities: [] }),
      auditLog: {} as AuditLog,
      logger: mockServices.logger.mock(),
      resolveClusterName: () => undefined,
      defaultCluster: 'dev',
      serviceSubjects: { readers: [], ingest: [] },
    });
    const refs = Array.from(
      { length: 1000 },
      (_, i) => `component:default/model-${i}`,
    );
    const allowed = await ctx.filterAllowed(
      mockCredentials.user(),
      publicationReadPermission,
      [...refs, '', refs[7]],
    );
    // 1,000 refs in one request is ~230 kB: the permission backend answers 413 above 100 kB.
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(AUTHORIZE_BATCH);
    expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(allowed.size).toBe(100);
    expect(allowed.has('component:default/model-997')).toBe(true);
    expect(allowed.has('component:default/model-998')).toBe(false);
    expect(
      JSON.stringify({
        items: refs.slice(0, AUTHORIZE_BATCH).map(resourceRef => ({
          id: '00000000-0000-4000-8000-000000000000',
          resourceRef,
          permission: publicationReadPermission,
        })),
      }).length,
    ).toBeLessThan(100 * 1024);
  });
});
