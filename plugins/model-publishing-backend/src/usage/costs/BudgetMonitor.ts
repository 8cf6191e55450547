import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { UsagePublicationDirectory } from '../types';
import { ancestry } from './orgGraph';
import { roundCost } from './prices';
import { ChargebackService, monthOf } from './ChargebackService';

export interface Budget {
  consumerRef: string;
  /** Spend allowed per calendar month (UTC), in the configured currency. */
  monthlyAmount: number;
  updatedBy: string;
  updatedAt: string;
}

export interface BudgetNotice {
  consumerRef: string;
  month: string;
  threshold: 80 | 100;
  spent: number;
  budget: number;
  /** Who was told: the consumer and the owners of the models its keys used. */
  recipients: string[];
}

/** Budgets per consumer (usage_budgets, migration 20261205061500). */
export class BudgetStore {
  constructor(private readonly db: Knex) {}

  async list(): Promise<Budget[]> {
    const rows = await this.db('usage_budgets').orderBy('consumer_ref');
    return rows.map(r => ({
      consumerRef: r.consumer_ref,
      monthlyAmount: Number(r.monthly_amount),
      updatedBy: r.updated_by,
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
  }

  async set(consumerRef: string, monthlyAmount: number, by: string) {
    await this.db('usage_budgets')
      .insert({
        consumer_ref: consumerRef,
        monthly_amount: monthlyAmount,
        updated_by: by,
        updated_at: new Date(),
      })
      .onConflict('consumer_ref')
      .merge();
  }

  /** Whether there was a budget to remove. */
  async remove(consumerRef: string): Promise<boolean> {
    const removed = await this.db('usage_budgets')
      .where('consumer_ref', consumerRef)
      .delete();
    return removed > 0;
  }

  /**
   * Claims the notice of one threshold in one month; true only for the first claim ever, whichever
   * replica or collection asks — the primary key makes it exactly once.
   */
  async claimNotice(
    notice: Omit<BudgetNotice, 'recipients'>,
    at: Date,
  ): Promise<boolean> {
    const inserted: unknown[] = await this.db('usage_budget_notices')
      .insert({
        consumer_ref: notice.consumerRef,
        month: notice.month,
        threshold: notice.threshold,
        spent: notice.spent,
        budget: notice.budget,
        sent_at: at,
      })
      .onConflict(['consumer_ref', 'month', 'threshold'])
      .ignore()
      .returning('consumer_ref');
    return inserted.length > 0;
  }
}

/**
 * After each collection: compares every budgeted consumer's month-to-date spend (its roll-up: a group's
 * members and subgroups count) with its budget and tells the consumer and the owners of the models it
 * used, once per threshold (80 %, 100 %) and month.
 */
export class BudgetMonitor {
  constructor(
    private readonly deps: {
      budgets: BudgetStore;
      chargeback: ChargebackService;
      directory: UsagePublicationDirectory;
      currency: string;
      logger: LoggerService;
      notifications?: NotificationService;
    },
  ) {}

  async check(now: Date): Promise<BudgetNotice[]> {
    const budgets = await this.deps.budgets.list();
    if (budgets.length === 0) return [];
    const month = monthOf(now);
    const [report, pubs, graph] = await Promise.all([
      this.deps.chargeback.report(month),
      this.deps.directory.list(),
      this.deps.chargeback.orgGraph(),
    ]);
    const spentBy = new Map(report.lines.map(l => [l.ref, l.totalCost]));
    const owners = new Map(pubs.map(p => [p.id, p.owner]));
    const sent: BudgetNotice[] = [];
    for (const budget of budgets) {
      const spent = spentBy.get(budget.consumerRef) ?? 0;
      for (const threshold of [80, 100] as const) {
        if (spent < roundCost((budget.monthlyAmount * threshold) / 100))
          continue;
        const notice = {
          consumerRef: budget.consumerRef,
          month,
          threshold,
          spent,
          budget: budget.monthlyAmount,
        };
        if (!(await this.deps.budgets.claimNotice(notice, now))) continue;
        const modelOwners = report.keys
          .filter(k => ancestry(graph, k.consumer).includes(budget.consumerRef))
          .map(k => owners.get(k.publicationId))
          .filter((o): o is string => !!o);
        const recipients = [
          ...new Set([budget.consumerRef, ...modelOwners]),
        ].sort();
        await this.notify({ ...notice, recipients });
        sent.push({ ...notice, recipients });
      }
    }
    return sent;
  }

  private async notify(notice: BudgetNotice): Promise<void> {
    if (!this.deps.notifications) return;
    const { currency } = this.deps;
    try {
      await this.deps.notifications.send({
        recipients: { type: 'entity', entityRef: notice.recipients },
        payload: {
          title: `${notice.consumerRef} has used ${notice.threshold} % of its ${notice.month} model budget`,
          description: `${notice.spent.toFixed(2)} of ${notice.budget.toFixed(
            2,
          )} ${currency} spent on published models this month.`,
          link: '/model-publishing/costs',
          severity: notice.threshold >= 100 ? 'high' : 'normal',
          topic: 'model-publishing.budget',
        },
      });
    } catch (error) {
      this.deps.logger.warn(
        `Could not send the budget notice for ${notice.consumerRef}: ${
          (error as Error).message
        }`,
      );
    }
  }
}
