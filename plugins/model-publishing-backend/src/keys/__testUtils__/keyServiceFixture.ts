import type { Knex } from 'knex';
import type {
  Publication,
  PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import type { ScratchDatabaseKind } from '../../__testUtils__/scratchDatabase';
import { AuditLog } from '../../audit/AuditLog';
import { PublicationStore } from '../../database/PublicationStore';
import { ApiKeyService, type ApiKeyServiceOptions } from '../ApiKeyService';
import { ApiKeyStore } from '../ApiKeyStore';
import { createKeyTestDb } from './db';
import { FakeSecretClient, captureAuditor, captureLogger } from './fakes';

export const HOUR = 3_600_000;
export const START = new Date('2026-12-01T00:00:00.000Z');
/** The Secret of publication `pub-1` (InferenceService `fraud`). */
export const TARGET = {
  cluster: 'default',
  namespace: 'ml',
  name: 'fraud-mp-keys',
};
export const ALICE = { actor: 'user:default/alice' };

/**
 * The key service's world for one test: a fresh database with publication `pub-1` published, its
 * Secret in a fake cluster, captured logs and audit events, and a clock the test moves.
 */
export class KeyServiceFixture {
  db!: Knex;
  publications!: PublicationStore;
  secrets!: FakeSecretClient;
  logger!: ReturnType<typeof captureLogger>;
  auditor!: ReturnType<typeof captureAuditor>;
  publication!: Publication;
  /** Publications whose key limits changed (onKeyLimitsChanged), in order. */
  limitChanges: string[] = [];
  clock: Date = START;
  private closeDb: () => Promise<void> = async () => {};

  async setUp(kind: ScratchDatabaseKind): Promise<void> {
    const { db, close } = await createKeyTestDb(kind);
    this.db = db;
    this.closeDb = close;
    this.publications = new PublicationStore(db);
    this.secrets = new FakeSecretClient();
    this.logger = captureLogger();
    this.auditor = captureAuditor();
    this.clock = START;
    this.limitChanges = [];
    this.publication = await this.addPublication('pub-1');
    this.secrets.seed(TARGET);
  }

  tearDown(): Promise<void> {
    return this.closeDb();
  }

  /** A published publication (`pub-1` is InferenceService `fraud`, others their id). */
  async addPublication(
    id: string,
    config: PublishConfig = { rateLimits: { requestsPerMinute: 60 } },
    modelKind: Publication['modelKind'] = 'v2',
  ): Promise<Publication> {
    await this.publications.insertPublishing(
      {
        id,
        cluster: 'default',
        namespace: 'ml',
        name: id === 'pub-1' ? 'fraud' : id,
        entityRef: `component:ml/${id}`,
        owner: 'group:default/ml',
        modelKind,
        config,
        objects: [],
        endpoints: [],
        createdBy: ALICE.actor,
      },
      START,
    );
    return (await this.publications.update(
      id,
      { status: 'published' },
      { now: START },
    ))!;
  }

  /** A key service over this world (24 h rotation grace, global rate limiting unless `extra` says else). */
  service(extra: Partial<ApiKeyServiceOptions> = {}): ApiKeyService {
    return new ApiKeyService({
      store: new ApiKeyStore(this.db),
      publications: this.publications,
      secrets: this.secrets,
      auditor: new AuditLog(this.db, this.auditor),
      logger: this.logger,
      rateLimitMode: 'global',
      rotationGraceHours: 24,
      now: () => this.clock,
      secretWrite: { maxBackoffMs: 3 },
      onKeyLimitsChanged: async id => {
        this.limitChanges.push(id);
      },
      ...extra,
    });
  }
}

/** A fixture set up before and torn down after each test of the enclosing describe. */
export function useKeyServiceFixture(
  kind: ScratchDatabaseKind,
): KeyServiceFixture {
  const f = new KeyServiceFixture();
  beforeEach(() => f.setUp(kind));
  afterEach(() => f.tearDown());
  return f;
}
