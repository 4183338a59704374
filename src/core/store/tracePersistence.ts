import { readFileSync } from 'node:fs';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf, PersistenceError } from './persistenceError';
import type { StoreLoadResult } from './storeLoader';
import { loadStore } from './storeLoader';
import type { StoreMeta } from './storeMeta';
import { defaultStoreMeta } from './storeMeta';
import type { StoredTrace } from '../../model/storedTrace';
import { contentDir, isTempFileName, isTraceFileName, metaPath, traceFilePath, tracesDir } from './storeLayout';
import { traceJsonBytes } from './traceJson';
import { ContentStore } from './contentStore';
import { decodeContentRefs } from './contentCodec';
import { findStoredTraceProblem } from './storedTraceShape';
import { appendIndex, clearLine, deleteLine, putLine, rewriteIndex, type IndexEntry } from './storeIndex';
import { makeFolder, unlinkIfPresent, writeTextFile } from './storeFiles';
import { runConcurrently } from './runConcurrently';

export type { StoreMeta } from './storeMeta';
export type { StoreLoadResult } from './storeLoader';
export type { IndexEntry } from './storeIndex';

/** What the index line of a trace says, besides its file size (known once written). */
export interface IndexSource {
  indexEntry(): Omit<IndexEntry, 'refs' | 'fileBytes'>;
  /** Distinct content hashes, in the order the trace first referred to them (only ever appended to). */
  readonly refs: readonly string[];
}

/** A trace read back from its file, its content references decoded. */
export interface ReadTrace {
  trace: StoredTrace;
  /** The distinct content hashes its file refers to. */
  refs: Set<string>;
}
export { PersistenceError } from './persistenceError';

export interface TracePersistenceOptions {
  /** Quiet time after the last change before pending writes start (a burst becomes one write per trace). */
  flushDelayMs?: number;
  /** Longest a change waits while changes keep coming. */
  maxFlushDelayMs?: number;
  /** While the disk refuses writes, how often they are tried again. */
  retryDelayMs?: number;
  /** Trace files written at the same time. */
  writeConcurrency?: number;
  /** Called once when the disk starts refusing (again after each recovery), and for a trace that cannot be serialized. */
  onError?: (error: PersistenceError) => void;
  /** Called when writes succeed again after an error. */
  onRecovered?: () => void;
  /** Called after each file written or deleted. */
  onWrite?: (event: PersistenceWriteEvent) => void;
}

export interface PersistenceWriteEvent {
  kind: 'trace' | 'meta' | 'delete';
  path: string;
  /** For trace writes and deletes. */
  traceId?: string;
  /** Bytes written (0 for a delete). */
  bytes: number;
}

export interface PersistenceCounters {
  traceWrites: number;
  metaWrites: number;
  deletes: number;
  bytesWritten: number;
  /** Flush cycles that stopped on a disk error. */
  failedCycles: number;
  /** Times the traces folder was found removed and everything was written again. */
  folderRecreations: number;
}

interface DirtyTrace {
  trace: StoredTrace;
  index: IndexSource | undefined;
  /** Which markDirty call this is; a write only settles the entry if no newer call came meanwhile. */
  mark: number;
}

/** How long after a load the content folder is swept. */
const SWEEP_DELAY_MS = 3000;

const DEFAULTS = { flushDelayMs: 500, maxFlushDelayMs: 2000, retryDelayMs: 5000, writeConcurrency: 4 };

/**
 * Keeps StoredTraces on disk as one JSON file per trace (written atomically: an owner-only temp
 * file renamed over the target), plus a small meta file.
 *
 * Changes are coalesced: markDirty only remembers the trace; its JSON is produced when the write
 * starts, once per trace per flush window, from the trace's state at that moment. When the disk
 * refuses (read-only, full, missing permissions), onError fires once, everything stays pending in
 * memory and writes are retried every `retryDelayMs` until they succeed.
 */
