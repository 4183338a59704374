import { mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DataFile } from 'lowdb/node';
import { corruptFilePath } from '../store/storeLayout';
import { contributionOf } from './contribution';
import {
  addCell,
  addNames,
  type AlertLevel,
  cellKey,
  type Contribution,
  documentFromJson,
  emptyCell,
  emptyDocument,
  type HistoryCell,
  type HistoryDocument,
  isEmptyCell,
  type NameTotals,
  subtractCell,
} from './historyDocument';
import { copySketch, type LatencySketch, mergeSketch, subtractSketch } from './latencySketch';
import { addDays, localDay } from '../../model/localDay';
import type { RunRecord } from './runRecord';

export const HISTORY_FILE_NAME = 'history.json';

/** Days kept: 400 as promised, plus a margin so a year-over-year view always has its first day. */
export const RETAIN_DAYS = 420;
/** A trace unchanged this long is counted for good: its contribution is no longer kept to be replaced. */
export const SETTLE_MS = 15 * 60_000;
/** Bounds that keep the file small whatever names arrive; past them new keys fold into `(other)`. */
export const MAX_CELLS_PER_DAY = 400;
export const MAX_NAMES_PER_DAY = 200;
export const MAX_BASELINES = 2000;
/** Settled trace ids remembered (so a restart does not count a stored trace again). */
export const MAX_SETTLED = 100_000;
export const OTHER = '(other)';

export interface DailyHistoryOptions {
  /** The store folder; without it the history lives in memory only. */
  dir?: string;
  now?: () => number;
  /** Quiet time before pending traces are counted and the file written. */
  writeDelayMs?: number;
  onError?: (message: string) => void;
  /** Called after traces were counted (spend may have changed). */
  onCounted?: () => void;
}

/**
 * The durable daily roll-up: per local day × service × agent × model, the runs, spans, model calls,
 * errors, tokens, cost and latency sketches of every trace Loupe received, kept for 400+ days
 * whatever the trace store evicts. One small JSON document (`history.json` in the store folder,
 * written by lowdb's atomic writer: a temp file renamed over the old one).
 *
 * Fed by trace id: `touch` when a trace is stored or changes, `release` when it leaves the store.
 * The history pulls each touched trace's RunRecord (through `source`) when it next counts, so a
 * trace that changes a thousand times in a second is reduced once. Each trace is counted once: its
 * contribution is kept while it may still change and replaced on every change, then dropped (the
 * totals keep it) when the trace is released or has been quiet for `SETTLE_MS`.
 */
export class DailyHistory {
  private doc: HistoryDocument = emptyDocument();
  private readonly file: DataFile<unknown> | undefined;
  private readonly now: () => number;
  private readonly writeDelayMs: number;
  private source: (traceId: string) => RunRecord | undefined = () => undefined;
  private readonly dirty = new Set<string>();
  private settledIds = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private changed = false;
  private error: string | undefined;
  /** Problems met while loading (a corrupt file moved aside). */
  problems: string[] = [];

  constructor(private readonly options: DailyHistoryOptions = {}) {
    this.now = options.now ?? Date.now;
    this.writeDelayMs = options.writeDelayMs ?? 1000;
    if (options.dir)
      this.file = new DataFile<unknown>(join(options.dir, HISTORY_FILE_NAME), { parse: JSON.parse, stringify: JSON.stringify });
  }

  static async open(options: DailyHistoryOptions = {}): Promise<DailyHistory> {
    const history = new DailyHistory(options);
    await history.load();
    return history;
  }

  get path(): string | undefined {
    return this.options.dir && join(this.options.dir, HISTORY_FILE_NAME);
  }

  get lastError(): string | undefined {
    return this.error;
  }

  private async load(): Promise<void> {
    if (!this.file) return;
    try {
      const raw = await this.file.read();
      if (raw !== null) this.doc = documentFromJson(raw);
    } catch (cause) {
      // Unreadable JSON: keep it for inspection and start again rather than refuse to run.
      const path = this.path!;
      const aside = corruptFilePath(path);
      await rename(path, aside).catch(() => undefined);
      this.problems.push(`The cost history ${path} could not be read (${(cause as Error).message}); it was moved to ${aside}.`);
    }
    this.settledIds = new Map(this.doc.settled);
    this.prune();
  }

  /** Where RunRecords come from (the engine's traces). */
  setSource(source: (traceId: string) => RunRecord | undefined): void {
    this.source = source;
  }

