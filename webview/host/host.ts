import type { Breakdown, CodeLocation, Span, TraceChange, TraceDetail, TraceQuery, TraceSummary } from '../../src/model/traceTypes';
import type { WaterfallColumns } from '../../src/model/waterfallColumns';
import type { WebviewView } from '../../src/model/webviewMessages';

/** UI state worth keeping across a reload of the page or the panel (never trace data). */
export interface PersistedUiState {
  view?: WebviewView;
  /** Per-trace view state of the trace last shown. */
  trace?: {
    traceId: string;
    collapsed: string[];
    selectedSpanId?: string;
    zoom?: { start: number; end: number };
    topSpanId?: string;
    tab?: string;
  };
  listQuery?: TraceQuery;
}

/**
 * Everything the UI needs from whoever hosts it: the VS Code extension (postMessage) or
 * `loupe serve` (HTTP + SSE). Components never use a transport directly; the actions layer does.
 */
export interface Host {
  readonly kind: 'vscode' | 'browser';
  /** False in the browser, where there is no editor to open files in. */
  readonly canRevealSource: boolean;
  listTraces(query: TraceQuery): Promise<TraceSummary[]>;
  /** undefined when the trace is unknown (never stored, evicted or deleted). */
  getTrace(traceId: string): Promise<TraceDetail | undefined>;
  /**
   * One span in full; undefined when unknown. Throws `SpanLookupUnsupported` when the other side
   * cannot answer for a single span (the caller then loads the whole trace).
   */
  getSpan(traceId: string, spanId: string): Promise<Span | undefined>;
  /** The waterfall by column (see waterfallColumns.ts), shape-checked. */
  waterfall(traceId: string): Promise<WaterfallColumns | undefined>;
  breakdown(traceId: string): Promise<Breakdown | undefined>;
  overallBreakdown(): Promise<Breakdown>;
  /**
   * Store changes as they happen; returns the function that stops listening. `onResync` runs when
   * changes may have been missed (the event stream reconnected): reload what is shown.
   */
  subscribe(listener: (change: TraceChange) => void, onResync?: () => void): () => void;
  /** What to show first, and later whenever the host (or the address bar) asks for another view. */
  initialView(): WebviewView;
  onShow(listener: (view: WebviewView) => void): () => void;
  /** Show another view: the browser changes its address, VS Code opens or reuses a panel. */
  show(view: WebviewView): void;
  revealSource(location: CodeLocation): void;
  persistState(state: PersistedUiState): void;
  restoreState(): PersistedUiState | undefined;
}

/** The host has no way to fetch a single span; load the trace instead. */
export class SpanLookupUnsupported extends Error {
  constructor() {
    super('This Loupe cannot send a single span.');
  }
}
