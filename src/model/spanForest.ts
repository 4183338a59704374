/**
 * A trace's spans as a forest: parents before children, siblings by start time. Spans whose
 * parent the trace does not hold are roots (orphans), and so are spans caught in a parent cycle.
 * One algorithm for the engine's analysis, the waterfall and the VS Code tree.
 */
export interface SpanForest {
  /** Span indexes in display order (depth-first, parents first). */
  order: number[];
  /** Depth by span index; roots are 0. */
  depth: Int32Array;
  /** Parent index by span index, -1 for roots (a link that closes a cycle is cut). */
  parent: Int32Array;
  /** 1 by span index when the span names a parent the trace does not hold. */
  orphan: Uint8Array;
  /** Child indexes by span index as shown, sorted by start time. */
  children: number[][];
  /** Root indexes in display order. */
  roots: number[];
}

export interface ForestInput {
  count: number;
  spanId(index: number): string;
  parentSpanId(index: number): string | undefined;
  /** Any number that orders siblings (Unix ms). */
  start(index: number): number;
}

/** Iterative (no recursion) so a 100,000-deep chain cannot overflow the stack. Duplicate ids: the first wins. */
export function buildSpanForest(input: ForestInput): SpanForest {
  const n = input.count;
  const indexById = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const id = input.spanId(i);
    if (!indexById.has(id)) indexById.set(id, i);
  }
  const starts = new Float64Array(n);
  for (let i = 0; i < n; i++) starts[i] = input.start(i);

  const children: number[][] = Array.from({ length: n }, () => []);
  const parent = new Int32Array(n).fill(-1);
  const orphan = new Uint8Array(n);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const parentId = input.parentSpanId(i);
    const p = parentId ? indexById.get(parentId) : undefined;
    if (p === undefined || p === i) {
      roots.push(i);
      if (parentId && p === undefined) orphan[i] = 1;
    } else {
      parent[i] = p;
      children[p].push(i);
    }
  }
  const byStart = (a: number, b: number) => starts[a] - starts[b] || a - b;
  roots.sort(byStart);
  for (const list of children) if (list.length > 1) list.sort(byStart);

  const order: number[] = [];
  const depth = new Int32Array(n);
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
        if (visited[kids[k]]) continue;
        depth[kids[k]] = depth[i] + 1;
        stack.push(kids[k]);
      }
    }
  };
  for (const root of roots) visit(root);
  // Spans caught in a parent cycle are unreachable from any root; show them as roots.
  for (let i = 0; i < n; i++) {
    if (visited[i]) continue;
    roots.push(i);
    // Its parent link closes the cycle: shown as a root, it is no longer that parent's child.
    const former = children[parent[i]];
    former.splice(former.indexOf(i), 1);
    parent[i] = -1;
    depth[i] = 0;
    visit(i);
  }
  return { order, depth, parent, orphan, children, roots };
}
