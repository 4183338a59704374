import type { SpanFacts } from '../genai/spanFacts';
import type { StoredTrace } from '../../model/storedTrace';
import type { SpanRollup } from '../../model/traceTypes';
import { buildSpanTree, type SpanTree } from './spanTree';
import { countModelCalls, type ModelCallCounting } from './modelCalls';
import { computeRollups } from './rollups';

/**
 * The whole-trace structure every view needs: the span tree, which model calls count, and the
 * subtree roll-ups. O(n); computed once per trace version and shared by the detail, single-span
 * and waterfall views.
 */
export interface TraceAnalysis {
  tree: SpanTree;
  counting: ModelCallCounting;
  rollups: SpanRollup[];
  /** Span index by span id. */
  indexOf: Map<string, number>;
}

export function analyzeTrace(trace: StoredTrace, facts: readonly SpanFacts[]): TraceAnalysis {
  const tree = buildSpanTree(trace.spans);
  const counting = countModelCalls(trace.spans, facts, tree.parent);
  const rollups = computeRollups(trace, facts, tree, counting);
  return { tree, counting, rollups, indexOf: tree.indexById };
}
