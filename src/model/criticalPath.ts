/** The least a span must say for the critical path: its place in the tree and its time window. */
export interface CriticalPathSpan {
  spanId: string;
  parentSpanId?: string;
  startTime: number;
  endTime: number;
}

/** A stretch of time during which `spanId` itself (not one of its children) held up the trace. */
export interface CriticalPathSegment {
  spanId: string;
  startTime: number;
  endTime: number;
}

/** A critical-path segment by span index (see `criticalPathByIndex`). */
export interface CriticalPathIndexSegment {
  index: number;
  startTime: number;
  endTime: number;
}

/**
 * Overlap below this many milliseconds is clock resolution, not concurrency. The OpenTelemetry JS
 * SDK takes a span's start from `Date.now()` (whole milliseconds) and its end as start plus a
 * sub-millisecond duration, so a call that ends just before the next one starts can still appear to
 * end up to (not including) 1 ms after it.
 */
export const CLOCK_RESOLUTION_MS = 1;

/** How many siblings past the latest-ending one are checked for a follower (bounds wide fan-outs). */
const FOLLOWER_SCAN = 64;

function parentIndexesOf(spans: readonly CriticalPathSpan[]): Int32Array {
  const indexById = new Map<string, number>();
  for (let i = 0; i < spans.length; i++) if (!indexById.has(spans[i].spanId)) indexById.set(spans[i].spanId, i);
  const parent = new Int32Array(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const parentId = spans[i].parentSpanId;
    const p = parentId === undefined ? undefined : indexById.get(parentId);
    parent[i] = p === undefined || p === i ? -1 : p;
  }
  return parent;
}

/** Children of every span in one flat array; index `n` is a virtual root holding the top-level spans. */
function childLists(parent: Int32Array): { offsets: Int32Array; list: Int32Array } {
  const n = parent.length;
  const counts = new Int32Array(n + 2);
  const parentOf = (i: number) => (parent[i] < 0 || parent[i] >= n || parent[i] === i ? n : parent[i]);
  for (let i = 0; i < n; i++) counts[parentOf(i) + 1]++;
  const offsets = new Int32Array(n + 2);
  for (let i = 1; i <= n + 1; i++) offsets[i] = offsets[i - 1] + counts[i];
  const fill = offsets.slice(0, n + 1);
  const list = new Int32Array(n);
  for (let i = 0; i < n; i++) list[fill[parentOf(i)]++] = i;
  return { offsets, list };
}

/**
 * Span ends, each stretched to cover a child that ends less than `CLOCK_RESOLUTION_MS` after it:
 * with starts rounded down to the millisecond, a parent's recorded end can fall just before its
 * last child's, which would otherwise cut that child off the path. Children before parents
 * (reverse pre-order), each compared with its parent's recorded end so the stretch cannot compound.
 */
function endsCoveringChildren(ends: Float64Array, parent: Int32Array, offsets: Int32Array, list: Int32Array): Float64Array {
  const n = parent.length;
  const covering = Float64Array.from(ends);
  const preorder = new Int32Array(n);
  let count = 0;
  const stack: number[] = [n];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node < n) preorder[count++] = node;
    for (let k = offsets[node]; k < offsets[node + 1]; k++) stack.push(list[k]);
  }
  for (let k = count - 1; k >= 0; k--) {
    const node = preorder[k];
    const p = parent[node];
    if (p >= 0 && p < n && p !== node && covering[node] > covering[p] && covering[node] < ends[p] + CLOCK_RESOLUTION_MS)
      covering[p] = covering[node];
  }
  return covering;
}

/**
 * The chain of spans that determines the trace's end-to-end time, as time segments in order.
 *
 * Walks back from the end: at each span, the child that finishes last before the current point
 * takes over; when no child is left, the span's own time runs back to its start and the walk
 * returns to its parent. Children are clipped to their parent's window (async work that outlives
 * its parent only counts inside it); spans whose parent is missing hang off a virtual root that
 * covers the whole trace, so orphans and several roots are handled alike. Spans caught in a parent
 * cycle are unreachable and ignored. A child that ends less than `CLOCK_RESOLUTION_MS` after the
 * point reached (and started before it) still counts as having finished before it; its segment
 * then overlaps the next one by that fraction of a millisecond rather than vanishing, because
 * spans inside one millisecond share a recorded start. Iterative (no recursion), O(n log n).
 */
