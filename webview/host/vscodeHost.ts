import type { ApiArgs, ApiResult, WebviewMethod } from '../../src/model/api';
import type { CodeLocation, TraceChange } from '../../src/model/traceTypes';
import { isHostToWebviewMessage, isWebviewView, type WebviewCommand, type WebviewView } from '../../src/model/webviewMessages';
import { webviewRequest } from '../../src/model/webviewRequests';
import type { Host, PersistedUiState } from './host';

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
  readonly canReplay = true;
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

  query<M extends WebviewMethod>(method: M, ...args: ApiArgs<M>): Promise<ApiResult<M>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`Loupe did not answer ${method} in time.`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.vscode.postMessage(webviewRequest(id, method, args));
    });
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
    else if (view.page === 'compare' || view.page === 'diff') this.send({ type: 'openView', view });
    else for (const listener of this.showListeners) listener(view);
  }

  revealSource(location: CodeLocation): void {
    this.send({ type: 'revealSource', location });
  }

  replaySpan(traceId: string, spanId: string): void {
    this.send({ type: 'replaySpan', traceId, spanId });
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
