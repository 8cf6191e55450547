import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import type { AuditLog } from '../audit/AuditLog';
import type { LeakNotifier } from './notifier';
import type { LeakAction, LeakedKeyRecord, LeakStore } from './LeakStore';
import {
  labelOf,
  type LeakFinding,
  type LeakVerdict,
  screenToken,
} from './verdicts';

/** `modelPublishing.secretScanning.action`: what happens to a leaked key. */
export type LeakResponse = 'revoke' | 'suspend';

export interface LeakServiceOptions {
  store: LeakStore;
  publications: { get(id: string): Promise<Publication | undefined> };
  /** Revokes the key (ApiKeyService.revoke: recorded first, then taken out of the Secret). */
  revoke(key: LeakedKeyRecord, who: Reporter): Promise<unknown>;
  /** Suspends the key (AccessStore.suspend + re-apply: a 0-request rule, key kept for resume). */
  suspend(key: LeakedKeyRecord): Promise<unknown>;
  /** Users and groups who hold the key (consumer or creator). */
  holdersOf(key: LeakedKeyRecord): Promise<string[]>;
  auditLog: Pick<AuditLog, 'record'>;
  notifier: LeakNotifier;
  logger: LoggerService;
  response: LeakResponse;
  now?: () => Date;
}

export interface Reporter {
  /** `github-secret-scanning` or the admin's entity ref. */
  actor: string;
  request?: unknown;
}

/** The result of one key's report. */
export interface LeakOutcome {
  keyId: string;
  action: LeakAction;
  /** True when the key had been reported before: nothing was done again, nobody told again. */
  replay: boolean;
}

/**
 * Leaked keys revoke themselves (issue 21): a reported token that is one of our keys (prefix, checksum,
 * then its hash in the database) is revoked or suspended, audited, and its holders and the model's owners
 * are told — once, however often the report is replayed. Tokens are hashed on arrival and never kept.
 */
export class LeakService {
  private readonly now: () => Date;

  constructor(private readonly o: LeakServiceOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /** GitHub's report: a verdict per token, in order; keys among them acted on. */
  async report(
    findings: LeakFinding[],
    reporter: Reporter,
  ): Promise<LeakVerdict[]> {
    const verdicts: LeakVerdict[] = [];
    for (const finding of findings) {
      const { tokenHash, candidate } = screenToken(finding.token);
      const key = candidate
        ? await this.o.store.findByHash(tokenHash)
        : undefined;
      if (key) await this.leaked(key, finding, reporter);
      verdicts.push({
        token_hash: tokenHash,
        token_type: finding.type ?? '',
        label: labelOf(candidate, !!key),
      });
    }
    return verdicts;
  }

  /** An admin's report of one key, by the key itself or by its id. Undefined when it is none of ours. */
  async reportOne(
    input: { token?: string; keyId?: string; url?: string },
    reporter: Reporter,
  ): Promise<LeakOutcome | undefined> {
    let key: LeakedKeyRecord | undefined;
    if (input.token !== undefined) {
      const { tokenHash, candidate } = screenToken(input.token);
      key = candidate ? await this.o.store.findByHash(tokenHash) : undefined;
    } else if (input.keyId) {
      key = await this.o.store.findById(input.keyId);
    }
    if (!key) return undefined;
    return this.leaked(
      key,
      { token: '', url: input.url, type: 'manual', source: 'manual' },
      reporter,
    );
  }

  private async leaked(
    key: LeakedKeyRecord,
    finding: LeakFinding,
    reporter: Reporter,
  ): Promise<LeakOutcome> {
    const action: LeakAction =
      this.o.response === 'suspend' ? 'suspended' : 'revoked';
    const claimed = await this.o.store.claim({
      keyId: key.id,
      publicationId: key.publicationId,
      reportId: randomUUID(),
      reportedBy: reporter.actor,
      tokenType: finding.type,
      url: finding.url,
      source: finding.source,
      action,
      reportedAt: this.now(),
    });
    if (!claimed) {
      const earlier = await this.o.store.get(key.id);
      return { keyId: key.id, action: earlier?.action ?? action, replay: true };
    }
    const publication = await this.o.publications.get(key.publicationId);
    let error: string | undefined;
    try {
      if (action === 'revoked') await this.o.revoke(key, reporter);
      else await this.o.suspend(key);
    } catch (e) {
      // A revocation is recorded before the Secret is written, so the sweep finishes what failed here.
      error = `${(e as Error).message ?? e}`;
      this.o.logger.warn(
        `Leaked key ${key.id}: could not finish ${
          action === 'revoked' ? 'revoking' : 'suspending'
        } it: ${error}`,
      );
    }
    await this.o.auditLog.record({
      actor: reporter.actor,
      action: 'key.leak',
      ...(publication?.entityRef ? { entityRef: publication.entityRef } : {}),
      publicationId: key.publicationId,
      keyId: key.id,
      outcome: error ? 'failed' : 'succeeded',
      ...(error ? { error: `${action}: ${error}` } : {}),
      request: reporter.request,
    });
    this.o.logger.info(
      `Key ${key.id} of publication ${key.publicationId} reported leaked by ${reporter.actor}: ${action}`,
    );
    const holders = await this.o.holdersOf(key).catch(() => [] as string[]);
    await this.o.notifier.keyLeaked({
      recipients: [
        ...holders,
        ...(publication?.owner ? [publication.owner] : []),
      ],
      keyName: key.name,
      modelTitle: publication
        ? `${publication.namespace}/${publication.name}`
        : key.publicationId,
      action,
      ...(finding.url ? { foundAt: finding.url } : {}),
      reportedBy: reporter.actor,
    });
    return { keyId: key.id, action, replay: false };
  }
}
