import type { Knex } from 'knex';
import type { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { PublishConfig } from '@model-publishing/plugin-model-publishing-common';
import { AuditLog } from '../../audit/AuditLog';
import { PublicationStore } from '../../database/PublicationStore';
import { ApiKeyService } from '../../keys/ApiKeyService';
import { ApiKeyStore } from '../../keys/ApiKeyStore';
import {
  FakeSecretClient,
  captureAuditor,
  captureLogger,
} from '../../keys/__testUtils__/fakes';
import { PlanStore } from '../../plans/PlanStore';
import { createAccessService, type AccessService } from '../AccessService';
import { AccessStore } from '../AccessStore';
import { AccessLifecycle } from '../AccessLifecycle';
import { ConsumerDirectory } from '../consumers';
import type { AccessNotifier } from '../types';

export const PAUL = 'user:default/paul';
export const FRANK = 'user:default/frank';
export const GRACE = 'user:default/grace';
export const PAUL_APP = 'component:default/paul-scoring-app';
export const GRACE_APP = 'component:default/grace-app';
export const MODEL_REF = 'component:default/fraud-sklearn';
export const SECRET = {
  cluster: 'default',
  namespace: 'ml',
  name: 'fraud-sklearn-mp-keys',
};

const rel = (type: string, targetRef: string) => ({ type, targetRef });

/** The demo org as the catalog has it after processing (relations included, as the real catalog emits them). */
export function orgEntities(): Entity[] {
  const user = (name: string, groups: string[]): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { memberOf: groups },
    relations: groups.map(g => rel('memberOf', `group:default/${g}`)),
  });
  const component = (name: string, owner: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [rel('ownedBy', owner)],
  });
  return [
    user('paul', ['platform']),
    user('frank', ['fraud-detection']),
    user('grace', ['genai']),
    component('paul-scoring-app', PAUL),
    component('platform-gateway', 'group:default/platform'),
    component('grace-app', GRACE),
  ];
}

export const PLANS_CONFIG: PublishConfig = {
  rateLimits: { requestsPerMinute: 60 },
  plans: [
    {
      name: 'trial',
      description: 'Try it out',
      rateLimits: { requestsPerDay: 100 },
      approval: 'automatic',
      maxKeyLifetimeDays: 30,
    },
    {
      name: 'production',
      rateLimits: { requestsPerMinute: 600 },
      approval: 'manual',
      maxKeyLifetimeDays: 365,
    },
  ],
};

export interface AccessFixture {
  access: AccessService;
  keys: ApiKeyService;
  secrets: FakeSecretClient;
  publications: PublicationStore;
  reapplied: string[];
  notices: string[];
  logger: ReturnType<typeof captureLogger>;
  entities: Entity[];
  /** Entity refs the catalog no longer has. */
  removed: Set<string>;
  lifecycle: AccessLifecycle;
  setClock(d: Date): void;
}

/** The access service over a real database and the real key service; the cluster Secret is a fake. */
export async function accessFixture(
  db: Knex,
  config: PublishConfig = PLANS_CONFIG,
  extra: {
    refuseNewAccess?: (publicationId: string) => Promise<string | undefined>;
  } = {},
): Promise<AccessFixture> {
  const publications = new PublicationStore(db);
  await publications.insertPublishing({
    id: 'pub-1',
    cluster: 'default',
    namespace: 'ml',
    name: 'fraud-sklearn',
    entityRef: MODEL_REF,
    owner: 'group:default/fraud-detection',
    modelKind: 'v2',
    config,
    objects: [],
    endpoints: [],
    createdBy: FRANK,
  });
  await publications.update('pub-1', { status: 'published' });
  const secrets = new FakeSecretClient();
  secrets.seed(SECRET);
  const logger = captureLogger();
  const auditLog = new AuditLog(db, captureAuditor());
  const reapplied: string[] = [];
  const notices: string[] = [];
  const keys = new ApiKeyService({
    store: new ApiKeyStore(db),
    publications,
    secrets,
    auditor: auditLog,
    logger,
    rateLimitMode: 'global',
    secretWrite: { maxBackoffMs: 2 },
  });
  const entities = orgEntities();
  const removed = new Set<string>();
  const full = catalogServiceMock({ entities });
  // The catalog without the entities a test removed (a consumer leaving the catalog).
  const catalog = new Proxy(full, {
    get(target, prop, receiver) {
      if (prop === 'getEntityByRef') {
        return async (ref: string, options: never) =>
          removed.has(ref) ? undefined : target.getEntityByRef(ref, options);
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const consumers = new ConsumerDirectory({
    catalog,
    auth: mockServices.auth(),
  });
  const notifier: AccessNotifier = {
    requestCreated: async r => void notices.push(`requestCreated ${r.id}`),
    requestDecided: async r =>
      void notices.push(`requestDecided ${r.id} ${r.status}`),
    consumerGone: async i => void notices.push(`consumerGone ${i.consumerRef}`),
    keyExpiring: async i =>
      void notices.push(`keyExpiring ${i.keyName} ${i.recipients.join(',')}`),
  };
  const access = createAccessService({
    store: new AccessStore(db),
    plans: new PlanStore(db),
    publications,
    keys,
    consumers,
    auditLog,
    notifier,
    logger,
    reapply: async id => void reapplied.push(id),
    ...(extra.refuseNewAccess
      ? { refuseNewAccess: extra.refuseNewAccess }
      : {}),
  });
  let clock = new Date();
  const lifecycle = new AccessLifecycle({
    store: new AccessStore(db),
    consumers,
    publications,
    keys,
    notifier,
    logger,
    reapply: async id => void reapplied.push(id),
    now: () => clock,
  });
  return {
    access,
    keys,
    secrets,
    publications,
    reapplied,
    notices,
    logger,
    entities,
    removed,
    lifecycle,
    setClock: (d: Date) => {
      clock = d;
    },
  };
}
