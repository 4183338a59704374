import type { TraceSummary } from '../../model/traceTypes';
import type { IndexEntry, IndexSource } from '../store/tracePersistence';
import type { LiveTrace } from './liveTrace';

/**
 * One trace as the engine keeps it. Its summary (what lists, filters, totals and the change
 * feed need) is always in memory; its body (spans, facts, logs) only while it is resident:
 * being assembled, not yet written, or looked at lately. A trace that is not resident is read
 * from its file when a view asks.
 */
export class TraceEntry implements IndexSource {
  live: LiveTrace | undefined;
  /** The read of its file under way, shared by every view that asks meanwhile. */
  loading: Promise<LiveTrace | undefined> | undefined;
  /** The summary's costs were computed with other prices; recomputed in the background. */
  stalePricing = false;
  private coldSummary: TraceSummary;
  private coldBytes: number;
  private coldRefs: readonly string[];
  private coldUpdatedAt: number;

  private constructor(
    readonly traceId: string,
    readonly seq: number,
    readonly receivedAt: number,
    state: { summary: TraceSummary; bytes: number; refs: readonly string[]; updatedAt: number },
    private pricingKey: string,
  ) {
    this.coldSummary = state.summary;
    this.coldBytes = state.bytes;
    this.coldRefs = state.refs;
    this.coldUpdatedAt = state.updatedAt;
  }

  static resident(live: LiveTrace, pricingKey: string): TraceEntry {
    const stored = live.stored;
    const entry = new TraceEntry(
      stored.traceId,
      stored.seq,
      stored.receivedAt,
      { summary: live.summary(), bytes: live.bytes, refs: live.refs, updatedAt: stored.updatedAt },
      pricingKey,
    );
    entry.live = live;
    return entry;
  }

  static fromIndex(entry: IndexEntry, pricingKey: string): TraceEntry {
    const cold = new TraceEntry(
      entry.traceId,
      entry.seq,
      entry.receivedAt,
      { summary: Object.assign(entry.summary, { version: 0 }), bytes: entry.bytes, refs: entry.refs, updatedAt: entry.updatedAt },
      entry.pricing ?? '',
    );
    cold.stalePricing = (entry.pricing ?? '') !== pricingKey;
    return cold;
  }

  summary(): TraceSummary {
    return this.live ? this.live.summary() : this.coldSummary;
  }

  get spanCount(): number {
    return this.live ? this.live.spanCount : this.coldSummary.spanCount;
  }

  get bytes(): number {
    return this.live ? this.live.bytes : this.coldBytes;
  }

  get refs(): readonly string[] {
    return this.live ? this.live.refs : this.coldRefs;
  }

  get updatedAt(): number {
    return this.live ? this.live.stored.updatedAt : this.coldUpdatedAt;
  }

  attach(live: LiveTrace, pricingKey: string): void {
    this.live = live;
    this.pricingKey = pricingKey;
    this.stalePricing = false;
  }

  /** Keeps what lists need and lets the body go (its file holds all of it). */
  detach(): void {
    const live = this.live;
    if (!live) return;
    this.coldSummary = live.summary();
    this.coldBytes = live.bytes;
    this.coldRefs = live.refs;
    this.coldUpdatedAt = live.stored.updatedAt;
    this.live = undefined;
  }

  /** A summary recomputed from the file with the prices now in effect. */
  resummarized(summary: TraceSummary, pricingKey: string): void {
    if (this.live) return;
    this.coldSummary = { ...summary, version: (this.coldSummary.version ?? 0) + 1 };
    this.pricingKey = pricingKey;
    this.stalePricing = false;
  }

  indexEntry(): Omit<IndexEntry, 'refs' | 'fileBytes'> {
    const { version: _version, ...summary } = this.summary();
    return {
      traceId: this.traceId,
      seq: this.seq,
      receivedAt: this.receivedAt,
      updatedAt: this.updatedAt,
      bytes: this.bytes,
      summary,
      pricing: this.pricingKey,
    };
  }
}
