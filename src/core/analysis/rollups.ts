import type { SpanFacts } from '../genai/spanFacts';
import type { StoredTrace } from '../../model/storedTrace';
import type { SpanRollup } from '../../model/traceTypes';
import type { SpanTree } from './spanTree';
import { countModelCalls, type ModelCallCounting } from './modelCalls';
import { addTokens, emptyTokens } from './usageTotals';

function addRollup(into: SpanRollup, add: SpanRollup): void {
  into.spanCount += add.spanCount;
  addTokens(into.tokens, add.tokens);
  into.costUsd += add.costUsd;
  into.unpricedCalls += add.unpricedCalls;
  into.errorCount += add.errorCount;
  into.modelCalls = (into.modelCalls ?? 0) + (add.modelCalls ?? 0);
}

/**
 * Subtree totals for every span, computed bottom-up in one pass over the display order: duration,
 * self time (time no child covers), tokens and cost of model calls counted once, errors.
 */
export function computeRollups(
  trace: StoredTrace,
  facts: readonly SpanFacts[],
  tree: SpanTree,
  counting: ModelCallCounting = countModelCalls(trace.spans, facts, tree.parent),
): SpanRollup[] {
  const spans = trace.spans;
  const { start: starts, end: ends } = tree;
  const rollups: SpanRollup[] = spans.map((_span, i) => {
    const f = facts[i];
    const duration = ends[i] - starts[i];
    const usage = counting.countsUsage[i] === 1;
    return {
      spanCount: 1,
      durationMs: duration,
      selfTimeMs: duration,
      tokens: usage ? { ...f.tokens } : emptyTokens(),
      costUsd: usage && f.costUsd !== null ? f.costUsd : 0,
      unpricedCalls: counting.unpriced[i],
      errorCount: f.status === 'error' ? 1 : 0,
      modelCalls: counting.countsCall[i],
    };
  });
  for (let k = tree.order.length - 1; k >= 0; k--) {
    const i = tree.order[k];
    const kids = tree.children[i];
    if (kids.length === 0) continue;
    const r = rollups[i];
    const start = starts[i];
    const end = ends[i];
    // Self time: the parent's interval minus the union of its children's intervals (clipped to it).
    let covered = 0;
    let runStart = -Infinity;
    let runEnd = -Infinity;
    for (const c of kids) {
      const cs = Math.max(start, starts[c]);
      const ce = Math.min(end, ends[c]);
      if (ce <= cs) continue;
      if (cs > runEnd) {
        if (runEnd > runStart) covered += runEnd - runStart;
        runStart = cs;
        runEnd = ce;
      } else if (ce > runEnd) runEnd = ce;
      addRollup(r, rollups[c]);
    }
    if (runEnd > runStart) covered += runEnd - runStart;
    // Children that do not overlap the parent still count toward subtree totals.
    for (const c of kids) {
      const cs = Math.max(start, starts[c]);
      const ce = Math.min(end, ends[c]);
      if (ce > cs) continue;
      addRollup(r, rollups[c]);
    }
    r.selfTimeMs = Math.max(0, r.durationMs - covered);
  }
  return rollups;
}
