import type { StoreStats, TraceChange, TraceSummary } from '../../model/traceTypes';
import type { Unsubscribe } from '../../model/api';

/**
 * Coalesces trace changes into one notification per window, so a burst of spans becomes one
 * update for every viewer instead of thousands. Summaries are computed when the window closes.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(change: TraceChange) => void>();
  private readonly upserted = new Set<string>();
  private readonly removed = new Set<string>();
  private cleared = false;
  private statsChanged = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly summaryOf: (traceId: string) => TraceSummary | undefined,
    private readonly stats: () => StoreStats,
  ) {}

  subscribe(listener: (change: TraceChange) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  upsert(traceId: string): void {
    this.upserted.add(traceId);
    this.removed.delete(traceId);
    this.schedule();
  }

  remove(traceId: string): void {
    this.upserted.delete(traceId);
    this.removed.add(traceId);
    this.schedule();
  }

  clear(): void {
    this.upserted.clear();
    this.removed.clear();
    this.cleared = true;
    this.schedule();
  }

  /** Something only the stats show changed (the store failed or recovered): viewers hear it too. */
  touchStats(): void {
    this.statsChanged = true;
    this.schedule();
  }

  /** Emits what is pending now (used on shutdown and by tests that must not wait). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.cleared && !this.statsChanged && this.upserted.size === 0 && this.removed.size === 0) return;
    const upserted: TraceSummary[] = [];
    for (const id of this.upserted) {
      const summary = this.summaryOf(id);
      // Traces that hold only log records so far are not shown yet.
      if (summary && summary.spanCount > 0) upserted.push(summary);
    }
    const change: TraceChange = {
      upserted,
      removed: [...this.removed],
      cleared: this.cleared,
      stats: this.stats(),
    };
    this.upserted.clear();
    this.removed.clear();
    this.cleared = false;
    this.statsChanged = false;
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // A failing viewer must not stop the others from hearing about the change.
      }
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private schedule(): void {
    if (this.timer || this.listeners.size === 0) {
      if (this.listeners.size === 0) this.discardPending();
      return;
    }
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref?.();
  }

  /** With nobody listening there is nobody to tell; summaries are computed on demand instead. */
  private discardPending(): void {
    this.upserted.clear();
    this.removed.clear();
    this.cleared = false;
  }
}
