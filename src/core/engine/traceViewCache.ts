import { analyzeTrace, type TraceAnalysis } from '../analysis/traceAnalysis';
import { waterfallColumns, waterfallRows } from '../analysis/waterfall';
import type { WaterfallRow } from '../../model/traceTypes';
import type { LiveTrace } from './liveTrace';

interface CachedViews {
  trace: LiveTrace;
  version: number;
  analysis: TraceAnalysis;
  rows?: WaterfallRow[];
  columnsJson?: string;
}

/**
 * Keeps the whole-trace views of the few traces looked at last, so opening a 100,000-span trace
 * and then asking for its spans one by one builds the tree once, not once per request.
 * An entry is used only while its trace is unchanged (same object, same version).
 */
export class TraceViewCache {
  private readonly entries = new Map<string, CachedViews>();

  constructor(private readonly capacity: number) {}

  analysis(trace: LiveTrace): TraceAnalysis {
    return this.entry(trace).analysis;
  }

  waterfall(trace: LiveTrace): WaterfallRow[] {
    const entry = this.entry(trace);
    return (entry.rows ??= waterfallRows(trace.stored, trace.facts, entry.analysis));
  }

  /** The waterfall as `WaterfallColumns` JSON text. */
  waterfallColumnsJson(trace: LiveTrace): string {
    const entry = this.entry(trace);
    return (entry.columnsJson ??= JSON.stringify(waterfallColumns(trace.stored, trace.facts, entry.analysis)));
  }

  /** Drops a trace's views (deleted or evicted), so the cache never keeps a trace alive. */
  forget(traceId: string): void {
    this.entries.delete(traceId);
  }

  clear(): void {
    this.entries.clear();
  }

  private entry(trace: LiveTrace): CachedViews {
    const id = trace.stored.traceId;
    let entry = this.entries.get(id);
    if (!entry || entry.trace !== trace || entry.version !== trace.version) {
      entry = { trace, version: trace.version, analysis: analyzeTrace(trace.stored, trace.facts) };
    }
    // Re-inserting keeps the Map in least-recently-used order.
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }
}
