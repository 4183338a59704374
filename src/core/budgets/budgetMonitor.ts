import type { Budget, BudgetCrossing, BudgetStatus } from '../../model/budgetTypes';
import { formatCost } from '../../model/formatValues';
import type { DailyHistory } from '../history/dailyHistory';
import { localDay } from '../../model/localDay';
import { isHigher, statusOf } from '../../model/budgetRules';

export interface KeptRun {
  traceId: string;
  startTime: number;
  costUsd: number;
}

export interface BudgetSources {
  history: DailyHistory;
  /** The runs the store keeps (for the per-run budget). */
  runs(): KeptRun[];
  now(): number;
}

/**
 * Compares spend with the budgets. Daily, monthly and agent spend come from the durable history,
 * so neither a restart nor an eviction resets them; a run's spend is its own cost. Each level of
 * each period is announced once: the levels already announced are kept in the history file, so a
 * restart does not announce them again.
 */
export class BudgetMonitor {
  private budgets: Budget[] = [];
  private checking = false;

  constructor(
    private readonly sources: BudgetSources,
    private readonly onCrossing: (crossing: BudgetCrossing) => void,
  ) {}

  setBudgets(budgets: readonly Budget[]): void {
    this.budgets = [...budgets];
    this.check();
  }

  get runLimitUsd(): number | undefined {
    return this.budgets.find((b) => b.scope === 'run')?.limitUsd;
  }

  status(): BudgetStatus[] {
    const now = this.sources.now();
    const today = localDay(now);
    const month = today.slice(0, 7);
    const needsMonth = this.budgets.some((b) => b.scope !== 'daily' && b.scope !== 'run');
    const monthCells = needsMonth ? this.sources.history.cells(`${month}-01`, today) : [];
    return this.budgets.map((budget) => {
      switch (budget.scope) {
        case 'daily':
          return statusOf(budget, sum(this.sources.history.cells(today, today).map((c) => c.cell.costUsd)), today);
        case 'monthly':
          return statusOf(budget, sum(monthCells.map((c) => c.cell.costUsd)), month);
        case 'run': {
          const costliest = this.todaysRuns(today).sort((a, b) => b.costUsd - a.costUsd)[0];
          return statusOf(budget, costliest?.costUsd ?? 0, costliest?.traceId ?? '');
        }
        default: {
          const agent = budget.scope.slice(6);
          return statusOf(budget, sum(monthCells.filter((c) => c.cell.agent === agent).map((c) => c.cell.costUsd)), month);
        }
      }
    });
  }

  /** Announces every level newly reached; returns what it announced. */
  check(): BudgetCrossing[] {
    if (this.checking || this.budgets.length === 0) return [];
    this.checking = true;
    try {
      const crossings: BudgetCrossing[] = [];
      const today = localDay(this.sources.now());
      for (const status of this.status()) {
        if (status.scope === 'run') {
          const budget = this.budgets.find((b) => b.scope === 'run')!;
          for (const run of this.todaysRuns(today)) {
            const runStatus = statusOf(budget, run.costUsd, run.traceId);
            this.announce(`run:${today}:${run.traceId}`, runStatus, crossings, run.traceId);
          }
        } else {
          const key = status.scope.startsWith('agent:')
            ? `agent:${status.period}:${status.scope.slice(6)}`
            : `${status.scope}:${status.period}`;
          this.announce(key, status, crossings);
        }
      }
      for (const crossing of crossings) this.onCrossing(crossing);
      return crossings;
    } finally {
      this.checking = false;
    }
  }

  private announce(key: string, status: BudgetStatus, into: BudgetCrossing[], traceId?: string): void {
    const history = this.sources.history;
    if (status.level === 'ok' || !isHigher(status.level, history.alertLevel(key))) return;
    history.setAlertLevel(key, status.level);
    into.push({ budget: status, level: status.level, traceId, message: crossingMessage(status) });
  }

  private todaysRuns(today: string): KeptRun[] {
    return this.sources.runs().filter((run) => localDay(run.startTime) === today);
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** e.g. `Daily budget: warning, $4.10 of $5.00 spent (82%).` */
export function crossingMessage(status: BudgetStatus): string {
  const percent = Math.round((status.spentUsd / status.limitUsd) * 100);
  const what = status.scope === 'run' ? `a run cost ${money(status.spentUsd)}` : `${money(status.spentUsd)} spent`;
  const level = status.level === 'critical' ? 'limit reached' : 'warning';
  return `${status.name} budget ${level}: ${what} of ${money(status.limitUsd)} (${percent}%).`;
}

/** Cents when there are any (budgets are in dollars and cents), finer below. */
function money(usd: number): string {
  return usd >= 0.01 && usd < 1000 ? `$${usd.toFixed(2)}` : formatCost(usd);
}
