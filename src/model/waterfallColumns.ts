import { SPAN_KINDS, type SpanStatus, type WaterfallRow } from './traceTypes';

export const WATERFALL_COLUMNS_FORMAT = 'loupe.waterfall.columns/1';

/**
 * Waterfall rows by column, with repeated text (names, services, models…) in one string table.
 * A 100,000-span trace is about a quarter of the size of the row objects as JSON, and it crosses
 * the engine thread, the webview boundary and the network as one string, not 100,000 objects.
 * Built by `waterfallColumns` (src/core/analysis/waterfall.ts); read back with `fromWaterfallColumns`.
 */
export interface WaterfallColumns {
  format: typeof WATERFALL_COLUMNS_FORMAT;
  count: number;
  /** Every text the rows repeat; the text columns hold indexes into it, -1 for none. */
  strings: string[];
  spanId: string[];
  /** Row index of the parent, -1 when the span has none or its parent is not in the trace. */
  parent: number[];
  /** `[row, parentSpanId]` for spans whose parent the trace does not hold. */
  missingParent: [number, string][];
  depth: number[];
  offsetMs: number[];
  durationMs: number[];
  childCount: number[];
  tokens: number[];
  costUsd: (number | null)[];
  name: number[];
  kind: number[];
  status: number[];
  service: number[];
  model: number[];
  toolName: number[];
  agentName: number[];
  /** Bit 0 orphan, bit 1 on the critical path, bit 2 aggregate, bit 3 runtime bookkeeping (foldable). */
  flags: number[];
  /** `[row, message]` for rows in error. */
  errorMessage: [number, string][];
  /** `[spanId, ratio, baselineP95Ms, samples]` for spans much slower than usual (see SpanSlowness); absent when none. */
  slowSpans?: [string, number, number, number][];
}

/** Bits of the `flags` column. */
export const WATERFALL_FLAGS = { orphan: 1, criticalPath: 2, aggregate: 4, runtime: 8 } as const;
/** Values of the `status` column, by index. */
export const WATERFALL_STATUSES: readonly SpanStatus[] = ['ok', 'error', 'unset'];

export class WaterfallColumnsError extends Error {}

const NUMBER_COLUMNS = [
  'parent',
  'depth',
  'offsetMs',
  'durationMs',
  'childCount',
  'tokens',
  'name',
  'kind',
  'status',
  'service',
  'model',
  'toolName',
  'agentName',
  'flags',
] as const;

/** Checks the shape that decoding relies on; throws `WaterfallColumnsError` naming what is wrong. */
function checkShape(value: unknown): asserts value is WaterfallColumns {
  const fail = (what: string): never => {
    throw new WaterfallColumnsError(`The waterfall data is malformed: ${what}.`);
  };
  if (typeof value !== 'object' || value === null) fail('not an object');
  const columns = value as Partial<WaterfallColumns>;
  if (columns.format !== WATERFALL_COLUMNS_FORMAT)
    fail(`format is ${JSON.stringify(columns.format)}, expected ${WATERFALL_COLUMNS_FORMAT}`);
  const n = columns.count;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail('count is not a row count');
  if (!Array.isArray(columns.strings)) fail('strings is missing');
  if (!Array.isArray(columns.spanId) || columns.spanId.length !== n) fail('spanId does not have one entry per row');
  if (!Array.isArray(columns.costUsd) || columns.costUsd.length !== n) fail('costUsd does not have one entry per row');
  for (const key of NUMBER_COLUMNS) {
    const column = columns[key];
    if (!Array.isArray(column) || column.length !== n) fail(`${key} does not have one entry per row`);
  }
  if (!Array.isArray(columns.missingParent) || !Array.isArray(columns.errorMessage)) fail('missingParent or errorMessage is missing');
}

/** The value as columns, once its shape is checked; throws `WaterfallColumnsError` when it is not columns. */
export function readWaterfallColumns(value: unknown): WaterfallColumns {
  checkShape(value);
  return value;
}

/** Decodes columns back into rows; throws `WaterfallColumnsError` when the value is not columns. */
export function fromWaterfallColumns(value: unknown): WaterfallRow[] {
  const c = readWaterfallColumns(value);
  const strings = c.strings;
  const text = (index: number): string | undefined => (index >= 0 && index < strings.length ? String(strings[index]) : undefined);
  const missingParent = new Map(c.missingParent);
  const errorMessage = new Map(c.errorMessage);
  const slow = new Map(
    (Array.isArray(c.slowSpans) ? c.slowSpans : []).map(([spanId, ratio, baselineP95Ms, samples]) => [
      String(spanId),
      { ratio: Number(ratio), baselineP95Ms: Number(baselineP95Ms), samples: Number(samples) },
    ]),
  );
  const rows: WaterfallRow[] = new Array(c.count);
  for (let i = 0; i < c.count; i++) {
    const parent = c.parent[i];
    const flags = c.flags[i];
    rows[i] = {
      spanId: String(c.spanId[i]),
      parentSpanId: parent >= 0 && parent < c.count ? String(c.spanId[parent]) : missingParent.get(i),
      depth: c.depth[i],
      offsetMs: c.offsetMs[i],
      durationMs: c.durationMs[i],
      name: text(c.name[i]) ?? '',
      kind: SPAN_KINDS[c.kind[i]] ?? 'other',
      status: WATERFALL_STATUSES[c.status[i]] ?? 'unset',
      service: text(c.service[i]) ?? '',
      model: text(c.model[i]),
      childCount: c.childCount[i],
      tokens: c.tokens[i],
      costUsd: c.costUsd[i],
      orphan: (flags & WATERFALL_FLAGS.orphan) !== 0,
      onCriticalPath: (flags & WATERFALL_FLAGS.criticalPath) !== 0,
      aggregate: (flags & WATERFALL_FLAGS.aggregate) !== 0,
      ...((flags & WATERFALL_FLAGS.runtime) !== 0 && { runtime: true }),
      toolName: text(c.toolName[i]),
      agentName: text(c.agentName[i]),
      errorMessage: errorMessage.get(i),
      ...(slow.has(String(c.spanId[i])) ? { slow: slow.get(String(c.spanId[i])) } : {}),
    };
  }
  return rows;
}