export function criticalPath(spans: readonly CriticalPathSpan[]): CriticalPathSegment[] {
  const starts = Float64Array.from(spans, (span) => span.startTime);
  const ends = Float64Array.from(spans, (span) => span.endTime);
  return criticalPathByIndex(starts, ends, parentIndexesOf(spans)).map((segment) => ({
    spanId: spans[segment.index].spanId,
    startTime: segment.startTime,
    endTime: segment.endTime,
  }));
}

/**
 * `criticalPath` for callers that already hold the tree as arrays (start and end times, parent
 * index or -1 per span): no id lookups, so the cost stays a few milliseconds per 100,000 spans.
 */
export function criticalPathByIndex(starts: Float64Array, recordedEnds: Float64Array, parent: Int32Array): CriticalPathIndexSegment[] {
  const n = parent.length;
  if (n === 0) return [];
  const { offsets, list } = childLists(parent);
  const ends = endsCoveringChildren(recordedEnds, parent, offsets, list);

  let traceStart = Infinity;
  let traceEnd = -Infinity;
  for (let i = 0; i < n; i++) {
    traceStart = Math.min(traceStart, starts[i]);
    traceEnd = Math.max(traceEnd, ends[i], starts[i]);
  }

  // The walk's stack, one entry per open span: its node, clipped window and next child to consider.
  const stackNode = new Int32Array(n + 1);
  const stackStart = new Float64Array(n + 1);
  const stackEnd = new Float64Array(n + 1);
  const stackNext = new Int32Array(n + 1);
  let top = -1;
  const push = (node: number, start: number, end: number) => {
    const from = offsets[node];
    const to = offsets[node + 1];
    if (to - from > 1) {
      // Latest clipped end first; among equals the longer child first.
      const kids = Array.from(list.subarray(from, to));
      kids.sort((a, b) => Math.min(ends[b], end) - Math.min(ends[a], end) || starts[a] - starts[b] || a - b);
      list.set(kids, from);
    }
    top++;
    stackNode[top] = node;
    stackStart[top] = start;
    stackEnd[top] = end;
    stackNext[top] = from;
  };

  /**
   * The latest-ending candidate at `list[at]` may still precede another one: a span that starts
   * after it and ends under `CLOCK_RESOLUTION_MS` before it can only have run after it (it cannot
   * have run before, as it ends too late). Such a follower is the nearer step back, so it moves to
   * `at`, the rest keeping their order. The scan stays within a bounded band of ends.
   */
  const moveFollowerFirst = (at: number, to: number, end: number, candidate: (kid: number) => boolean) => {
    let pick = at;
    let pickEnd = Math.min(ends[list[at]], end);
    for (let k = at + 1; k < to && k <= at + FOLLOWER_SCAN; k++) {
      const kid = list[k];
      const kidEnd = Math.min(ends[kid], end);
      if (kidEnd <= pickEnd - CLOCK_RESOLUTION_MS) break;
      const picked = list[pick];
      const follows =
        starts[kid] > starts[picked] && starts[kid] > pickEnd - CLOCK_RESOLUTION_MS && kidEnd >= starts[picked] + CLOCK_RESOLUTION_MS;
      if (follows && candidate(kid)) {
        pick = k;
        pickEnd = kidEnd;
      }
    }
    if (pick === at) return;
    const chosen = list[pick];
    list.copyWithin(at + 1, at, pick);
    list[at] = chosen;
  };

  const reversed: CriticalPathIndexSegment[] = [];
  const emit = (node: number, startTime: number, endTime: number) => {
    if (node < n && endTime > startTime) reversed.push({ index: node, startTime, endTime });
  };

  push(n, traceStart, traceEnd);
  let cursor = traceEnd;
  while (top >= 0) {
    const node = stackNode[top];
    const start = stackStart[top];
    const end = stackEnd[top];
    const to = offsets[node + 1];
    let next = stackNext[top];
    const candidate = (kid: number) =>
      starts[kid] <= end && ends[kid] >= start && starts[kid] <= cursor && Math.min(ends[kid], end) < cursor + CLOCK_RESOLUTION_MS;
    while (next < to && !candidate(list[next])) next++;
    if (next < to) {
      moveFollowerFirst(next, to, end, candidate);
      const child = list[next];
      stackNext[top] = next + 1;
      const childEnd = Math.min(ends[child], end);
      emit(node, childEnd, cursor);
      push(child, Math.max(starts[child], start), childEnd);
      cursor = childEnd;
    } else {
      emit(node, start, cursor);
      cursor = Math.min(cursor, start);
      top--;
    }
  }
  reversed.reverse();
  return reversed;
}
