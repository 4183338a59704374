import { compareNewestFirst } from '../../model/traceQuery';
import { buildSpanForest } from '../../model/spanForest';
import type {
  CodeLocation,
  Span,
  SpanKind,
  SpanSlowness,
  SpanStatus,
  TokenCounts,
  TraceChange,
  TraceDetail,
  TraceSummary,
} from '../../model/traceTypes';
import { traceMatchesFilter, type TraceFilter } from './traceFilter';

/** What the tree keeps of a span: enough for its row, tooltip and commands, none of its messages. */
export interface SpanNode {
  traceId: string;
  spanId: string;
  /** The parent row's span id; undefined for roots and for spans whose parent never arrived. */
  parentSpanId?: string;
  name: string;
  kind: SpanKind;
  status: SpanStatus;
  statusMessage?: string;
  startTime: number;
  durationMs: number;
  service: string;
  model?: string;
  provider?: string;
  toolName?: string;
  agentName?: string;
  tokens: TokenCounts;
  costUsd: number | null;
  /** Usage carried again by model calls below (not added to totals). */
  aggregate: boolean;
  subtree?: { spanCount: number; tokens: number; costUsd: number; unpricedCalls: number; errorCount: number };
  code?: CodeLocation;
  error?: { type?: string; message?: string; stacktrace?: string };
  childIds: string[];
  /** Much slower than spans of its kind usually are. */
  slow?: SpanSlowness;
}

interface LoadedTrace {
  updatedTime: number;
  version?: number;
  spans: Map<string, SpanNode>;
  roots: string[];
}

export type TreeNodeRef = { type: 'trace'; traceId: string } | { type: 'span'; traceId: string; spanId: string };

export function nodeIdOf(ref: TreeNodeRef): string {
  return ref.type === 'trace' ? `trace:${ref.traceId}` : `span:${ref.traceId}:${ref.spanId}`;
}

/** What a change did to the tree: whether the list of traces moved, and which trace rows changed in place. */
export interface TreeUpdate {
  rootChanged: boolean;
  changedTraceIds: string[];
}

/**
 * The Traces view as data: trace summaries (newest first, filtered) and, for traces whose spans
 * were loaded, their span hierarchy. Pure: the VS Code tree provider only maps it to TreeItems.
 */
export class TraceTreeModel {
  private readonly summaries = new Map<string, TraceSummary>();
  private readonly loaded = new Map<string, LoadedTrace>();
  private filter: TraceFilter = {};
  private visible: TraceSummary[] = [];

  replaceAll(summaries: readonly TraceSummary[]): void {
    this.summaries.clear();
    for (const summary of summaries) this.summaries.set(summary.traceId, summary);
    for (const traceId of [...this.loaded.keys()]) if (!this.summaries.has(traceId)) this.loaded.delete(traceId);
    this.refilter();
  }

  applyChange(change: TraceChange): TreeUpdate {
    const before = this.visible.map((s) => s.traceId).join(',');
    if (change.cleared) {
      this.summaries.clear();
      this.loaded.clear();
    }
    for (const traceId of change.removed) {
      this.summaries.delete(traceId);
      this.loaded.delete(traceId);
    }
    for (const summary of change.upserted) this.summaries.set(summary.traceId, summary);
    this.refilter();
    const rootChanged = change.cleared || before !== this.visible.map((s) => s.traceId).join(',');
    const shown = new Set(this.visible.map((s) => s.traceId));
    return { rootChanged, changedTraceIds: change.upserted.map((s) => s.traceId).filter((id) => shown.has(id)) };
  }

  setFilter(filter: TraceFilter): void {
    this.filter = { ...filter };
    this.refilter();
  }

  get currentFilter(): TraceFilter {
    return { ...this.filter };
  }

  /** Filtered, newest first. */
  visibleTraces(): readonly TraceSummary[] {
    return this.visible;
  }

  /** Every stored trace, unfiltered and unordered (cheap: for totals). */
  traces(): IterableIterator<TraceSummary> {
    return this.summaries.values();
  }

  allTraces(): TraceSummary[] {
    return [...this.summaries.values()].sort(compareNewestFirst);
  }

  summary(traceId: string): TraceSummary | undefined {
    return this.summaries.get(traceId);
  }

  /** True when the trace's spans were never loaded or the trace grew since. */
  needsSpans(traceId: string): boolean {
    const loaded = this.loaded.get(traceId);
    const summary = this.summaries.get(traceId);
    return !loaded || (summary !== undefined && (summary.updatedTime !== loaded.updatedTime || summary.version !== loaded.version));
  }

  setSpans(detail: TraceDetail): void {
    if (!this.summaries.has(detail.traceId)) this.summaries.set(detail.traceId, detail.summary);
    this.loaded.set(detail.traceId, buildLoadedTrace(detail));
  }

