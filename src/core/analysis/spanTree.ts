import type { OtlpSpan } from '../../model/otlpTypes';
import { nanosToMs } from '../otlp/values';

/** A trace's spans arranged as a forest: parents before children, siblings by start time. */
export interface SpanTree {
  /** Span indexes in display order (depth-first, parents first). */
  order: number[];
  /** Depth of each span by span index; spans whose parent is missing are roots (depth 0). */
  depth: number[];
  /** Child span indexes by span index, sorted by start time. */
  children: number[][];
  /** Indexes of root spans (no parent, or a parent this trace does not hold). */
  roots: number[];
  /** Parent index by span index, -1 for roots. */
  parent: number[];
  /** True for spans that name a parent the trace does not hold. */
  orphan: boolean[];
  /** Start of each span, Unix ms, parsed once here so no view parses nanosecond strings again. */
  start: Float64Array;
  /** End of each span, Unix ms, never before its start. */
  end: Float64Array;
  /** Span index by span id. */
  indexById: Map<string, number>;
}

/** Iterative (no recursion) so a 100,000-deep chain cannot overflow the stack. */
export function buildSpanTree(spans: readonly OtlpSpan[]): SpanTree {
  const n = spans.length;
  const indexById = new Map<string, number>();
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    indexById.set(spans[i].spanId, i);
    start[i] = nanosToMs(spans[i].startTimeUnixNano);
    end[i] = Math.max(start[i], nanosToMs(spans[i].endTimeUnixNano));
  }

  const children: number[][] = Array.from({ length: n }, () => []);
  const parent = new Array<number>(n).fill(-1);
  const orphan = new Array<boolean>(n).fill(false);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const parentId = spans[i].parentSpanId;
    const p = parentId ? indexById.get(parentId) : undefined;
    if (p === undefined || p === i) {
      roots.push(i);
      if (parentId && p === undefined) orphan[i] = true;
    } else {
      parent[i] = p;
      children[p].push(i);
    }
  }
  const byStart = (a: number, b: number) => start[a] - start[b] || a - b;
  roots.sort(byStart);
  for (const list of children) if (list.length > 1) list.sort(byStart);

  const order: number[] = [];
  const depth = new Array<number>(n).fill(0);
  const visited = new Uint8Array(n);
  const stack: number[] = [];
  const visit = (root: number) => {
    stack.push(root);
    while (stack.length) {
      const i = stack.pop()!;
      if (visited[i]) continue;
      visited[i] = 1;
      order.push(i);
      const kids = children[i];
      for (let k = kids.length - 1; k >= 0; k--) {
        depth[kids[k]] = depth[i] + 1;
        stack.push(kids[k]);
      }
    }
  };
  for (const root of roots) visit(root);
  // Spans caught in a parent cycle are unreachable from any root; show them as roots.
  for (let i = 0; i < n; i++) {
    if (!visited[i]) {
      roots.push(i);
      // Its parent link closes the cycle: shown as a root, it is no longer that parent's child.
      const former = children[parent[i]];
      former.splice(former.indexOf(i), 1);
      parent[i] = -1;
      depth[i] = 0;
      visit(i);
    }
  }
  return { order, depth, children, roots, parent, orphan, start, end, indexById };
}