  /** A trace was stored or changed. */
  touch(traceId: string): void {
    if (this.settledIds.has(traceId)) return;
    this.dirty.add(traceId);
    this.schedule();
  }

  /**
   * A trace leaves the store (evicted or deleted): what it contributed stays in the history.
   * `record` is its last state, counted now if a change is still waiting.
   */
  release(traceId: string, record?: () => RunRecord | undefined): void {
    if (this.dirty.delete(traceId)) {
      const run = record?.();
      if (run) this.count(run);
    }
    if (this.doc.pending[traceId]) {
      delete this.doc.pending[traceId];
      this.changed = true;
    }
    if (this.settledIds.delete(traceId)) this.changed = true;
    this.schedule();
  }

  /** Counts every touched trace now (queries call this so they see the latest runs). */
  update(): void {
    if (this.dirty.size > 0) {
      const ids = [...this.dirty];
      this.dirty.clear();
      for (const id of ids) {
        const run = this.source(id);
        if (run) this.count(run);
      }
      this.options.onCounted?.();
    }
    this.settle();
  }

  private count(run: RunRecord): void {
    const previous = this.doc.pending[run.traceId];
    if (previous) this.apply(previous.c, -1);
    const c = contributionOf(run, (key) => this.doc.baselines[key]?.sketch);
    this.apply(c, 1);
    this.doc.pending[run.traceId] = { at: this.now(), c };
    this.changed = true;
  }

  private settle(): void {
    const before = this.now() - SETTLE_MS;
    for (const [id, pending] of Object.entries(this.doc.pending)) {
      if (pending.at > before || this.dirty.has(id)) continue;
      delete this.doc.pending[id];
      this.settledIds.set(id, pending.c.slow);
      this.changed = true;
    }
    if (this.settledIds.size > MAX_SETTLED) {
      for (const id of this.settledIds.keys()) {
        this.settledIds.delete(id);
        if (this.settledIds.size <= MAX_SETTLED) break;
      }
    }
  }

  /** Adds (`sign` 1) or takes back (-1) a contribution. Keys past the bounds fold into `(other)`, recorded in `c`. */
  private apply(c: Contribution, sign: 1 | -1): void {
    const cells = (this.doc.days[c.day] ??= []);
    for (let i = 0; i < c.cells.length; i++) {
      let add = c.cells[i];
      let target = cells.find((cell) => cellKey(cell) === cellKey(add));
      if (!target && sign === 1 && cells.length >= MAX_CELLS_PER_DAY) {
        add = c.cells[i] = { ...add, service: OTHER, agent: OTHER, model: OTHER };
        target = cells.find((cell) => cellKey(cell) === cellKey(add));
      }
      if (!target) {
        if (sign === -1) continue;
        target = emptyCell(add.service, add.agent, add.model);
        cells.push(target);
      }
      if (sign === 1) addCell(target, add);
      else subtractCell(target, add);
    }
    if (sign === -1) this.doc.days[c.day] = cells.filter((cell) => !isEmptyCell(cell));
    if (this.doc.days[c.day].length === 0) delete this.doc.days[c.day];

    const names = (this.doc.names[c.day] ??= {});
    const renamed: Record<string, NameTotals> = {};
    for (const [name, totals] of Object.entries(c.names)) {
      let key = name;
      if (!names[key] && sign === 1 && Object.keys(names).length >= MAX_NAMES_PER_DAY) key = OTHER;
      const into = (names[key] ??= { spans: 0, errors: 0, costUsd: 0, ms: 0 });
      addNames(into, totals, sign);
      if (into.spans === 0) delete names[key];
      if (renamed[key]) addNames(renamed[key], totals, 1);
      else renamed[key] = { ...totals };
    }
    c.names = renamed;
    if (Object.keys(names).length === 0) delete this.doc.names[c.day];

    const today = localDay(this.now());
    for (const [key, sketch] of Object.entries(c.baselines)) {
      let entry = this.doc.baselines[key];
      if (sign === -1) {
        if (entry) subtractSketch(entry.sketch, sketch);
        continue;
      }
      if (!entry) {
        if (Object.keys(this.doc.baselines).length >= MAX_BASELINES) this.dropStalestBaseline();
        entry = this.doc.baselines[key] = { sketch: { n: 0, sum: 0, zero: 0, b: {} }, seen: today };
      }
      mergeSketch(entry.sketch, sketch);
      entry.seen = today;
    }
  }