  span(traceId: string, spanId: string): SpanNode | undefined {
    return this.loaded.get(traceId)?.spans.get(spanId);
  }

  /**
   * Rows under a node (undefined: the top level); undefined when the trace's spans are not loaded.
   * A trace with a single root span shows that span's children directly: the trace row stands for it.
   */
  childrenOf(ref: TreeNodeRef | undefined): TreeNodeRef[] | undefined {
    if (!ref) return this.visible.map((s) => ({ type: 'trace', traceId: s.traceId }));
    const loaded = this.loaded.get(ref.traceId);
    if (!loaded) return undefined;
    const single = singleRoot(loaded);
    const ids = ref.type === 'trace' ? (single ? single.childIds : loaded.roots) : (loaded.spans.get(ref.spanId)?.childIds ?? []);
    return ids.map((spanId) => ({ type: 'span', traceId: ref.traceId, spanId }));
  }

  /** The span a trace row stands for when the trace has exactly one root. */
  rootSpan(traceId: string): SpanNode | undefined {
    const loaded = this.loaded.get(traceId);
    return loaded && singleRoot(loaded);
  }

  parentOf(ref: TreeNodeRef): TreeNodeRef | undefined {
    if (ref.type === 'trace') return undefined;
    const loaded = this.loaded.get(ref.traceId);
    const parent = loaded?.spans.get(ref.spanId)?.parentSpanId;
    const single = loaded && singleRoot(loaded);
    return parent && parent !== single?.spanId
      ? { type: 'span', traceId: ref.traceId, spanId: parent }
      : { type: 'trace', traceId: ref.traceId };
  }

  /** The row for a span: the trace row for a single root span. */
  rowOf(traceId: string, spanId: string): TreeNodeRef {
    return this.rootSpan(traceId)?.spanId === spanId ? { type: 'trace', traceId } : { type: 'span', traceId, spanId };
  }

  /** The rows from the trace row down to the span's row, for revealing a span in the tree. */
  pathTo(traceId: string, spanId: string): TreeNodeRef[] {
    const path: TreeNodeRef[] = [];
    const loaded = this.loaded.get(traceId);
    let current: TreeNodeRef | undefined = loaded?.spans.has(spanId) ? this.rowOf(traceId, spanId) : undefined;
    for (let guard = 0; current && current.type === 'span' && loaded && guard < loaded.spans.size; guard++) {
      path.unshift(current);
      current = this.parentOf(current);
    }
    return [{ type: 'trace', traceId }, ...path];
  }

  private refilter(): void {
    this.visible = [...this.summaries.values()].filter((s) => traceMatchesFilter(s, this.filter)).sort(compareNewestFirst);
  }
}

function nodeOf(span: Span): SpanNode {
  const rollup = span.rollup;
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    kind: span.kind,
    status: span.status,
    statusMessage: span.statusMessage,
    startTime: span.startTime,
    durationMs: span.durationMs,
    service: span.service,
    model: span.model,
    provider: span.provider,
    toolName: span.toolName ?? span.tool?.name,
    agentName: span.agentName,
    tokens: span.tokens,
    costUsd: span.costUsd,
    aggregate: span.aggregate,
    subtree: rollup && {
      spanCount: rollup.spanCount,
      tokens: rollup.tokens.total,
      costUsd: rollup.costUsd,
      unpricedCalls: rollup.unpricedCalls,
      errorCount: rollup.errorCount,
    },
    code: span.code,
    error: span.error && { type: span.error.type, message: span.error.message, stacktrace: span.error.stacktrace },
    childIds: [],
    slow: span.slow,
  };
}

function singleRoot(loaded: LoadedTrace): SpanNode | undefined {
  return loaded.roots.length === 1 ? loaded.spans.get(loaded.roots[0]) : undefined;
}

/** Parents before children, siblings by start time; orphans and spans in a parent cycle become roots. */
function buildLoadedTrace(detail: TraceDetail): LoadedTrace {
  const seen = new Set<string>();
  const list = detail.spans.filter((span) => !seen.has(span.spanId) && Boolean(seen.add(span.spanId)));
  const forest = buildSpanForest({
    count: list.length,
    spanId: (i) => list[i].spanId,
    parentSpanId: (i) => list[i].parentSpanId,
    start: (i) => list[i].startTime,
  });
  const spans = new Map<string, SpanNode>();
  for (const i of forest.order) spans.set(list[i].spanId, nodeOf(list[i]));
  for (const i of forest.order) {
    const node = spans.get(list[i].spanId)!;
    if (forest.parent[i] >= 0) node.parentSpanId = list[forest.parent[i]].spanId;
    node.childIds = forest.children[i].map((child) => list[child].spanId);
  }
  return {
    updatedTime: detail.summary.updatedTime,
    version: detail.summary.version,
    spans,
    roots: forest.roots.map((i) => list[i].spanId),
  };
}
