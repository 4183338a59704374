import { TRACE_STREAM_PATH, type ApiArgs, type ApiResult, type WebviewMethod } from '../../src/model/api';
import { HttpQueries } from '../../src/model/apiClient';
import type { TraceChange } from '../../src/model/traceTypes';
import type { WebviewView } from '../../src/model/webviewMessages';
import type { Host, PersistedUiState } from './host';
import { hashForView, viewFromHash } from './viewRoute';

const STATE_KEY = 'loupe.uiState';

/** The host when the UI is served by `loupe serve`: the REST API, Server-Sent Events and the address bar. */
export class HttpHost implements Host {
  readonly kind = 'browser';
  readonly canRevealSource = false;
  readonly canReplay = true;
  private events: EventSource | undefined;
  private readonly changeListeners = new Set<(change: TraceChange) => void>();
  private readonly resyncListeners = new Set<() => void>();

  private readonly queries: HttpQueries;

  constructor(private readonly baseUrl = '') {
    this.queries = new HttpQueries(baseUrl, { fetch: (url, init) => fetch(url, init as RequestInit) });
  }

  query<M extends WebviewMethod>(method: M, ...args: ApiArgs<M>): Promise<ApiResult<M>> {
    return (this.queries[method] as (...a: ApiArgs<M>) => Promise<ApiResult<M>>)(...args);
  }

  subscribe(listener: (change: TraceChange) => void, onResync?: () => void): () => void {
    this.changeListeners.add(listener);
    if (onResync) this.resyncListeners.add(onResync);
    if (!this.events) {
      // EventSource reconnects by itself after the server restarts; changes sent meanwhile are lost.
      this.events = new EventSource(`${this.baseUrl}${TRACE_STREAM_PATH}`);
      let opened = false;
      this.events.addEventListener('open', () => {
        if (opened) for (const each of this.resyncListeners) each();
        opened = true;
      });
      this.events.addEventListener('change', (event) => {
        let change: TraceChange;
        try {
          change = JSON.parse((event as MessageEvent<string>).data) as TraceChange;
        } catch {
          return;
        }
        for (const each of this.changeListeners) each(change);
      });
    }
    return () => {
      this.changeListeners.delete(listener);
      if (onResync) this.resyncListeners.delete(onResync);
      if (this.changeListeners.size === 0) {
        this.events?.close();
        this.events = undefined;
      }
    };
  }

  initialView(): WebviewView {
    return viewFromHash(location.hash);
  }

  onShow(listener: (view: WebviewView) => void): () => void {
    const onHashChange = () => listener(viewFromHash(location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }

  show(view: WebviewView): void {
    const hash = hashForView(view);
    if (location.hash !== hash) location.hash = hash;
  }

  revealSource(): void {
    // A browser has no editor to open; the UI hides the action (canRevealSource is false).
  }

  /** The replay page in a new tab; `loupe serve` runs the call with keys from its environment. */
  replaySpan(traceId: string, spanId: string): void {
    window.open(`${this.baseUrl}/replay.html?trace=${traceId}&span=${spanId}`, '_blank', 'noopener');
  }

  persistState(state: PersistedUiState): void {
    try {
      sessionStorage.setItem(STATE_KEY, JSON.stringify(state));
    } catch {
      // Storage may be full or disabled; UI state is a convenience.
    }
  }

  restoreState(): PersistedUiState | undefined {
    try {
      const text = sessionStorage.getItem(STATE_KEY);
      return text ? (JSON.parse(text) as PersistedUiState) : undefined;
    } catch {
      return undefined;
    }
  }
}
