import type { CodeLocation, TraceChange, TraceQuery, TraceSummary } from '../../src/model/traceTypes';
import { readWaterfallColumns, type WaterfallColumns } from '../../src/model/waterfallColumns';
import type { ApiArgs, ApiResult, WebviewMethod } from '../../src/model/api';
import type { WebviewView } from '../../src/model/webviewMessages';
import type { Host, PersistedUiState } from '../host/host';
import type { CompareResult, GroupFilter, ModelCallDiff, TraceDiff } from '../../src/model/compareTypes';

const PERSIST_DELAY_MS = 300;

/**
 * What the UI can do, in its own terms. Components call these; only this layer talks to the host,
 * so the same components work over postMessage and over HTTP.
 */
export class Actions {
  private uiState: PersistedUiState;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: Host) {
    this.uiState = host.restoreState() ?? {};
  }

  get canRevealSource(): boolean {
    return this.host.canRevealSource;
  }

  get inVsCode(): boolean {
    return this.host.kind === 'vscode';
  }

  /** Any query the trace view may make; the methods below add what a page needs on top. */
  query<M extends WebviewMethod>(method: M, ...args: ApiArgs<M>): Promise<ApiResult<M>> {
    return this.host.query(method, ...args);
  }

  listTraces(query: TraceQuery): Promise<TraceSummary[]> {
    return this.host.query('listTraces', query);
  }

  /** One trace's summary without loading its spans (the list answers for the id). */
  async traceSummary(traceId: string): Promise<TraceSummary | undefined> {
    const found = await this.host.query('listTraces', { q: traceId, limit: 20 });
    return found.find((summary) => summary.traceId === traceId);
  }

  /** The waterfall by column, shape-checked (it crosses as one JSON string). */
  async loadWaterfall(traceId: string): Promise<WaterfallColumns | undefined> {
    const text = await this.host.query('waterfallColumns', traceId);
    return text === undefined ? undefined : readWaterfallColumns(JSON.parse(text));
  }

  compareGroups(a: GroupFilter, b: GroupFilter): Promise<CompareResult> {
    return this.host.query('compare', a, b);
  }

  diffTraces(traceA: string, traceB: string): Promise<TraceDiff | undefined> {
    return this.host.query('diff', traceA, traceB);
  }

  diffModelCalls(traceA: string, spanA: string, traceB: string, spanB: string): Promise<ModelCallDiff | undefined> {
    return this.host.query('modelCallDiff', traceA, spanA, traceB, spanB);
  }

  show(view: WebviewView): void {
    this.host.show(view);
  }

  /** Live changes; `onResync` runs when some may have been missed and the view should reload. */
  onTraceChange(listener: (change: TraceChange) => void, onResync?: () => void): () => void {
    return this.host.subscribe(listener, onResync);
  }

  initialView(): WebviewView {
    return this.host.initialView();
  }

  onShow(listener: (view: WebviewView) => void): () => void {
    return this.host.onShow(listener);
  }

  openTrace(traceId: string, spanId?: string): void {
    this.host.show(spanId ? { page: 'trace', traceId, spanId } : { page: 'trace', traceId });
  }

  showList(): void {
    this.host.show({ page: 'list' });
  }

  showSessions(): void {
    this.host.show({ page: 'sessions' });
  }

  openSession(sessionId: string): void {
    this.host.show({ page: 'session', sessionId });
  }

  showOverview(): void {
    this.host.show({ page: 'overview' });
  }

  showCosts(): void {
    this.host.show({ page: 'costs' });
  }

  revealSource(location: CodeLocation): void {
    if (this.host.canRevealSource) this.host.revealSource(location);
  }

  get canReplay(): boolean {
    return this.host.canReplay;
  }

  replaySpan(traceId: string, spanId: string): void {
    if (this.host.canReplay) this.host.replaySpan(traceId, spanId);
  }

  savedState(): PersistedUiState {
    return this.uiState;
  }

  /** Merges into the persisted UI state; written shortly after, once per burst of changes. */
  saveState(patch: PersistedUiState): void {
    this.uiState = { ...this.uiState, ...patch };
    if (this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.host.persistState(this.uiState);
    }, PERSIST_DELAY_MS);
  }
}
