import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import type { Knex } from 'knex';
import type { AuditLog } from '../audit/AuditLog';
import type { SecretScanningConfig } from '../config';
import { LeakService } from './LeakService';
import { LeakStore, type LeakedKeyRecord } from './LeakStore';
import { NotificationLeakNotifier, type LeakNotifier } from './notifier';
import { PublicKeySource } from './publicKeys';

export { LeakService } from './LeakService';
export type { LeakOutcome, LeakResponse, Reporter } from './LeakService';
export type { LeakNotice, LeakNotifier } from './notifier';
export { PublicKeySource } from './publicKeys';
export { verifyGithubSignature } from './signature';
export type { LeakFinding, LeakVerdict } from './verdicts';

/** The actor of reports that come from GitHub. */
export const GITHUB_REPORTER = 'github-secret-scanning';

/** What the secret scanning routes use. */
export interface Leaks {
  service: LeakService;
  settings: SecretScanningConfig;
  /** The signer's keys; undefined when secret scanning is not enabled. */
  signerKeys?: PublicKeySource;
}

export interface LeakDeps {
  db: Knex;
  settings: SecretScanningConfig;
  publications: { get(id: string): Promise<Publication | undefined> };
  revoke(
    input: { publicationId: string; keyId: string },
    who: { actor: string; request?: unknown },
  ): Promise<unknown>;
  suspend(key: LeakedKeyRecord): Promise<unknown>;
  /** Users/groups a consumer's notices go to (ConsumerDirectory.recipientsOf). */
  recipientsOf?(consumerRef: string): Promise<string[]>;
  auditLog: Pick<AuditLog, 'record'>;
  logger: LoggerService;
  notifications?: NotificationService;
  notifier?: LeakNotifier;
  fetch?: typeof fetch;
}

/** Builds the leaked-key handling (issue 21, item 1) from the plugin's services. */
export function createLeaks(deps: LeakDeps): Leaks {
  const notifier: LeakNotifier =
    deps.notifier ??
    (deps.notifications
      ? new NotificationLeakNotifier({
          notifications: deps.notifications,
          logger: deps.logger,
        })
      : { keyLeaked: async () => {} });
  const service = new LeakService({
    store: new LeakStore(deps.db),
    publications: deps.publications,
    revoke: (key, who) =>
      deps.revoke({ publicationId: key.publicationId, keyId: key.id }, who),
    suspend: key => deps.suspend(key),
    holdersOf: async key => {
      if (key.consumerRef)
        return deps.recipientsOf
          ? deps.recipientsOf(key.consumerRef)
          : [key.consumerRef];
      // Owners' own keys: the person who created it (a service or `system` is told through the owners).
      return key.createdBy.startsWith('user:') ? [key.createdBy] : [];
    },
    auditLog: deps.auditLog,
    notifier,
    logger: deps.logger,
    response: deps.settings.action,
  });
  const signerKeys = deps.settings.enabled
    ? new PublicKeySource({
        configured: deps.settings.publicKeys,
        url: deps.settings.publicKeysUrl,
        refreshMs: deps.settings.refreshMinutes * 60_000,
        logger: deps.logger,
        fetch: deps.fetch,
      })
    : undefined;
  return { service, settings: deps.settings, signerKeys };
}
