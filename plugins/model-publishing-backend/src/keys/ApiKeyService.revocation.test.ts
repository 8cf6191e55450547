import {
  ALICE,
  HOUR,
  START,
  TARGET,
  useKeyServiceFixture,
} from './__testUtils__/keyServiceFixture';
import { keyTestDatabases, dumpAllTables } from './__testUtils__/db';

describe.each(keyTestDatabases())(
  'ApiKeyService: revocation, sweep and secrecy (%s)',
  kind => {
    const f = useKeyServiceFixture(kind);

    it('revoke removes the key from the Secret at once and is idempotent', async () => {
      const keys = f.service();
      const a = await keys.create(
        { publicationId: f.publication.id, name: 'a' },
        ALICE,
      );
      const b = await keys.create(
        { publicationId: f.publication.id, name: 'b' },
        ALICE,
      );
      const info = await keys.revoke(
        { publicationId: f.publication.id, keyId: a.key.id },
        ALICE,
      );
      expect(info).toMatchObject({
        id: a.key.id,
        status: 'revoked',
        revokedAt: START.toISOString(),
      });
      expect(f.secrets.keys(TARGET)).toEqual({ [b.key.clientId]: b.secret });
      expect(
        await keys.revoke(
          { publicationId: f.publication.id, keyId: a.key.id },
          ALICE,
        ),
      ).toEqual(info);
      // A key of another publication is not found through this one.
      await f.addPublication('pub-2');
      await expect(
        keys.revoke({ publicationId: 'pub-2', keyId: b.key.id }, ALICE),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
      });
    });

    it('an expired key is gone from the Secret after the next sweep', async () => {
      const keys = f.service();
      const expiring = await keys.create(
        {
          publicationId: f.publication.id,
          name: 'temp',
          expiresAt: new Date(START.getTime() + 2 * HOUR).toISOString(),
        },
        ALICE,
      );
      const stays = await keys.create(
        { publicationId: f.publication.id, name: 'stays' },
        ALICE,
      );
      f.clock = new Date(START.getTime() + 2 * HOUR);
      expect(
        (await keys.list(f.publication.id)).find(k => k.id === expiring.key.id)
          ?.status,
      ).toBe('expired');
      const result = await keys.sweep();
      expect(result.removed).toEqual([
        {
          keyId: expiring.key.id,
          publicationId: f.publication.id,
          reason: 'expired',
        },
      ]);
      expect(f.secrets.keys(TARGET)).toEqual({
        [stays.key.clientId]: stays.secret,
      });
      const audit = await f.db('audit_log').where({
        key_id: expiring.key.id,
        action: 'key.expire',
      });
      expect(audit).toHaveLength(1);
      expect(audit[0].actor).toBe('system:model-publishing/key-sweep');
    });

    it('retries a failed revoke removal in the sweep, and reports failures without losing keys', async () => {
      const keys = f.service();
      const a = await keys.create(
        { publicationId: f.publication.id, name: 'a' },
        ALICE,
      );
      f.secrets.failNext = 1;
      await expect(
        keys.revoke(
          { publicationId: f.publication.id, keyId: a.key.id },
          ALICE,
        ),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: 'could not update Secret ml/fraud-mp-keys: HTTP 500',
      });
      // Recorded as revoked although still in the Secret: the sweep finishes the job.
      expect((await keys.list(f.publication.id))[0].status).toBe('revoked');
      expect(Object.keys(f.secrets.keys(TARGET))).toEqual([a.key.clientId]);
      f.secrets.failNext = 1;
      const failed = await keys.sweep();
      expect(failed.failed).toEqual([
        {
          publicationId: f.publication.id,
          keyIds: [a.key.id],
          error: 'could not update Secret ml/fraud-mp-keys: HTTP 500',
        },
      ]);
      const ok = await keys.sweep();
      expect(ok.removed).toEqual([
        { keyId: a.key.id, publicationId: f.publication.id, reason: 'revoked' },
      ]);
      expect(f.secrets.keys(TARGET)).toEqual({});
    });

    it('leaks no raw key into logs, audit, database or errors in a full create/rotate/revoke/expire run', async () => {
      const keys = f.service({ rotationGraceHours: 1 });
      const raw: string[] = [];
      const errors: string[] = [];
      const capture = async (p: Promise<unknown>) => {
        try {
          await p;
        } catch (e) {
          errors.push(
            JSON.stringify({
              ...(e as object),
              name: (e as Error).name,
              message: (e as Error).message,
              stack: (e as Error).stack,
            }),
          );
        }
      };
      const a = await keys.create(
        { publicationId: f.publication.id, name: 'a' },
        ALICE,
      );
      const b = await keys.create(
        {
          publicationId: f.publication.id,
          name: 'b',
          expiresAt: new Date(START.getTime() + 3 * HOUR).toISOString(),
          rateLimits: { requestsPerMinute: 5 },
        },
        ALICE,
      );
      raw.push(a.secret, b.secret);
      const r = await keys.rotate(
        { publicationId: f.publication.id, keyId: a.key.id },
        ALICE,
      );
      raw.push(r.secret);
      const r0 = await keys.rotate(
        {
          publicationId: f.publication.id,
          keyId: r.key.id,
          gracePeriodHours: 0,
        },
        ALICE,
      );
      raw.push(r0.secret);
      await capture(
        keys.create({ publicationId: f.publication.id, name: 'a' }, ALICE),
      );
      await capture(
        keys.rotate(
          { publicationId: f.publication.id, keyId: a.key.id },
          ALICE,
        ),
      );
      f.secrets.failNext = 1;
      await capture(
        keys.create({ publicationId: f.publication.id, name: 'c' }, ALICE),
      );
      f.secrets.failNext = 1;
      await capture(
        keys.revoke(
          { publicationId: f.publication.id, keyId: r0.key.id },
          ALICE,
        ),
      );
      f.clock = new Date(START.getTime() + 4 * HOUR);
      await keys.sweep();
      expect(errors).toHaveLength(4);
      expect(f.secrets.keys(TARGET)).toEqual({});
      const dump = await dumpAllTables(f.db);
      expect(dump).toContain(b.key.id); // the scan does see the tables
      const haystacks = {
        logs: f.logger.lines.join('\n'),
        audit: f.auditor.events.join('\n'),
        db: dump,
        errors: errors.join('\n'),
      };
      expect(f.logger.lines.length).toBeGreaterThan(4);
      expect(f.auditor.events.length).toBeGreaterThan(8);
      for (const key of raw) {
        const forms = [key, key.slice(4), Buffer.from(key).toString('base64')];
        for (const [where, text] of Object.entries(haystacks)) {
          for (const form of forms) {
            if (text.includes(form))
              throw new Error(`a raw key was found in ${where}`);
          }
        }
      }
      expect(f.auditor.severities.every(s => s === 'high')).toBe(true);
    });
  },
);