export class TracePersistence {
  private readonly settings: typeof DEFAULTS;
  private readonly dirty = new Map<string, DirtyTrace>();
  /** Trace files to delete, with the content references to release once each is gone. */
  private readonly pendingDeletes = new Map<string, readonly string[]>();
  /** The store's content files. */
  readonly content: ContentStore;
  /** Index lines waiting to be appended. */
  private indexLines: string[] = [];
  /** Lines the index file holds (to know when rewriting it pays). */
  private indexLineCount = 0;
  private indexRewriteRequested = false;
  /** The meta file is from an older layout: written again once the engine has taken over the store. */
  private metaOutdated = false;
  /** Per trace: how many of its refs the index already lists, and its file's size. */
  private readonly indexed = new Map<string, { refsListed: number; fileBytes: number }>();
  /** Everything the index should say now, for a rewrite (given by the engine). */
  private indexSnapshot: (() => Iterable<{ source: IndexSource; traceId: string }>) | undefined;
  /** The sweep of the content folder a load starts (temp files and unreferenced content after a crash). */
  swept: Promise<{ removedTempFiles: number; removedUnreferenced: number }> = Promise.resolve({
    removedTempFiles: 0,
    removedUnreferenced: 0,
  });
  /** Called after each flush cycle that wrote something. */
  onSettled: (() => void) | undefined;
  private clearRequested = false;
  private meta: StoreMeta = defaultStoreMeta();
  private metaChanges = 0;
  private metaChangesWritten = 0;
  private marks = 0;
  private timer: NodeJS.Timeout | undefined;
  private firstPendingAt: number | undefined;
  private lastChangeAt = 0;
  private running: Promise<void> | undefined;
  private dirsReady = false;
  private traceSource: (() => Iterable<{ trace: StoredTrace; index: IndexSource }>) | undefined;
  private failing: { lastAttemptAt: number } | undefined;
  private errorReported = false;
  private lastErrorMessage: string | undefined;
  private closed = false;
  private readonly counts: PersistenceCounters = {
    traceWrites: 0,
    metaWrites: 0,
    deletes: 0,
    bytesWritten: 0,
    failedCycles: 0,
    folderRecreations: 0,
  };

  constructor(
    readonly dir: string,
    private readonly options: TracePersistenceOptions = {},
  ) {
    this.content = new ContentStore(dir);
    this.settings = {
      flushDelayMs: options.flushDelayMs ?? DEFAULTS.flushDelayMs,
      maxFlushDelayMs: Math.max(options.maxFlushDelayMs ?? DEFAULTS.maxFlushDelayMs, options.flushDelayMs ?? 0),
      retryDelayMs: options.retryDelayMs ?? DEFAULTS.retryDelayMs,
      writeConcurrency: Math.max(1, options.writeConcurrency ?? DEFAULTS.writeConcurrency),
    };
  }

  /** The message of the disk error that is currently keeping traces in memory only. */
  get lastError(): string | undefined {
    return this.lastErrorMessage;
  }

  get counters(): PersistenceCounters {
    return { ...this.counts };
  }

  /** Traces, deletes and meta changes not yet on disk. */
  get pendingCount(): number {
    return (
      this.dirty.size +
      this.pendingDeletes.size +
      (this.clearRequested ? 1 : 0) +
      (this.metaPending() ? 1 : 0) +
      (this.indexLines.length > 0 || (this.indexRewriteRequested && this.indexSnapshot) ? 1 : 0)
    );
  }

  /** Whether a write of this trace is waiting (its file is older than its state in memory). */
  isPending(traceId: string): boolean {
    return this.dirty.has(traceId);
  }

  /** Lets the index be rewritten from the engine's own knowledge of every trace. */
  setIndexSnapshot(snapshot: () => Iterable<{ source: IndexSource; traceId: string }>): void {
    this.indexSnapshot = snapshot;
    if (this.indexRewriteRequested) this.noteChange();
    if (this.metaOutdated) this.updateMeta({});
  }

  /** Reads one trace file (the engine asks when a view needs a trace it does not hold). */
  async readTrace(traceId: string): Promise<ReadTrace | undefined> {
    const path = traceFilePath(this.dir, traceId);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
    return this.decodeTrace(traceId, text);
  }

  /** The same, without waiting: for spans that arrive for a trace whose body is not in memory. */
  readTraceSync(traceId: string): ReadTrace | undefined {
    let text: string;
    try {
      text = readFileSync(traceFilePath(this.dir, traceId), 'utf8');
    } catch {
      return undefined;
    }
    return this.decodeTrace(traceId, text);
  }

  private decodeTrace(traceId: string, text: string): ReadTrace | undefined {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (findStoredTraceProblem(value) !== undefined) return undefined;
    const trace = value as StoredTrace;
    if (trace.traceId !== traceId) return undefined;
    return { trace, refs: decodeContentRefs(trace, this.content) };
  }

  /** The meta as last loaded or updated (a copy). */
  get currentMeta(): StoreMeta {
    return { ...this.meta };
  }

