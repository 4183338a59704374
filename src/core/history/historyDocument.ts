import type { TokenCounts } from '../../model/traceTypes';
import { addTokens, emptyTokens } from '../analysis/usageTotals';
import { type LatencySketch, emptySketch, mergeSketch, sketchFromJson, subtractSketch } from './latencySketch';

/**
 * One cell of the daily history: a local day × service × agent × model.
 *
 * Span-level counts (spans, errors, model calls, tokens, cost, model-call latency) go to the cell
 * of each span's own service, agent and model ('' for a span that is not a model call). Run-level
 * counts (runs, failed runs, run duration) go to one cell per run: its root's service and agent and
 * its main model. So every field sums correctly over any grouping, and a run is counted once.
 */
export interface HistoryCell {
  service: string;
  agent: string;
  model: string;
  runs: number;
  errorRuns: number;
  timeoutRuns: number;
  /** Run durations (ms). */
  runMs: LatencySketch;
  spans: number;
  errors: number;
  llmCalls: number;
  unpricedCalls: number;
  tokens: TokenCounts;
  costUsd: number;
  /** Model-call durations (ms). */
  callMs: LatencySketch;
}

/** Per span name per day: what the "most expensive span names" table needs. */
export interface NameTotals {
  spans: number;
  errors: number;
  costUsd: number;
  /** Summed duration (ms). */
  ms: number;
}

/** What one trace added to the history; kept while the trace may still change, to be taken back. */
export interface Contribution {
  day: string;
  cells: HistoryCell[];
  names: Record<string, NameTotals>;
  /** Baseline key → the durations this trace added there. */
  baselines: Record<string, LatencySketch>;
  /** Spans judged slow against the baselines without this trace. */
  slow: number;
}

export interface PendingRun {
  /** Unix ms of the last change seen. */
  at: number;
  c: Contribution;
}

export interface BaselineEntry {
  sketch: LatencySketch;
  /** Local day last added to (the least recently seen are dropped first). */
  seen: string;
}

export type AlertLevel = 'warning' | 'critical';

export interface HistoryDocument {
  version: 1;
  /** Local day (`YYYY-MM-DD`) → cells. */
  days: Record<string, HistoryCell[]>;
  /** Local day → span name → totals. */
  names: Record<string, Record<string, NameTotals>>;
  /** `name` or `name\u0000model` → durations of that kind of span. */
  baselines: Record<string, BaselineEntry>;
  /** Traces that may still change: trace id → contribution. */
  pending: Record<string, PendingRun>;
  /** Traces counted for good, oldest first, with their slow-span count: `[traceId, slow]`. */
  settled: [string, number][];
  /** Budget period (e.g. `daily:2026-12-06`) → the highest level already announced. */
  alerts: Record<string, AlertLevel>;
}

export function emptyDocument(): HistoryDocument {
  return { version: 1, days: {}, names: {}, baselines: {}, pending: {}, settled: [], alerts: {} };
}

export function emptyCell(service: string, agent: string, model: string): HistoryCell {
  return {
    service,
    agent,
    model,
    runs: 0,
    errorRuns: 0,
    timeoutRuns: 0,
    runMs: emptySketch(),
    spans: 0,
    errors: 0,
    llmCalls: 0,
    unpricedCalls: 0,
    tokens: emptyTokens(),
    costUsd: 0,
    callMs: emptySketch(),
  };
}

export function cellKey(cell: Pick<HistoryCell, 'service' | 'agent' | 'model'>): string {
  return `${cell.service}\u0000${cell.agent}\u0000${cell.model}`;
}

const COUNTS = ['runs', 'errorRuns', 'timeoutRuns', 'spans', 'errors', 'llmCalls', 'unpricedCalls', 'costUsd'] as const;
const TOKEN_KEYS = ['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning', 'total'] as const;

export function addCell(into: HistoryCell, add: HistoryCell): void {
  for (const k of COUNTS) into[k] += add[k];
  addTokens(into.tokens, add.tokens);
  mergeSketch(into.runMs, add.runMs);
  mergeSketch(into.callMs, add.callMs);
}

