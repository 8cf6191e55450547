import type { AuditLog } from '../../audit/AuditLog';
import type { Budget, BudgetStore } from './BudgetMonitor';

/** Who changes a budget: the user's entity ref, and the HTTP request for the auditor event. */
export interface BudgetActor {
  actor: string;
  request?: unknown;
}

/**
 * Spending limits per consumer, as the budget routes change them. A budget decides who is told about
 * spend, so each change is audited (`budget.update`, `budget.delete`) on the consumer's entity ref.
 */
export class BudgetService {
  constructor(
    private readonly o: {
      store: Pick<BudgetStore, 'list' | 'set' | 'remove'>;
      auditLog: Pick<AuditLog, 'record'>;
    },
  ) {}

  list(): Promise<Budget[]> {
    return this.o.store.list();
  }

  /** Sets (or replaces) the consumer's monthly budget; returns it as stored. */
  async set(
    consumerRef: string,
    monthlyAmount: number,
    who: BudgetActor,
  ): Promise<Budget> {
    await this.o.store.set(consumerRef, monthlyAmount, who.actor);
    await this.audit('budget.update', consumerRef, who);
    return (await this.list()).find(b => b.consumerRef === consumerRef)!;
  }

  /** Whether there was a budget to remove (only a removal is audited). */
  async remove(consumerRef: string, who: BudgetActor): Promise<boolean> {
    const removed = await this.o.store.remove(consumerRef);
    if (removed) await this.audit('budget.delete', consumerRef, who);
    return removed;
  }

  private async audit(
    action: 'budget.update' | 'budget.delete',
    consumerRef: string,
    who: BudgetActor,
  ): Promise<void> {
    await this.o.auditLog.record({
      actor: who.actor,
      action,
      entityRef: consumerRef,
      outcome: 'succeeded',
      request: who.request,
    });
  }
}