  /** Reads the store (creating the folder if needed); bad files are moved aside and listed in `problems`. */
  async load(): Promise<StoreLoadResult> {
    const result = await loadStore(this.dir, (error) => this.noteFailure(error), this.content);
    this.dirsReady = !this.failing;
    this.meta = { ...result.meta };
    this.indexLineCount = result.indexLines;
    for (const entry of result.indexed) this.indexed.set(entry.traceId, { refsListed: entry.refs.length, fileBytes: entry.fileBytes });
    if (result.indexStale) this.indexRewriteRequested = true;
    this.metaOutdated = result.metaOutdated && (result.traces.length > 0 || result.indexed.length > 0);
    // Temp files and content left unreferenced by a crash. Nothing waits for this, and it starts a
    // little later, so a start and the first views do not compete with a walk of the content folder.
    this.swept = new Promise((resolve) => {
      const timer = setTimeout(
        () => resolve(this.content.sweep().catch(() => ({ removedTempFiles: 0, removedUnreferenced: 0 }))),
        SWEEP_DELAY_MS,
      );
      timer.unref();
    });
    return { ...result, meta: { ...result.meta } };
  }

  /** Schedules a write of the trace's state as it will be when the write starts (and of its index line, given `index`). */
  markDirty(trace: StoredTrace, index?: IndexSource): void {
    if (this.closed) return;
    this.pendingDeletes.delete(trace.traceId);
    this.dirty.set(trace.traceId, { trace, index, mark: ++this.marks });
    this.noteChange();
  }

  /** Deletes the trace's file and cancels its pending write; then its content references are released. */
  remove(traceId: string, refs: readonly string[] = []): void {
    if (this.closed) {
      for (const hash of refs) this.content.release(hash);
      return;
    }
    this.dirty.delete(traceId);
    this.pendingDeletes.set(traceId, refs);
    this.noteChange();
  }

  /** Deletes every trace file and all content, and cancels every pending trace write. */
  removeAll(): void {
    if (this.closed) return;
    this.dirty.clear();
    this.pendingDeletes.clear();
    this.indexLines = [];
    this.indexed.clear();
    this.content.clear();
    this.clearRequested = true;
    this.noteChange();
  }

  updateMeta(patch: Partial<StoreMeta>): void {
    if (this.closed) return;
    this.meta = { ...this.meta, ...patch };
    this.metaChanges++;
    this.noteChange();
  }

  /**
   * Writes everything pending now. Never rejects: when the disk refuses, it resolves with the
   * work still pending and `lastError` set (onError has been called).
   */
  async flush(): Promise<void> {
    this.cancelTimer();
    await this.runExclusive();
  }

  /** Where to find every trace held, to write them all again if the traces folder is removed. */
  rewriteFrom(source: () => Iterable<{ trace: StoredTrace; index: IndexSource }>): void {
    this.traceSource = source;
  }

  /** Flushes (after checking the folder is still there), then ignores further changes and stops the timers. */
  async close(): Promise<void> {
    await this.noticeLostFolder();
    this.closed = true;
    await this.flush();
    this.cancelTimer();
  }

  /**
   * A traces folder removed while Loupe runs takes every file with it; the traces are still in
   * memory, so all of them (and the meta) are written again. Checked before each write cycle.
   */
  private async noticeLostFolder(): Promise<void> {
    if (!this.dirsReady || !this.traceSource || this.closed) return;
    try {
      await stat(tracesDir(this.dir));
      return;
    } catch (cause) {
      if (errnoOf(cause) !== 'ENOENT') return;
    }
    this.dirsReady = false;
    this.counts.folderRecreations++;
    for (const { trace, index } of this.traceSource()) {
      if (!this.dirty.has(trace.traceId)) this.dirty.set(trace.traceId, { trace, index, mark: ++this.marks });
    }
    this.metaChanges++;
  }

  private metaPending(): boolean {
    return this.metaChanges !== this.metaChangesWritten;
  }

