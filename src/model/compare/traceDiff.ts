import { diffArrays } from 'diff';
import type { DiffRow, DiffRunSummary, TraceDiff } from '../compareTypes';
import type { Span } from '../traceTypes';
import { contentChanges, type ContentSpan } from './callContent';
import { buildSpanForest } from '../spanForest';

/** What a run diff needs of a span (a trace detail's spans carry it). */
export type DiffSpan = ContentSpan &
  Pick<Span, 'spanId' | 'parentSpanId' | 'name' | 'kind' | 'startTime' | 'durationMs' | 'tokens' | 'costUsd' | 'aggregate'>;

export interface DiffRun {
  traceId: string;
  name?: string;
  spans: readonly DiffSpan[];
}

interface Forest {
  roots: number[];
  children: number[][];
  /** Name and kind: the path of these from the root is what aligns two runs. */
  keys: string[];
  start: number;
  end: number;
}

function forestOf(spans: readonly DiffSpan[]): Forest {
  const { roots, children } = buildSpanForest({
    count: spans.length,
    spanId: (i) => spans[i].spanId,
    parentSpanId: (i) => spans[i].parentSpanId,
    start: (i) => spans[i].startTime,
  });
  let start = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    start = Math.min(start, s.startTime);
    end = Math.max(end, s.startTime + s.durationMs);
  }
  return {
    roots,
    children,
    keys: spans.map((s) => `${s.kind}\u0000${s.name}`),
    start: Number.isFinite(start) ? start : 0,
    end: Number.isFinite(end) ? end : 0,
  };
}

interface Pair {
  a?: number;
  b?: number;
}

/** Sibling lists longer than this many edits apart are paired by position instead (bounded time). */
const MAX_SIBLING_EDITS = 2000;

/**
 * The longest common subsequence of two sibling lists by name and kind (Myers' diff, O((N+M)·D), so
 * two near-identical lists of thousands of siblings align in linear time): matched pairs in order,
 * with the spans only one side has (inserted or removed steps) where they occur.
 */
export function alignSiblings(a: readonly number[], b: readonly number[], keysA: readonly string[], keysB: readonly string[]): Pair[] {
  if (a.length === 0) return b.map((i) => ({ b: i }));
  if (b.length === 0) return a.map((i) => ({ a: i }));
  const changes = diffArrays(
    a.map((i) => keysA[i]),
    b.map((i) => keysB[i]),
    { maxEditLength: MAX_SIBLING_EDITS },
  );
  const pairs: Pair[] = [];
  if (!changes) {
    for (let k = 0; k < Math.max(a.length, b.length); k++) {
      if (k < a.length && k < b.length && keysA[a[k]] === keysB[b[k]]) pairs.push({ a: a[k], b: b[k] });
      else {
        if (k < a.length) pairs.push({ a: a[k] });
        if (k < b.length) pairs.push({ b: b[k] });
      }
    }
    return pairs;
  }
  let ia = 0;
  let ib = 0;
  for (const change of changes) {
    const count = change.value.length;
    for (let k = 0; k < count; k++) {
      if (change.removed) pairs.push({ a: a[ia++] });
      else if (change.added) pairs.push({ b: b[ib++] });
      else pairs.push({ a: a[ia++], b: b[ib++] });
    }
  }
  return pairs;
}

function tokensOf(span: DiffSpan): number {
  return span.aggregate ? 0 : span.tokens.total;
}

function costOf(span: DiffSpan): number {
  return span.aggregate ? 0 : (span.costUsd ?? 0);
}

function runSummary(run: DiffRun, forest: Forest): DiffRunSummary {
  let tokens = 0;
  let costUsd = 0;
  for (const s of run.spans) {
    tokens += tokensOf(s);
    costUsd += costOf(s);
  }
  const root = forest.roots[0];
  return {
    traceId: run.traceId,
    name: run.name ?? (root === undefined ? '' : run.spans[root].name),
    durationMs: forest.end - forest.start,
    spanCount: run.spans.length,
    tokens,
    costUsd,
  };
}

/**
 * Run A against run B: the two span trees aligned by the path of span names and kinds from the
 * root, siblings by their longest common subsequence, in one merged display order.
 */
export function diffTraces(runA: DiffRun, runB: DiffRun): TraceDiff {
  const A = runA.spans;
  const B = runB.spans;
  const fa = forestOf(A);
  const fb = forestOf(B);
  const rows: DiffRow[] = [];
  const counts = { same: 0, changed: 0, added: 0, removed: 0 };
  // Depth-first without recursion: a 5,000-deep chain must not overflow the stack.
  const stack: { pair: Pair; depth: number }[] = [];
  const pushChildren = (pairs: Pair[], depth: number) => {
    for (let k = pairs.length - 1; k >= 0; k--) stack.push({ pair: pairs[k], depth });
  };
  pushChildren(alignSiblings(fa.roots, fb.roots, fa.keys, fb.keys), 0);
  while (stack.length) {
    const { pair, depth } = stack.pop()!;
    const sa = pair.a === undefined ? undefined : A[pair.a];
    const sb = pair.b === undefined ? undefined : B[pair.b];
    const shown = (sb ?? sa)!;
    const row: DiffRow = {
      status: 'same',
      depth,
      name: shown.name,
      kind: shown.kind,
      durationDeltaMs: (sb?.durationMs ?? 0) - (sa?.durationMs ?? 0),
      tokensDelta: (sb ? tokensOf(sb) : 0) - (sa ? tokensOf(sa) : 0),
      costDelta: (sb ? costOf(sb) : 0) - (sa ? costOf(sa) : 0),
    };
    if (sa) {
      row.a = sa.spanId;
      row.offsetA = sa.startTime - fa.start;
      row.durationA = sa.durationMs;
    }
    if (sb) {
      row.b = sb.spanId;
      row.offsetB = sb.startTime - fb.start;
      row.durationB = sb.durationMs;
    }
    if (sa && sb) {
      const changes = contentChanges(sa, sb);
      if (changes.length) {
        row.status = 'changed';
        row.changes = changes;
      }
      pushChildren(alignSiblings(fa.children[pair.a!], fb.children[pair.b!], fa.keys, fb.keys), depth + 1);
    } else if (sa) {
      row.status = 'removed';
      pushChildren(
        fa.children[pair.a!].map((i) => ({ a: i })),
        depth + 1,
      );
    } else {
      row.status = 'added';
      pushChildren(
        fb.children[pair.b!].map((i) => ({ b: i })),
        depth + 1,
      );
    }
    counts[row.status]++;
    rows.push(row);
  }
  const a = runSummary(runA, fa);
  const b = runSummary(runB, fb);
  return {
    rows,
    summary: {
      a,
      b,
      ...counts,
      durationDeltaMs: b.durationMs - a.durationMs,
      tokensDelta: b.tokens - a.tokens,
      costDelta: b.costUsd - a.costUsd,
    },
  };
}
