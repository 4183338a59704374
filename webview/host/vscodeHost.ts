import type { Breakdown, CodeLocation, Span, TraceChange, TraceDetail, TraceQuery, TraceSummary } from '../../src/model/traceTypes';
import {
  isHostToWebviewMessage,
  isWebviewView,
  type WebviewCommand,
  type WebviewRequestMethod,
  type WebviewRequests,
  type WebviewView,
} from '../../src/model/webviewMessages';
import { readWaterfallColumns, type WaterfallColumns } from '../../src/model/waterfallColumns';
import { SpanLookupUnsupported, type Host, type PersistedUiState } from './host';

/** The object VS Code gives a webview script (once per page). */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

const REQUEST_TIMEOUT_MS = 120_000;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** The host when the UI runs in a VS Code webview panel: typed requests over postMessage. */
export class VsCodeHost implements Host {
  readonly kind = 'vscode';
  readonly canRevealSource = true;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly changeListeners = new Set<(change: TraceChange) => void>();
  private readonly showListeners = new Set<(view: WebviewView) => void>();

  constructor(
    private readonly vscode: VsCodeApi,
    private readonly fallbackView: WebviewView,
    target: Pick<Window, 'addEventListener'> = window,
  ) {
    target.addEventListener('message', (event) => this.receive((event as MessageEvent).data));
  }

  /** Tells the extension the page listens; it answers with a `show` for this panel. */
  ready(): void {
    this.send({ type: 'ready' });
  }

  listTraces(query: TraceQuery): Promise<TraceSummary[]> {
    return this.request('listTraces', query);
  }

  async getTrace(traceId: string): Promise<TraceDetail | undefined> {
    return (await this.request('getTrace', { traceId })) ?? undefined;
  }

  async getSpan(traceId: string, spanId: string): Promise<Span | undefined> {
    try {
      return (await this.request('getSpan', { traceId, spanId })) ?? undefined;
    } catch (error) {
      // An extension that does not answer getSpan: fall back to the whole trace.
      if (error instanceof Error && /unknown|unsupported|not supported/i.test(error.message)) throw new SpanLookupUnsupported();
      throw error;
    }
  }

  async waterfall(traceId: string): Promise<WaterfallColumns | undefined> {
    const columns = await this.request('waterfall', { traceId });
    return columns === null ? undefined : readWaterfallColumns(JSON.parse(columns));
  }

  async breakdown(traceId: string): Promise<Breakdown | undefined> {
    return (await this.request('breakdown', { traceId })) ?? undefined;
  }

  overallBreakdown(): Promise<Breakdown> {
    return this.request('overallBreakdown', {});
  }

  /** The extension forwards every change over the message channel, which never drops any. */
  subscribe(listener: (change: TraceChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  initialView(): WebviewView {
    const restored = this.restoreState()?.view;
    return isWebviewView(restored) ? restored : this.fallbackView;
  }

  onShow(listener: (view: WebviewView) => void): () => void {
    this.showListeners.add(listener);
    return () => this.showListeners.delete(listener);
  }

  show(view: WebviewView): void {
    if (view.page === 'trace') this.send({ type: 'openTrace', traceId: view.traceId, spanId: view.spanId });
    else for (const listener of this.showListeners) listener(view);
  }

  revealSource(location: CodeLocation): void {
    this.send({ type: 'revealSource', location });
  }

  persistState(state: PersistedUiState): void {
    this.vscode.setState(state);
  }

  restoreState(): PersistedUiState | undefined {
    const state = this.vscode.getState();
    return typeof state === 'object' && state !== null ? (state as PersistedUiState) : undefined;
  }

  private send(message: WebviewCommand): void {
    this.vscode.postMessage(message);
  }

  private request<M extends WebviewRequestMethod>(method: M, params: WebviewRequests[M]['params']): Promise<WebviewRequests[M]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`Loupe did not answer ${method} in time.`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.vscode.postMessage({ type: 'request', id, method, params });
    });
  }

  private receive(data: unknown): void {
    if (!isHostToWebviewMessage(data)) return;
    switch (data.type) {
      case 'response': {
        const pending = this.pending.get(data.id);
        if (!pending) return;
        this.pending.delete(data.id);
        clearTimeout(pending.timer);
        if (data.ok) pending.resolve(data.result);
        else pending.reject(new Error(data.error));
        return;
      }
      case 'traceChange':
        for (const listener of this.changeListeners) listener(data.change);
        return;
      case 'show':
        for (const listener of this.showListeners) listener(data.view);
        return;
    }
  }
}
