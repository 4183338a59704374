import type { ContentStore } from '../store/contentStore';
import type { ReadTrace } from '../store/tracePersistence';
import type { PriceBook } from '../genai/pricing';
import { LiveTrace } from './liveTrace';
import type { TraceEntry } from './traceEntry';

/** What bodies on demand need from the store. */
export interface BodySource {
  readonly content?: ContentStore;
  readTrace?(traceId: string): Promise<ReadTrace | undefined>;
  readTraceSync?(traceId: string): ReadTrace | undefined;
  isPending?(traceId: string): boolean;
}

/** Most trace bodies kept in memory once written (those still being written stay until they are). */
export const DEFAULT_RESIDENT_TRACES = 16;

/**
 * Which traces have their body in memory, least recently used first, and reading bodies back.
 *
 * A body leaves memory only once its file holds all of it (no write pending), so a read always
 * finds the latest state on disk. Reads race with ingest: spans arriving for a trace whose read
 * is under way bring the body in at once (read synchronously), and the read that finishes later
 * sees it resident and uses that one, so no span is lost to a stale read.
 */
export class TraceBodies {
  private readonly resident = new Map<string, TraceEntry>();
  /** Bodies that could not be read (file gone or damaged), for the UI to show. */
  readonly problems: string[] = [];

  constructor(
    private readonly source: BodySource | undefined,
    private readonly pricing: () => { book: PriceBook; key: string },
    private readonly isCurrent: (entry: TraceEntry) => boolean,
    private readonly maxResident: number = DEFAULT_RESIDENT_TRACES,
  ) {}

  get residentCount(): number {
    return this.resident.size;
  }

  /** Marks a body as just used (and resident). */
  touch(entry: TraceEntry): void {
    this.resident.delete(entry.traceId);
    if (entry.live) this.resident.set(entry.traceId, entry);
  }

  forget(traceId: string): void {
    this.resident.delete(traceId);
  }

  clear(): void {
    this.resident.clear();
  }

  /** The body, read from its file when it is not in memory; undefined when the trace is gone. */
  async load(entry: TraceEntry): Promise<LiveTrace | undefined> {
    if (entry.live) {
      this.touch(entry);
      return entry.live;
    }
    const read = this.source?.readTrace;
    if (!read) return undefined;
    entry.loading ??= read
      .call(this.source, entry.traceId)
      .then((found) => this.attach(entry, found))
      .finally(() => (entry.loading = undefined));
    return entry.loading;
  }

  /** The body now, for spans arriving for a trace that is not in memory. */
  loadSync(entry: TraceEntry): LiveTrace | undefined {
    if (entry.live) return entry.live;
    const found = this.source?.readTraceSync?.call(this.source, entry.traceId);
    return this.attach(entry, found);
  }

  /** Lets the least recently used bodies go, down to the limit, skipping those not written yet. */
  trim(): void {
    if (!this.source?.readTrace || this.resident.size <= this.maxResident) return;
    let excess = this.resident.size - this.maxResident;
    for (const [id, entry] of this.resident) {
      if (excess <= 0) break;
      if (this.source.isPending?.(id)) continue;
      entry.detach();
      this.resident.delete(id);
      excess--;
    }
  }

  /** Notes a trace whose file could not be read (bounded, for the UI to show). */
  unreadable(traceId: string): void {
    if (this.problems.length < 100) this.problems.push(`Trace ${traceId}: its file is missing or unreadable.`);
  }

  private attach(entry: TraceEntry, found: ReadTrace | undefined): LiveTrace | undefined {
    if (!this.isCurrent(entry)) return undefined; // deleted or evicted while it was read
    if (entry.live) return entry.live; // spans arrived meanwhile and brought it in
    if (!found) {
      this.unreadable(entry.traceId);
      return undefined;
    }
    const { book, key } = this.pricing();
    const live = LiveTrace.fromStored(found.trace, book, this.source?.content, entry.refs, found.refs);
    entry.attach(live, key);
    this.touch(entry);
    return live;
  }
}
