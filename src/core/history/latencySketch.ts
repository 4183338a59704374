/**
 * A latency sketch in the DDSketch style: durations fall into logarithmic buckets whose bounds
 * grow by a factor `GAMMA`, so every quantile read back is within `RELATIVE_ACCURACY` (2%) of a
 * value that was really recorded, whatever the distribution.
 *
 * Chosen over t-digest and HDR histograms because the daily history needs three things at once:
 * merging two sketches is exact (add the bucket counts), so days, agents and models combine in any
 * order; removing what a trace added is exact too (subtract its counts), so a trace that is updated
 * replaces its contribution instead of adding it again; and the JSON form is a handful of integers
 * (a day of one agent's model calls uses 20–80 buckets), which keeps 400 days in a small file.
 *
 * JSON form: `{ n, sum, zero, b: { "<bucket index>": count } }`, durations in milliseconds.
 */
export interface LatencySketch {
  /** Values recorded. */
  n: number;
  /** Their sum (ms), for means and tokens per second. */
  sum: number;
  /** Values at or below `MIN_MS` (too short to tell apart). */
  zero: number;
  /** Bucket index → count; bucket k holds values in (GAMMA^(k-1), GAMMA^k]. */
  b: Record<string, number>;
}

export const RELATIVE_ACCURACY = 0.02;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** 1 µs: spans shorter than this are all "zero". */
const MIN_MS = 0.001;
/**
 * A sketch keeps at most this many buckets; past it the lowest are folded together (only the
 * smallest quantiles lose accuracy). 1,024 buckets at 2% span 1 µs to beyond a day at full accuracy.
 */
const MAX_BUCKETS = 1024;

export function emptySketch(): LatencySketch {
  return { n: 0, sum: 0, zero: 0, b: {} };
}

function bucketOf(ms: number): number {
  return Math.ceil(Math.log(ms) / LOG_GAMMA);
}

/** The value (ms) a bucket stands for: the point whose relative error to both bounds is equal. */
export function bucketValue(bucket: number): number {
  return (2 * Math.pow(GAMMA, bucket)) / (GAMMA + 1);
}

export function addValue(sketch: LatencySketch, ms: number, count = 1): void {
  if (!Number.isFinite(ms) || ms < 0 || count <= 0) return;
  sketch.n += count;
  sketch.sum += ms * count;
  if (ms <= MIN_MS) {
    sketch.zero += count;
    return;
  }
  const key = String(bucketOf(ms));
  sketch.b[key] = (sketch.b[key] ?? 0) + count;
  if (Object.keys(sketch.b).length > MAX_BUCKETS) collapseLowest(sketch);
}

function collapseLowest(sketch: LatencySketch): void {
  const keys = sortedKeys(sketch);
  const fold = keys.length - MAX_BUCKETS;
  let moved = 0;
  for (let i = 0; i < fold; i++) {
    moved += sketch.b[keys[i]];
    delete sketch.b[keys[i]];
  }
  const into = keys[fold];
  sketch.b[into] += moved;
}

function sortedKeys(sketch: LatencySketch): string[] {
  return Object.keys(sketch.b).sort((a, b) => Number(a) - Number(b));
}

/** Adds `add` into `into` (exact). */
export function mergeSketch(into: LatencySketch, add: LatencySketch): void {
  into.n += add.n;
  into.sum += add.sum;
  into.zero += add.zero;
  for (const key in add.b) into.b[key] = (into.b[key] ?? 0) + add.b[key];
  if (Object.keys(into.b).length > MAX_BUCKETS) collapseLowest(into);
}

/** Takes back what `remove` added earlier (exact when it was added as is); never goes below zero. */
export function subtractSketch(from: LatencySketch, remove: LatencySketch): void {
  from.n = Math.max(0, from.n - remove.n);
  from.sum = from.n === 0 ? 0 : Math.max(0, from.sum - remove.sum);
  from.zero = Math.max(0, from.zero - remove.zero);
  for (const key in remove.b) {
    const left = (from.b[key] ?? 0) - remove.b[key];
    if (left > 0) from.b[key] = left;
    else delete from.b[key];
  }
}

export function copySketch(sketch: LatencySketch): LatencySketch {
  return { n: sketch.n, sum: sketch.sum, zero: sketch.zero, b: { ...sketch.b } };
}

/** The q-quantile (0 ≤ q ≤ 1) in ms, or null when the sketch is empty. */
export function quantile(sketch: LatencySketch, q: number): number | null {
  const counted = sketch.zero + Object.values(sketch.b).reduce((a, c) => a + c, 0);
  if (counted === 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * (counted - 1);
  if (rank < sketch.zero) return 0;
  let seen = sketch.zero;
  const keys = sortedKeys(sketch);
  for (const key of keys) {
    seen += sketch.b[key];
    if (seen > rank) return bucketValue(Number(key));
  }
  return bucketValue(Number(keys[keys.length - 1]));
}

/** Reads a sketch from untrusted JSON; anything malformed becomes an empty sketch or is skipped. */
export function sketchFromJson(value: unknown): LatencySketch {
  const out = emptySketch();
  if (!value || typeof value !== 'object') return out;
  const v = value as Partial<LatencySketch>;
  const count = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 0);
  out.n = count(v.n);
  out.sum = count(v.sum);
  out.zero = count(v.zero);
  if (v.b && typeof v.b === 'object') {
    for (const [key, c] of Object.entries(v.b)) {
      if (/^-?\d{1,5}$/.test(key) && count(c) > 0) out.b[key] = count(c);
    }
  }
  return out;
}
