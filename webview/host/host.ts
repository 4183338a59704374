import type { ApiArgs, ApiResult, WebviewMethod } from '../../src/model/api';
import type { CodeLocation, TraceChange, TraceQuery } from '../../src/model/traceTypes';
import type { WebviewView } from '../../src/model/webviewMessages';
import type { TraceLayout } from '../trace/traceLayout';

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
  /** Where the span details sit and how wide the columns are (see traceLayout.ts); kept across traces. */
  layout?: TraceLayout;
}

/**
 * Everything the UI needs from whoever hosts it: the VS Code extension (postMessage) or
 * `loupe serve` (HTTP + SSE). Components never use a transport directly; the actions layer does.
 */
export interface Host {
  readonly kind: 'vscode' | 'browser';
  /** False in the browser, where there is no editor to open files in. */
  readonly canRevealSource: boolean;
  /** A query of the `API` table that the trace view may make (see `viewRoute`). */
  query<M extends WebviewMethod>(method: M, ...args: ApiArgs<M>): Promise<ApiResult<M>>;
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
  /** Whether Replay… can open a replay page here (the editor, or `loupe serve`). */
  readonly canReplay: boolean;
  replaySpan(traceId: string, spanId: string): void;
  persistState(state: PersistedUiState): void;
  restoreState(): PersistedUiState | undefined;
}
