import type { SessionSummary } from '../../src/model/sessionTypes';
import type { TokenCounts } from '../../src/model/traceTypes';
import { formatCost, formatTokens } from '../../src/model/formatValues';

/** `4.3k in (1.7k cache read, 100 cache write) · 75 out`, leaving out what is zero. */
export function tokenText(tokens: TokenCounts): string {
  const cache = [
    tokens.cacheRead > 0 ? `${formatTokens(tokens.cacheRead)} cache read` : '',
    tokens.cacheWrite > 0 ? `${formatTokens(tokens.cacheWrite)} cache write` : '',
  ].filter(Boolean);
  const reasoning = tokens.reasoning > 0 ? ` (${formatTokens(tokens.reasoning)} reasoning)` : '';
  return `${formatTokens(tokens.input)} in${cache.length ? ` (${cache.join(', ')})` : ''} · ${formatTokens(tokens.output)} out${reasoning}`;
}

/** The cost shown, and where it came from: the agent's own, with Loupe's price beside it when they differ. */
export function costText(session: Pick<SessionSummary, 'costUsd' | 'agentCostUsd' | 'computedCostUsd' | 'unpricedCalls'>): string {
  const unpriced = session.unpricedCalls > 0 ? ` (${session.unpricedCalls} unpriced)` : '';
  if (session.agentCostUsd === undefined) return `${formatCost(session.computedCostUsd)} Loupe's price${unpriced}`;
  const differs = formatCost(session.agentCostUsd) !== formatCost(session.computedCostUsd);
  return `${formatCost(session.agentCostUsd)} reported by the agent${differs ? ` · Loupe's price ${formatCost(session.computedCostUsd)}${unpriced}` : ''}`;
}
