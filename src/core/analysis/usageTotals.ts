import type { TokenCounts, UsageTotals } from '../../model/traceTypes';

export function emptyTokens(): TokenCounts {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 0 };
}

export function addTokens(into: TokenCounts, add: TokenCounts): void {
  into.input += add.input;
  into.output += add.output;
  into.cacheRead += add.cacheRead;
  into.cacheWrite += add.cacheWrite;
  into.reasoning += add.reasoning;
  into.total += add.total;
}

export function emptyUsage(key: string): UsageTotals {
  return { key, calls: 0, tokens: emptyTokens(), costUsd: 0, unpricedCalls: 0, errorCount: 0, spanCount: 0 };
}

/** Sums usage per key (model, agent, session). */
export class UsageTable {
  private readonly rows = new Map<string, UsageTotals>();

  row(key: string): UsageTotals {
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = emptyUsage(key)));
    return row;
  }

  /** Rows by cost, then tokens, then key. */
  sorted(): UsageTotals[] {
    return [...this.rows.values()].sort((a, b) => b.costUsd - a.costUsd || b.tokens.total - a.tokens.total || a.key.localeCompare(b.key));
  }
}

export function addUsage(into: UsageTotals, add: UsageTotals): void {
  into.calls += add.calls;
  addTokens(into.tokens, add.tokens);
  into.costUsd += add.costUsd;
  into.unpricedCalls += add.unpricedCalls;
  into.errorCount += add.errorCount;
  into.spanCount += add.spanCount;
}
