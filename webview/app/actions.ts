import type { Breakdown, CodeLocation, Span, TraceChange, TraceDetail, TraceQuery, TraceSummary } from '../../src/model/traceTypes';
import type { WaterfallColumns } from '../../src/model/waterfallColumns';
import type { WebviewView } from '../../src/model/webviewMessages';
import type { Host, PersistedUiState } from '../host/host';

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

  listTraces(query: TraceQuery): Promise<TraceSummary[]> {
    return this.host.listTraces(query);
  }

  /** One trace's summary without loading its spans (the list answers for the id). */
  async traceSummary(traceId: string): Promise<TraceSummary | undefined> {
    const found = await this.host.listTraces({ q: traceId, limit: 20 });
    return found.find((summary) => summary.traceId === traceId);
  }

  loadTrace(traceId: string): Promise<TraceDetail | undefined> {
    return this.host.getTrace(traceId);
  }

  /** One span in full; throws SpanLookupUnsupported when only whole traces can be loaded. */
  loadSpan(traceId: string, spanId: string): Promise<Span | undefined> {
    return this.host.getSpan(traceId, spanId);
  }

  loadWaterfall(traceId: string): Promise<WaterfallColumns | undefined> {
    return this.host.waterfall(traceId);
  }

  loadBreakdown(traceId: string): Promise<Breakdown | undefined> {
    return this.host.breakdown(traceId);
  }

  loadOverallBreakdown(): Promise<Breakdown> {
    return this.host.overallBreakdown();
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

  showOverview(): void {
    this.host.show({ page: 'overview' });
  }

  revealSource(location: CodeLocation): void {
    if (this.host.canRevealSource) this.host.revealSource(location);
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