/** Takes back `remove`; float sums are rounded to 1e-8 USD so float residue does not pile up. */
export function subtractCell(from: HistoryCell, remove: HistoryCell): void {
  for (const k of COUNTS) from[k] = Math.max(0, from[k] - remove[k]);
  from.costUsd = Math.round(from.costUsd * 1e8) / 1e8;
  for (const k of TOKEN_KEYS) from.tokens[k] = Math.max(0, from.tokens[k] - remove.tokens[k]);
  subtractSketch(from.runMs, remove.runMs);
  subtractSketch(from.callMs, remove.callMs);
}

export function isEmptyCell(cell: HistoryCell): boolean {
  return cell.runs === 0 && cell.spans === 0;
}

export function addNames(into: NameTotals, add: NameTotals, sign: 1 | -1): void {
  into.spans = Math.max(0, into.spans + sign * add.spans);
  into.errors = Math.max(0, into.errors + sign * add.errors);
  into.costUsd = Math.max(0, into.costUsd + sign * add.costUsd);
  into.ms = Math.max(0, into.ms + sign * add.ms);
}

// ---- reading untrusted JSON ------------------------------------------------------------------

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function num(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0;
}

function str(x: unknown): string {
  return typeof x === 'string' ? x.slice(0, 512) : '';
}

function obj(x: unknown): Record<string, unknown> {
  return x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
}

export function cellFromJson(value: unknown): HistoryCell {
  const v = obj(value);
  const cell = emptyCell(str(v.service), str(v.agent), str(v.model));
  for (const k of COUNTS) cell[k] = num(v[k]);
  const tokens = obj(v.tokens);
  for (const k of TOKEN_KEYS) cell.tokens[k] = num(tokens[k]);
  cell.runMs = sketchFromJson(v.runMs);
  cell.callMs = sketchFromJson(v.callMs);
  return cell;
}

function namesFromJson(value: unknown): Record<string, NameTotals> {
  const out: Record<string, NameTotals> = {};
  for (const [name, t] of Object.entries(obj(value))) {
    const v = obj(t);
    out[name] = { spans: num(v.spans), errors: num(v.errors), costUsd: num(v.costUsd), ms: num(v.ms) };
  }
  return out;
}

function contributionFromJson(value: unknown): Contribution | undefined {
  const v = obj(value);
  if (typeof v.day !== 'string' || !DAY.test(v.day) || !Array.isArray(v.cells)) return undefined;
  const baselines: Record<string, LatencySketch> = {};
  for (const [key, s] of Object.entries(obj(v.baselines))) baselines[key] = sketchFromJson(s);
  return { day: v.day, cells: v.cells.map(cellFromJson), names: namesFromJson(v.names), baselines, slow: num(v.slow) };
}

/** Reads a history document from untrusted JSON, keeping every well-formed part. */
export function documentFromJson(value: unknown): HistoryDocument {
  const v = obj(value);
  const doc = emptyDocument();
  for (const [day, cells] of Object.entries(obj(v.days))) {
    if (DAY.test(day) && Array.isArray(cells)) doc.days[day] = cells.map(cellFromJson);
  }
  for (const [day, names] of Object.entries(obj(v.names))) if (DAY.test(day)) doc.names[day] = namesFromJson(names);
  for (const [key, entry] of Object.entries(obj(v.baselines))) {
    const e = obj(entry);
    doc.baselines[key] = { sketch: sketchFromJson(e.sketch), seen: typeof e.seen === 'string' && DAY.test(e.seen) ? e.seen : '0000-00-00' };
  }
  for (const [traceId, pending] of Object.entries(obj(v.pending))) {
    const p = obj(pending);
    const c = contributionFromJson(p.c);
    if (c) doc.pending[traceId] = { at: num(p.at), c };
  }
  if (Array.isArray(v.settled)) {
    for (const entry of v.settled) {
      if (Array.isArray(entry) && typeof entry[0] === 'string') doc.settled.push([entry[0], num(entry[1])]);
    }
  }
  for (const [period, level] of Object.entries(obj(v.alerts))) {
    if (level === 'warning' || level === 'critical') doc.alerts[period] = level;
  }
  return doc;
}
