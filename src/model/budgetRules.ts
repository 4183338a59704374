import type { Budget, BudgetLevel, BudgetScope, BudgetStatus } from './budgetTypes';

export const DEFAULT_WARNING_PERCENT = 80;
export const DEFAULT_CRITICAL_PERCENT = 100;
const MAX_AGENT_NAME = 200;

function scopeOf(text: string): BudgetScope | undefined {
  if (text === 'daily' || text === 'monthly' || text === 'run') return text;
  if (text.startsWith('agent:') && text.length > 6 && text.length <= 6 + MAX_AGENT_NAME) return text as BudgetScope;
  return undefined;
}

/** `--budget SCOPE=USD[:WARN%[:CRIT%]]`, e.g. `daily=5`, `agent:planner=20:70`. A message when malformed. */
export function parseBudgetFlag(text: string): Budget | string {
  const at = text.lastIndexOf('=');
  const scope = at > 0 ? scopeOf(text.slice(0, at)) : undefined;
  if (!scope) return `--budget needs SCOPE=USD with SCOPE daily, monthly, run or agent:NAME, not "${text.slice(0, 60)}".`;
  const [limit, warning, critical] = text.slice(at + 1).split(':');
  return checkBudget({
    scope,
    limitUsd: Number(limit),
    warningPercent: warning === undefined ? undefined : Number(warning),
    criticalPercent: critical === undefined ? undefined : Number(critical),
  });
}

function checkBudget(budget: Budget): Budget | string {
  if (!(budget.limitUsd > 0) || !Number.isFinite(budget.limitUsd)) return `The ${budget.scope} budget needs a limit in USD above 0.`;
  const warning = budget.warningPercent ?? DEFAULT_WARNING_PERCENT;
  const critical = budget.criticalPercent ?? DEFAULT_CRITICAL_PERCENT;
  if (!(warning > 0 && warning <= 1000) || !(critical > 0 && critical <= 1000) || warning > critical) {
    return `The ${budget.scope} budget's levels must be percentages with warning (${warning}) at or below critical (${critical}).`;
  }
  return { scope: budget.scope, limitUsd: budget.limitUsd, warningPercent: warning, criticalPercent: critical };
}

/** Reads `loupe.budgets` (untrusted settings JSON): the valid budgets and what is wrong with the rest. */
export function budgetsFromSettings(value: unknown): { budgets: Budget[]; problems: string[] } {
  const budgets: Budget[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { budgets, problems };
  if (!Array.isArray(value)) return { budgets, problems: ['loupe.budgets must be a list of { scope, limitUsd }.'] };
  for (const item of value) {
    const v = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>;
    const scope = typeof v.scope === 'string' ? scopeOf(v.scope) : undefined;
    if (!scope) {
      problems.push(`A budget's scope must be daily, monthly, run or agent:NAME, not ${JSON.stringify(v.scope)?.slice(0, 60)}.`);
      continue;
    }
    const checked = checkBudget({
      scope,
      limitUsd: Number(v.limitUsd),
      warningPercent: v.warningPercent === undefined ? undefined : Number(v.warningPercent),
      criticalPercent: v.criticalPercent === undefined ? undefined : Number(v.criticalPercent),
    });
    if (typeof checked === 'string') problems.push(checked);
    else budgets.push(checked);
  }
  return { budgets, problems };
}

export function levelOf(spentUsd: number, budget: Budget): BudgetLevel {
  // Rounded so float sums (0.3 + 0.15 = 0.44999…) reach the level they add up to.
  const percent = Math.round((spentUsd / budget.limitUsd) * 100 * 1e6) / 1e6;
  if (percent >= (budget.criticalPercent ?? DEFAULT_CRITICAL_PERCENT)) return 'critical';
  if (percent >= (budget.warningPercent ?? DEFAULT_WARNING_PERCENT)) return 'warning';
  return 'ok';
}

export function budgetName(scope: BudgetScope): string {
  if (scope === 'daily') return 'Daily';
  if (scope === 'monthly') return 'Monthly';
  if (scope === 'run') return 'Per run';
  return `Agent ${scope.slice(6)} (monthly)`;
}

export function statusOf(budget: Budget, spentUsd: number, period: string): BudgetStatus {
  return {
    name: budgetName(budget.scope),
    scope: budget.scope,
    limitUsd: budget.limitUsd,
    spentUsd: Math.round(spentUsd * 1e8) / 1e8,
    level: levelOf(spentUsd, budget),
    warningPercent: budget.warningPercent ?? DEFAULT_WARNING_PERCENT,
    criticalPercent: budget.criticalPercent ?? DEFAULT_CRITICAL_PERCENT,
    period,
  };
}

const LEVEL_RANK: Record<BudgetLevel, number> = { ok: 0, warning: 1, critical: 2 };

export function isHigher(level: BudgetLevel, than: BudgetLevel | undefined): boolean {
  return LEVEL_RANK[level] > LEVEL_RANK[than ?? 'ok'];
}
