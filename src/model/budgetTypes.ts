/** `daily` and `monthly` (local calendar), `run` (each run alone), `agent:NAME` (that agent, per month). */
export type BudgetScope = 'daily' | 'monthly' | 'run' | `agent:${string}`;

export type BudgetLevel = 'ok' | 'warning' | 'critical';

/** A spending limit (`loupe.budgets`, `loupe serve --budget SCOPE=USD`). */
export interface Budget {
  scope: BudgetScope;
  limitUsd: number;
  /** Percent of the limit that raises a warning; default 80. */
  warningPercent?: number;
  /** Percent of the limit that is critical; default 100. */
  criticalPercent?: number;
}

/** One row of `GET /api/budgets`. */
export interface BudgetStatus {
  /** e.g. `Daily`, `Monthly`, `Per run`, `Agent planner (monthly)`. */
  name: string;
  scope: BudgetScope;
  limitUsd: number;
  spentUsd: number;
  level: BudgetLevel;
  warningPercent: number;
  criticalPercent: number;
  /** The period spent in: `2026-12-06`, `2026-12`, or for `run` the costliest run's trace id. */
  period: string;
}

/** Spend reached a higher level in a period; announced once per level and period. */
export interface BudgetCrossing {
  budget: BudgetStatus;
  level: Exclude<BudgetLevel, 'ok'>;
  /** For a run budget, the run that crossed it. */
  traceId?: string;
  message: string;
}
