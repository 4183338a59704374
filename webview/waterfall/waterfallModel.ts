import type { SpanKind, SpanSlowness, SpanStatus, WaterfallRow } from '../../src/model/traceTypes';
import { WATERFALL_FLAGS, type WaterfallColumns } from '../../src/model/waterfallColumns';
import { buildSpanForest } from '../../src/model/spanForest';

/** What the waterfall reads from a span: its place in the tree, its time and what its row shows. */
export interface WaterfallSpan {
  spanId: string;
  parentSpanId?: string;
  /** Milliseconds on any common clock (Unix ms, or offsets from the trace start). */
  startTime: number;
  endTime: number;
  name: string;
  kind: SpanKind;
  status: SpanStatus;
  service: string;
  model?: string;
  tokens?: number;
  costUsd?: number | null;
  slow?: SpanSlowness;
}

/** A waterfall row from the API as a span on the trace-offset clock. */
export function waterfallSpanFromRow(row: WaterfallRow): WaterfallSpan {
  return {
    spanId: row.spanId,
    parentSpanId: row.parentSpanId,
    startTime: row.offsetMs,
    endTime: row.offsetMs + Math.max(0, row.durationMs),
    name: row.name,
    kind: row.kind,
    status: row.status,
    service: row.service,
    model: row.model,
    tokens: row.tokens,
    costUsd: row.costUsd,
    slow: row.slow,
  };
}

/**
 * A trace laid out for the waterfall: spans in display order (depth-first, parents before
 * children, siblings by start time) with per-row arrays indexed by that order. Built once per
 * trace version; collapsing, scrolling and zooming only read it.
 */
export interface WaterfallModel<T extends WaterfallSpan = WaterfallSpan> {
  rows: readonly T[];
  rowById: ReadonlyMap<string, number>;
  depth: Int32Array;
  /** Row index of the parent, -1 for roots and orphans. */
  parent: Int32Array;
  /** One past the last row of this row's subtree: rows `i + 1 … subtreeEnd[i] - 1` are its descendants. */
  subtreeEnd: Int32Array;
  childCount: Int32Array;
  /** 1 when the span names a parent the trace does not hold. */
  orphan: Uint8Array;
  traceStart: number;
  traceEnd: number;
  maxDepth: number;
}

/** Orders spans for display. Iterative, so a 100,000-deep chain cannot overflow the stack. */
export function buildWaterfallModel<T extends WaterfallSpan>(spans: readonly T[]): WaterfallModel<T> {
  const n = spans.length;
  let traceStart = Infinity;
  let traceEnd = -Infinity;
  for (const span of spans) {
    traceStart = Math.min(traceStart, span.startTime);
    traceEnd = Math.max(traceEnd, span.endTime, span.startTime);
  }
  const forest = buildSpanForest({
    count: n,
    spanId: (i) => spans[i].spanId,
    parentSpanId: (i) => spans[i].parentSpanId,
    start: (i) => spans[i].startTime,
  });
  const { order, depth: depthOf, parent: parentOf, orphan: isOrphan } = forest;

  const rowOf = new Int32Array(n);
  for (let r = 0; r < n; r++) rowOf[order[r]] = r;
  const rows: T[] = new Array(n);
  const rowById = new Map<string, number>();
  const depth = new Int32Array(n);
  const parent = new Int32Array(n);
  const childCount = new Int32Array(n);
  const orphan = new Uint8Array(n);
  let maxDepth = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    rows[r] = spans[i];
    if (!rowById.has(spans[i].spanId)) rowById.set(spans[i].spanId, r);
    depth[r] = depthOf[i];
    maxDepth = Math.max(maxDepth, depthOf[i]);
    parent[r] = parentOf[i] < 0 ? -1 : rowOf[parentOf[i]];
    orphan[r] = isOrphan[i];
  }
  // Children as shown: a span whose parent link closes a cycle is shown as a root, not counted here.
  for (let r = 0; r < n; r++) if (parent[r] >= 0) childCount[parent[r]]++;
  // Subtree sizes bottom-up: in preorder every descendant comes after its ancestor.
  const size = new Int32Array(n).fill(1);
  for (let r = n - 1; r >= 0; r--) if (parent[r] >= 0) size[parent[r]] += size[r];
  const subtreeEnd = new Int32Array(n);
  for (let r = 0; r < n; r++) subtreeEnd[r] = r + size[r];

  return {
    rows,
    rowById,
    depth,
    parent,
    subtreeEnd,
    childCount,
    orphan,
    traceStart: n ? traceStart : 0,
    traceEnd: n ? traceEnd : 0,
    maxDepth,
  };
}

/**
 * Where each row sits as the engine laid the trace out: rows already in display order, by the
 * same rules as `buildWaterfallModel` (parents first, siblings by start time, orphans and cycles
 * as roots), with each row's parent row.
 */
export interface WaterfallLayout {
  /** Row index of the parent, -1 for roots and orphans. */
  parent: ArrayLike<number>;
  /** 1 when the span names a parent the trace does not hold. */
  orphan: ArrayLike<number>;
}

/** The layout the engine sent with its columns. */
export function waterfallLayoutOf(columns: WaterfallColumns): WaterfallLayout {
  return { parent: columns.parent, orphan: columns.flags.map((flags) => flags & WATERFALL_FLAGS.orphan) };
}

/**
 * The model from a layout the engine already computed: no id lookups for parents, no sorting,
 * so a 100,000-span trace is ready in a few milliseconds. A layout that is not a depth-first
 * order (a parent after its child, a subtree split apart) is ignored: the spans are laid out here.
 */
export function waterfallModelFromLayout<T extends WaterfallSpan>(spans: readonly T[], layout: WaterfallLayout): WaterfallModel<T> {
  const n = spans.length;
  if (layout.parent.length !== n || layout.orphan.length !== n) return buildWaterfallModel(spans);
  const parent = Int32Array.from(layout.parent);
  const depth = new Int32Array(n);
  const childCount = new Int32Array(n);
  // The open ancestors of the previous row: in a depth-first order each row's parent is one of them.
  const path = new Int32Array(n);
  let open = 0;
  let maxDepth = 0;
  for (let r = 0; r < n; r++) {
    const p = parent[r];
    if (p >= r || p < -1) return buildWaterfallModel(spans);
    if (p < 0) open = 0;
    else {
      while (open > 0 && path[open - 1] !== p) open--;
      if (open === 0) return buildWaterfallModel(spans);
      childCount[p]++;
    }
    depth[r] = open;
    if (open > maxDepth) maxDepth = open;
    path[open++] = r;
  }
  const size = new Int32Array(n).fill(1);
  for (let r = n - 1; r >= 0; r--) if (parent[r] >= 0) size[parent[r]] += size[r];
  const subtreeEnd = new Int32Array(n);
  for (let r = 0; r < n; r++) subtreeEnd[r] = r + size[r];

  const rowById = new Map<string, number>();
  let traceStart = Infinity;
  let traceEnd = -Infinity;
  for (let r = 0; r < n; r++) {
    const span = spans[r];
    if (!rowById.has(span.spanId)) rowById.set(span.spanId, r);
    if (span.startTime < traceStart) traceStart = span.startTime;
    traceEnd = Math.max(traceEnd, span.endTime, span.startTime);
  }
  return {
    rows: spans,
    rowById,
    depth,
    parent,
    subtreeEnd,
    childCount,
    orphan: Uint8Array.from(layout.orphan),
    traceStart: n ? traceStart : 0,
    traceEnd: n ? traceEnd : 0,
    maxDepth,
  };
}
