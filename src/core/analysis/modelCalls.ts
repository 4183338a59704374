import type { SpanFacts } from '../genai/spanFacts';
import type { OtlpSpan } from '../../model/otlpTypes';

/**
 * Which spans' usage counts toward totals, decided once per trace in O(n).
 *
 * Aggregate spans repeat the usage of model calls below them (`ai.generateText` over its steps,
 * a LangChain LLM span over the OpenAI span it wraps), whether or not a convention says so. So a
 * model call's tokens and cost count only when no model call below it reports usage; a span counts
 * as a call only when no model call runs below it. An aggregate whose steps never arrived still counts.
 */
export interface ModelCallCounting {
  /** Parent index by span index; -1 for roots and spans whose parent is missing. */
  parent: ArrayLike<number>;
  /** 1 when the span's tokens and cost count toward totals. */
  countsUsage: Uint8Array;
  /** 1 when the span counts as one model call. */
  countsCall: Uint8Array;
  /** 1 for a counted model call whose cost is unknown (no price, or no usage reported by it or above it). */
  unpriced: Uint8Array;
  /** 1 for a model call whose usage is already carried by model calls below it. */
  aggregate: Uint8Array;
  /** The agent a span works for: its own agent name, else the nearest ancestor's. */
  agentOf: (string | undefined)[];
  /** The session a span belongs to: its own, else the nearest ancestor's. */
  sessionOf: (string | undefined)[];
}

export function isModelCall(f: SpanFacts): boolean {
  return f.kind === 'llm' || f.kind === 'embedding';
}

export function reportsUsage(f: SpanFacts): boolean {
  return f.tokens.total > 0 || f.tokens.input + f.tokens.output > 0 || f.costSource === 'span';
}

export function parentIndexes(spans: readonly OtlpSpan[]): Int32Array {
  const n = spans.length;
  const indexById = new Map<string, number>();
  for (let i = 0; i < n; i++) indexById.set(spans[i].spanId, i);
  const parent = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const id = spans[i].parentSpanId;
    const p = id ? indexById.get(id) : undefined;
    if (p !== undefined && p !== i) parent[i] = p;
  }
  return parent;
}

/** Marks every strict ancestor of `from`; stops at the first already marked (amortized O(n) overall). */
function markAncestors(parent: ArrayLike<number>, marks: Uint8Array, from: number): void {
  let p = parent[from];
  for (let steps = 0; p !== -1 && !marks[p] && steps < parent.length; steps++) {
    marks[p] = 1;
    p = parent[p];
  }
}

/** Resolves an inherited value (nearest ancestor's) for every span with memoized, iterative walks. */
function inherit(parent: ArrayLike<number>, own: (i: number) => string | undefined): (string | undefined)[] {
  const n = parent.length;
  const out = new Array<string | undefined>(n);
  const done = new Uint8Array(n);
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    if (done[i]) continue;
    let j = i;
    let found: string | undefined;
    // Walk up until a span that names the value, one already resolved, or the root.
    while (j !== -1 && !done[j] && path.length <= n) {
      done[j] = 2;
      path.push(j);
      found = own(j);
      if (found !== undefined) break;
      j = parent[j];
      if (j !== -1 && done[j] === 2) j = -1; // a parent cycle
    }
    if (found === undefined && j !== -1 && done[j] === 1) found = out[j];
    // Assign back down the path: each span takes its own value, else what is above it.
    for (let k = path.length - 1; k >= 0; k--) {
      const s = path[k];
      const mine = own(s);
      if (mine !== undefined) found = mine;
      out[s] = found;
      done[s] = 1;
    }
    path.length = 0;
  }
  return out;
}

/** `parent` may be passed when already known (e.g. `SpanTree.parent`) to skip rebuilding it. */
export function countModelCalls(
  spans: readonly OtlpSpan[],
  facts: readonly SpanFacts[],
  parent: ArrayLike<number> = parentIndexes(spans),
): ModelCallCounting {
  const n = spans.length;
  const modelBelow = new Uint8Array(n);
  const usageBelow = new Uint8Array(n);
  let silentCalls = false;
  let agents = false;
  let sessions = false;
  for (let i = 0; i < n; i++) {
    const f = facts[i];
    if (!f) continue;
    if (f.agentName !== undefined) agents = true;
    if (f.sessionId !== undefined) sessions = true;
    if (!isModelCall(f)) continue;
    markAncestors(parent, modelBelow, i);
    if (reportsUsage(f)) markAncestors(parent, usageBelow, i);
    else silentCalls = true;
  }
  // The inherited values are only worked out when something could be inherited (big traces often have none).
  const none = (): (string | undefined)[] => new Array<string | undefined>(n);
  const usageAbove = silentCalls
    ? inherit(parent, (i) => (facts[i] && isModelCall(facts[i]) && reportsUsage(facts[i]) ? 'y' : undefined))
    : none();

  const countsUsage = new Uint8Array(n);
  const countsCall = new Uint8Array(n);
  const unpriced = new Uint8Array(n);
  const aggregate = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const f = facts[i];
    if (!f || !isModelCall(f)) continue;
    const usage = reportsUsage(f);
    if (usage && usageBelow[i]) aggregate[i] = 1;
    if (usage && !usageBelow[i]) {
      countsUsage[i] = 1;
      if (f.costUsd === null) unpriced[i] = 1;
    }
    if (!modelBelow[i]) {
      countsCall[i] = 1;
      // A call that reported nothing is unpriced unless a span above it carries its usage.
      const coveredAbove = parent[i] !== -1 && usageAbove[parent[i]] !== undefined;
      if (!usage && f.costSource === 'unknown' && !coveredAbove) unpriced[i] = 1;
    }
  }
  return {
    parent,
    countsUsage,
    countsCall,
    unpriced,
    aggregate,
    agentOf: agents ? inherit(parent, (i) => facts[i]?.agentName) : none(),
    sessionOf: sessions ? inherit(parent, (i) => facts[i]?.sessionId) : none(),
  };
}
