import type { Breakdown, Span, TraceChange, TraceDetail, TraceQuery, TraceSummary } from '../../src/model/traceTypes';
import type { WebviewView } from '../../src/model/webviewMessages';
import { readWaterfallColumns, type WaterfallColumns } from '../../src/model/waterfallColumns';
import { SpanLookupUnsupported, type Host, type PersistedUiState } from './host';
import { hashForView, viewFromHash } from './viewRoute';

const STATE_KEY = 'loupe.uiState';

/** The host when the UI is served by `loupe serve`: the REST API, Server-Sent Events and the address bar. */
export class HttpHost implements Host {
  readonly kind = 'browser';
  readonly canRevealSource = false;
  private events: EventSource | undefined;
  private readonly changeListeners = new Set<(change: TraceChange) => void>();
  private readonly resyncListeners = new Set<() => void>();

  constructor(private readonly baseUrl = '') {}

  listTraces(query: TraceQuery): Promise<TraceSummary[]> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const search = params.toString();
    return this.getJson<TraceSummary[]>(`/api/traces${search ? `?${search}` : ''}`) as Promise<TraceSummary[]>;
  }

  getTrace(traceId: string): Promise<TraceDetail | undefined> {
    return this.getJson<TraceDetail>(`/api/traces/${encodeURIComponent(traceId)}`, true);
  }

  async getSpan(traceId: string, spanId: string): Promise<Span | undefined> {
    const response = await fetch(`${this.baseUrl}/api/traces/${encodeURIComponent(traceId)}/spans/${encodeURIComponent(spanId)}`, {
      headers: { Accept: 'application/json' },
    });
    if (response.ok) return (await response.json()) as Span;
    const body = (await response.json().catch(() => ({}))) as { error?: unknown };
    // A server without the route answers "No API route …"; an unknown span or trace is a plain 404.
    if (response.status === 404 && typeof body.error === 'string' && body.error.startsWith('No API route'))
      throw new SpanLookupUnsupported();
    if (response.status === 404) return undefined;
    throw new Error(typeof body.error === 'string' ? body.error : `${response.status} ${response.statusText}`);
  }

  async waterfall(traceId: string): Promise<WaterfallColumns | undefined> {
    const columns = await this.getJson<unknown>(`/api/traces/${encodeURIComponent(traceId)}/waterfall?format=columns`, true);
    return columns === undefined ? undefined : readWaterfallColumns(columns);
  }

  breakdown(traceId: string): Promise<Breakdown | undefined> {
    return this.getJson<Breakdown>(`/api/traces/${encodeURIComponent(traceId)}/breakdown`, true);
  }

  overallBreakdown(): Promise<Breakdown> {
    return this.getJson<Breakdown>('/api/breakdown') as Promise<Breakdown>;
  }

  subscribe(listener: (change: TraceChange) => void, onResync?: () => void): () => void {
    this.changeListeners.add(listener);
    if (onResync) this.resyncListeners.add(onResync);
    if (!this.events) {
      // EventSource reconnects by itself after the server restarts; changes sent meanwhile are lost.
      this.events = new EventSource(`${this.baseUrl}/api/traces/stream`);
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

  private async getJson<T>(path: string, notFoundIsUndefined = false): Promise<T | undefined> {
    const response = await fetch(`${this.baseUrl}${path}`, { headers: { Accept: 'application/json' } });
    if (response.status === 404 && notFoundIsUndefined) return undefined;
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try {
        const body = (await response.json()) as { error?: unknown };
        if (typeof body.error === 'string') message = body.error;
      } catch {
        // Keep the status line.
      }
      throw new Error(message);
    }
    return (await response.json()) as T;
  }
}