  private noteChange(): void {
    const now = Date.now();
    this.firstPendingAt ??= now;
    this.lastChangeAt = now;
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.timer || this.pendingCount === 0) return;
    const delay = this.failing
      ? Math.max(0, this.failing.lastAttemptAt + this.settings.retryDelayMs - Date.now())
      : this.settings.flushDelayMs;
    this.timer = setTimeout(() => this.onTimer(), delay);
    // A pending write must not keep a process alive; shutdown paths call close().
    this.timer.unref();
  }

  private onTimer(): void {
    this.timer = undefined;
    if (!this.failing && this.firstPendingAt !== undefined) {
      // Debounce without re-arming a timer on every change: re-arm here only if changes came since.
      const dueAt = Math.min(this.lastChangeAt + this.settings.flushDelayMs, this.firstPendingAt + this.settings.maxFlushDelayMs);
      const wait = dueAt - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => this.onTimer(), wait);
        this.timer.unref();
        return;
      }
    }
    void this.runExclusive();
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs one flush cycle after any running one; cycles never overlap, so a file has one writer. */
  private async runExclusive(): Promise<void> {
    while (this.running) await this.running;
    const cycle = this.runCycle().finally(() => {
      this.running = undefined;
      this.schedule();
    });
    this.running = cycle;
    await cycle;
  }

  private async runCycle(): Promise<void> {
    this.firstPendingAt = undefined;
    let failure: PersistenceError | undefined;
    await this.noticeLostFolder();
    try {
      // Order matters for a crash at any point: content before the trace files that refer to it,
      // trace files before their index lines, and content deleted only after the last trace file
      // and index line referring to it are gone.
      failure =
        (await this.ensureDirs()) ??
        (await this.clearPhase()) ??
        (await this.content.writePending()) ??
        (await this.writePhase()) ??
        (await this.deletePhase()) ??
        (await this.indexPhase()) ??
        (await this.content.deleteUnreferenced()) ??
        (await this.metaPhase());
    } catch (unexpected) {
      failure = new PersistenceError('write', this.dir, unexpected);
    }
    if (failure) {
      this.counts.failedCycles++;
      this.dirsReady = false;
      this.noteFailure(failure);
    } else if (this.failing) {
      this.recover();
    }
    try {
      this.onSettled?.();
    } catch {
      // A listener's failure must not stop persistence.
    }
  }

  private async ensureDirs(): Promise<PersistenceError | undefined> {
    if (this.dirsReady || this.pendingCount === 0) return undefined;
    try {
      await makeFolder(this.dir);
      await makeFolder(tracesDir(this.dir));
      this.dirsReady = true;
      return undefined;
    } catch (cause) {
      return new PersistenceError('create-dir', tracesDir(this.dir), cause);
    }
  }

  private async clearPhase(): Promise<PersistenceError | undefined> {
    if (!this.clearRequested) return undefined;
    this.clearRequested = false;
    const dir = tracesDir(this.dir);
    try {
      // The index first: a crash meanwhile leaves trace files the next start reads whole, never an index pointing at nothing.
      await writeTextFile(join(this.dir, 'index.jsonl'), clearLine());
      this.indexLineCount = 1;
      for (const name of await readdir(dir)) {
        if (!isTraceFileName(name) && !isTempFileName(name)) continue;
        await unlinkIfPresent(join(dir, name));
        this.counts.deletes++;
        this.notifyWrite({ kind: 'delete', path: join(dir, name), bytes: 0 });
      }
      await rm(contentDir(this.dir), { recursive: true, force: true });
      return undefined;
    } catch (cause) {
      this.clearRequested = true;
      return new PersistenceError('delete', dir, cause);
    }
  }

  private async deletePhase(): Promise<PersistenceError | undefined> {
    let failure: PersistenceError | undefined;
    await runConcurrently(
      [...this.pendingDeletes],
      this.settings.writeConcurrency,
      async ([traceId, refs]) => {
        const path = traceFilePath(this.dir, traceId);
        try {
          await unlinkIfPresent(path);
        } catch (cause) {
          failure ??= new PersistenceError('delete', path, cause);
          return;
        }
        if (this.pendingDeletes.get(traceId) !== refs) return; // marked again meanwhile
        this.pendingDeletes.delete(traceId);
        if (this.indexed.delete(traceId)) this.indexLines.push(deleteLine(traceId));
        for (const hash of refs) this.content.release(hash);
        this.counts.deletes++;
        this.notifyWrite({ kind: 'delete', path, traceId, bytes: 0 });
      },
      () => failure !== undefined,
    );
    return failure;
  }

  private async writePhase(): Promise<PersistenceError | undefined> {
    let failure: PersistenceError | undefined;
    await runConcurrently(
      [...this.dirty.keys()],
      this.settings.writeConcurrency,
      async (traceId) => {
        failure ??= await this.writeTrace(traceId);
      },
      () => failure !== undefined,
    );
    return failure;
  }

  private async writeTrace(traceId: string): Promise<PersistenceError | undefined> {
    const entry = this.dirty.get(traceId);
    if (!entry) return undefined; // removed since the phase began
    const path = traceFilePath(this.dir, traceId);
    let bytes: Buffer;
    try {
      bytes = await traceJsonBytes(entry.trace);
    } catch (cause) {
      // Retrying cannot help until the trace changes; report it without blocking the other writes.
      this.settle(traceId, entry.mark);
      this.report(new PersistenceError('serialize', path, cause));
      return undefined;
    }
    try {
      await writeTextFile(path, bytes);
    } catch (cause) {
      return new PersistenceError('write', path, cause);
    }
    if (entry.index) {
      const listed = this.indexed.get(traceId)?.refsListed ?? 0;
      const refs = entry.index.refs;
      this.indexLines.push(putLine({ ...entry.index.indexEntry(), fileBytes: bytes.length }, refs.slice(listed)));
      this.indexed.set(traceId, { refsListed: refs.length, fileBytes: bytes.length });
    }
    this.settle(traceId, entry.mark);
    this.counts.traceWrites++;
    this.counts.bytesWritten += bytes.length;
    this.notifyWrite({ kind: 'trace', path, traceId, bytes: bytes.length });
    return undefined;
  }

  /** Clears a pending write unless the trace was marked again while it was being written. */
  private settle(traceId: string, mark: number): void {
    if (this.dirty.get(traceId)?.mark === mark) this.dirty.delete(traceId);
  }

  /** Appends the lines of this cycle's writes and deletes, or rewrites the index when most of its lines are superseded. */
  private async indexPhase(): Promise<PersistenceError | undefined> {
    const path = join(this.dir, 'index.jsonl');
    const rewrite = this.indexSnapshot && (this.indexRewriteRequested || this.indexLineCount > 2 * this.indexed.size + 1000);
    if (rewrite && this.indexSnapshot) {
      const entries: IndexEntry[] = [];
      for (const { traceId, source } of this.indexSnapshot()) {
        const known = this.indexed.get(traceId);
        if (!known) continue; // not written yet: it gets its line when it is
        if (this.dirty.has(traceId)) {
          known.refsListed = 0; // its next line lists all its references again
          continue;
        }
        const refs = source.refs;
        entries.push({ ...source.indexEntry(), fileBytes: known.fileBytes, refs: [...refs] });
        known.refsListed = refs.length;
      }
      try {
        await rewriteIndex(this.dir, entries);
      } catch (cause) {
        return new PersistenceError('write', path, cause);
      }
      this.indexLines = [];
      this.indexLineCount = entries.length;
      this.indexRewriteRequested = false;
      return undefined;
    }
    if (this.indexLines.length === 0) return undefined;
    const lines = this.indexLines;
    this.indexLines = [];
    try {
      await appendIndex(this.dir, lines.join(''));
    } catch (cause) {
      this.indexLines = [...lines, ...this.indexLines];
      return new PersistenceError('write', path, cause);
    }
    this.indexLineCount += lines.length;
    return undefined;
  }

  private async metaPhase(): Promise<PersistenceError | undefined> {
    if (!this.metaPending()) return undefined;
    const changes = this.metaChanges;
    const path = metaPath(this.dir);
    const text = JSON.stringify(this.meta);
    try {
      await writeTextFile(path, text);
    } catch (cause) {
      return new PersistenceError('write', path, cause);
    }
    this.metaChangesWritten = changes;
    const bytes = Buffer.byteLength(text);
    this.counts.metaWrites++;
    this.counts.bytesWritten += bytes;
    this.notifyWrite({ kind: 'meta', path, bytes });
    return undefined;
  }

  private noteFailure(error: PersistenceError): void {
    this.failing = { lastAttemptAt: Date.now() };
    this.lastErrorMessage = error.message;
    if (this.errorReported) return;
    this.errorReported = true;
    this.report(error);
  }

  private recover(): void {
    this.failing = undefined;
    this.errorReported = false;
    this.lastErrorMessage = undefined;
    try {
      this.options.onRecovered?.();
    } catch {
      // A listener's failure must not stop persistence.
    }
  }

  private report(error: PersistenceError): void {
    try {
      this.options.onError?.(error);
    } catch {
      // A listener's failure must not stop persistence.
    }
  }

  private notifyWrite(event: PersistenceWriteEvent): void {
    try {
      this.options.onWrite?.(event);
    } catch {
      // A listener's failure must not stop persistence.
    }
  }
}
