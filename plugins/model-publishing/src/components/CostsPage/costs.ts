import type {
  Budget,
  ChargebackLine,
  ChargebackReport,
} from '@model-publishing/plugin-model-publishing-common';

/** `YYYY-MM` of a date's UTC month. */
export function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

export function isMonth(value: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}

/** The month `delta` months after `month` (`YYYY-MM`). */
export function shiftMonth(month: string, delta: number): string {
  const [year, m] = month.split('-').map(Number);
  return monthOf(new Date(Date.UTC(year, m - 1 + delta, 1)));
}

/** "December 2026" for `2026-12`. */
export function monthLabel(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return new Date(Date.UTC(year, m - 1, 1)).toLocaleDateString(undefined, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/**
 * A cost in the report's currency: at least cents, and up to four decimals so that per-token prices on
 * small traffic do not all show as 0.00.
 */
export function formatCost(value: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 4,
    }).format(value);
  } catch {
    // not an ISO 4217 code (a configured "credits", say): the number and the unit
    return `${new Intl.NumberFormat(undefined, {
      minimumFractionDigits: 2,
      maximumFractionDigits: 4,
    }).format(value)} ${currency}`;
  }
}

/** A consumer's monthly budget against what it spent this month. */
export interface BudgetRow {
  budget: Budget;
  /** The consumer's rolled-up cost in the month shown (0 when it has no line). */
  spent: number;
  /** Whole percent of the budget spent, floored (80 and 100 are the notification thresholds). */
  percent: number;
  title?: string;
}

export function budgetRows(
  budgets: Budget[],
  report: Pick<ChargebackReport, 'lines'> | undefined,
): BudgetRow[] {
  const lines = new Map<string, ChargebackLine>(
    (report?.lines ?? []).map(l => [l.ref, l]),
  );
  return budgets
    .map(budget => {
      const line = lines.get(budget.consumerRef);
      const spent = line?.totalCost ?? 0;
      return {
        budget,
        spent,
        percent:
          budget.monthlyAmount > 0
            ? Math.floor((spent / budget.monthlyAmount) * 100)
            : 0,
        ...(line?.title ? { title: line.title } : {}),
      };
    })
    .sort((a, b) => b.percent - a.percent);
}

/** Consumers a budget can be set for: the lines that hold keys or groups (not systems/domains). */
export function budgetCandidates(
  report: Pick<ChargebackReport, 'lines'> | undefined,
): string[] {
  return [
    ...new Set(
      (report?.lines ?? [])
        .map(l => l.ref)
        .filter(ref => /^(group|component|user):[^/]+\/.+$/.test(ref)),
    ),
  ].sort();
}

/** How a budget use reads: spent (100 %), nearly spent (80 %, the first notice), or fine. */
export function budgetSeverity(percent: number): 'error' | 'warning' | 'ok' {
  if (percent >= 100) return 'error';
  if (percent >= 80) return 'warning';
  return 'ok';
}
