import type { Knex } from 'knex';
import { AuditLog } from '../../audit/AuditLog';
import { createKeyTestDb, keyTestDatabases } from '../../keys/__testUtils__/db';
import { captureAuditor } from '../../keys/__testUtils__/fakes';
import { BudgetStore } from './BudgetMonitor';
import { BudgetService } from './BudgetService';

const ADMIN = 'user:default/admin';
const ML = 'group:default/ml';

describe.each(keyTestDatabases())('BudgetService (%s)', kind => {
  let db: Knex;
  let close: () => Promise<void>;
  let budgets: BudgetService;

  beforeEach(async () => {
    ({ db, close } = await createKeyTestDb(kind));
    budgets = new BudgetService({
      store: new BudgetStore(db),
      auditLog: new AuditLog(db, captureAuditor()),
    });
  });
  afterEach(async () => close());

  const auditRows = async () =>
    (
      await db('audit_log').select(
        'actor',
        'action',
        'entity_ref',
        'publication_id',
        'key_id',
        'outcome',
        'error',
      )
    ).map(r => ({ ...r }));

  it('audits setting, replacing and removing a budget on the consumer, and returns the budget as stored', async () => {
    const saved = await budgets.set(ML, 10, { actor: ADMIN });
    expect(saved).toMatchObject({
      consumerRef: ML,
      monthlyAmount: 10,
      updatedBy: ADMIN,
    });
    await budgets.set(ML, 25.5, { actor: 'user:default/frank' });
    expect(await budgets.list()).toEqual([
      expect.objectContaining({ monthlyAmount: 25.5 }),
    ]);
    expect(await budgets.remove(ML, { actor: ADMIN })).toBe(true);
    expect(await budgets.list()).toEqual([]);

    const row = (actor: string, action: string) => ({
      actor,
      action,
      entity_ref: ML,
      publication_id: null,
      key_id: null,
      outcome: 'succeeded',
      error: null,
    });
    expect(
      (await auditRows()).sort((a, b) =>
        `${a.action}${a.actor}`.localeCompare(`${b.action}${b.actor}`),
      ),
    ).toEqual([
      row(ADMIN, 'budget.delete'),
      row(ADMIN, 'budget.update'),
      row('user:default/frank', 'budget.update'),
    ]);
  });

  it('audits nothing when there was no budget to remove', async () => {
    expect(await budgets.remove(ML, { actor: ADMIN })).toBe(false);
    expect(await auditRows()).toEqual([]);
  });
});
