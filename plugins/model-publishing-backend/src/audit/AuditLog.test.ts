import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrate } from '../database/migrate';
import { AuditLog, redactKeys, severityOf } from './AuditLog';

jest.setTimeout(60_000);
const databases = createTestDatabases();

describe('severity and redaction', () => {
  it('rates publication actions medium and key actions high', () => {
    expect(severityOf('publication.create')).toBe('medium');
    expect(severityOf('key.rotate')).toBe('high');
    expect(severityOf('publication.read')).toBe('low');
  });
  it('never keeps a raw key', () => {
    expect(redactKeys('bad key mpk_abcdefghijklmnopqrstuvwxyz012345ABCDEF here')).toBe('bad key mpk_[redacted] here');
  });
});

describe.each(databases.eachSupportedId())('AuditLog on %s', databaseId => {
  let db: Knex;
  beforeEach(async () => {
    db = await databases.init(databaseId);
    await migrate(db);
  });

  it('writes a row and an auditor event, and pages an entity history', async () => {
    const auditor = mockServices.auditor.mock();
    const event = { success: jest.fn(), fail: jest.fn() };
    auditor.createEvent.mockResolvedValue(event);
    const log = new AuditLog(db, auditor);
    for (let i = 0; i < 5; i++) {
      await log.record(
        { actor: 'user:default/a', action: 'publication.create', entityRef: 'component:default/m', outcome: 'succeeded', publicationId: `p${i}` },
        new Date(Date.UTC(2026, 0, 1, 0, i)),
      );
    }
    await log.record({ actor: 'user:default/b', action: 'key.create', entityRef: 'component:default/m', outcome: 'denied', error: 'not allowed mpk_abcdefghijklmnopqrstuvwxyz' });
    await log.record({ actor: 'user:default/b', action: 'key.create', entityRef: 'component:default/other', outcome: 'succeeded' });
    expect(auditor.createEvent).toHaveBeenCalledWith(expect.objectContaining({ eventId: 'key-create', severityLevel: 'high' }));
    expect(event.fail).toHaveBeenCalledTimes(1);
    expect(event.success).toHaveBeenCalledTimes(6);

    const first = await log.list({ entityRef: 'component:default/m', limit: 4 });
    expect(first.items).toHaveLength(4);
    expect(first.items[0]).toMatchObject({ action: 'key.create', outcome: 'denied', error: 'not allowed mpk_[redacted]' });
    const second = await log.list({ entityRef: 'component:default/m', limit: 4, cursor: first.nextCursor });
    expect(second.items.map(i => i.publicationId)).toEqual(['p1', 'p0']);
    expect(second.nextCursor).toBeUndefined();
  });
});