  private dropStalestBaseline(): void {
    let stalest: string | undefined;
    for (const [key, entry] of Object.entries(this.doc.baselines)) {
      if (stalest === undefined || entry.seen < this.doc.baselines[stalest].seen) stalest = key;
    }
    if (stalest !== undefined) delete this.doc.baselines[stalest];
  }

  private prune(): void {
    const oldest = addDays(localDay(this.now()), -RETAIN_DAYS);
    for (const day of Object.keys(this.doc.days)) if (day < oldest) delete this.doc.days[day];
    for (const day of Object.keys(this.doc.names)) if (day < oldest) delete this.doc.names[day];
    for (const period of Object.keys(this.doc.alerts)) {
      const day = period.slice(period.indexOf(':') + 1);
      if (day.slice(0, 7) < oldest.slice(0, 7)) delete this.doc.alerts[period];
    }
  }

  // ---- reading --------------------------------------------------------------------------------

  /** Cells of the local days from `fromDay` to `toDay` inclusive (`YYYY-MM-DD`). */
  cells(fromDay: string, toDay: string): { day: string; cell: HistoryCell }[] {
    this.update();
    const out: { day: string; cell: HistoryCell }[] = [];
    for (const [day, cells] of Object.entries(this.doc.days)) {
      if (day < fromDay || day > toDay) continue;
      for (const cell of cells) out.push({ day, cell });
    }
    return out;
  }

  /** Span-name totals over the local days from `fromDay` to `toDay` inclusive. */
  names(fromDay: string, toDay: string): Map<string, NameTotals> {
    this.update();
    const out = new Map<string, NameTotals>();
    for (const [day, names] of Object.entries(this.doc.names)) {
      if (day < fromDay || day > toDay) continue;
      for (const [name, totals] of Object.entries(names)) {
        const into = out.get(name) ?? { spans: 0, errors: 0, costUsd: 0, ms: 0 };
        addNames(into, totals, 1);
        out.set(name, into);
      }
    }
    return out;
  }

  /** Baselines as they are without `traceId`'s own spans (when its contribution is still kept). */
  baselinesWithout(traceId: string): (key: string) => LatencySketch | undefined {
    this.update();
    const own = this.doc.pending[traceId]?.c.baselines ?? {};
    // One copy per key however many spans share it (a big trace asks thousands of times).
    const without = new Map<string, LatencySketch>();
    return (key) => {
      const entry = this.doc.baselines[key];
      if (!entry || !own[key]) return entry?.sketch;
      let sketch = without.get(key);
      if (!sketch) {
        sketch = copySketch(entry.sketch);
        subtractSketch(sketch, own[key]);
        without.set(key, sketch);
      }
      return sketch;
    };
  }

  /** Spans of this trace judged slow when it was last counted (0 when unknown). */
  slowSpanCount(traceId: string): number {
    if (this.dirty.has(traceId)) this.update();
    return this.doc.pending[traceId]?.c.slow ?? this.settledIds.get(traceId) ?? 0;
  }

  alertLevel(period: string): AlertLevel | undefined {
    return this.doc.alerts[period];
  }

  setAlertLevel(period: string, level: AlertLevel | undefined): void {
    if (this.doc.alerts[period] === level) return;
    if (level) this.doc.alerts[period] = level;
    else delete this.doc.alerts[period];
    this.changed = true;
    this.schedule();
  }

  /** The whole document (a deep copy), e.g. for export. */
  snapshot(): HistoryDocument {
    this.update();
    return structuredClone(this.doc);
  }

  // ---- writing --------------------------------------------------------------------------------

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.writeDelayMs);
    this.timer.unref?.();
  }

  /** Counts what is pending and writes the file (when something changed). */
  async flush(): Promise<void> {
    this.update();
    await this.writing;
    if (!this.changed || !this.file) return;
    this.changed = false;
    this.prune();
    this.doc.settled = [...this.settledIds];
    const write = this.writeFile(this.doc);
    this.writing = write;
    await write;
  }

  private async writeFile(doc: HistoryDocument): Promise<void> {
    try {
      await mkdir(dirname(this.path!), { recursive: true });
      await this.file!.write(doc);
      this.error = undefined;
    } catch (cause) {
      this.changed = true;
      const message = `The cost history could not be written: ${(cause as Error).message}`;
      if (this.error !== message) this.options.onError?.(message);
      this.error = message;
    } finally {
      this.writing = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
