import { EventSource } from 'eventsource';
import { TRACE_STREAM_PATH, type LoupeApi, type Unsubscribe } from '../../model/api';
import { HttpQueries } from '../../model/apiClient';
import type { TraceChange } from '../../model/traceTypes';

export interface HttpLoupeOptions {
  /** The other Loupe's access token (its store folder's `auth-token`), sent as `Authorization: Bearer`. */
  token?: string;
  /** Per request; a Loupe on this machine answers in milliseconds. Default 10 s. */
  timeoutMs?: number;
  /** Told when the live stream drops (the other Loupe went away) and when it is back. */
  onStreamState?: (state: 'open' | 'lost') => void;
}

/**
 * `LoupeApi` over another Loupe's REST API and event stream: how a second VS Code window shows
 * the traces of the window that owns the receiver.
 */
export class HttpLoupe extends HttpQueries implements LoupeApi {
  private source: EventSource | undefined;
  private readonly listeners = new Set<(change: TraceChange) => void>();

  constructor(
    baseUrl: string,
    private readonly options: HttpLoupeOptions = {},
  ) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const headers = (): Record<string, string> => (options.token ? { Authorization: `Bearer ${options.token}` } : {});
    super(baseUrl, { fetch: (url, init) => fetch(url, init as RequestInit), signal: () => AbortSignal.timeout(timeoutMs), headers });
  }

  subscribe(listener: (change: TraceChange) => void): Unsubscribe {
    this.listeners.add(listener);
    this.openStream();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.close();
    };
  }

  /** Stops the live stream. */
  close(): void {
    this.source?.close();
    this.source = undefined;
  }

  private openStream(): void {
    if (this.source) return;
    const token = this.options.token;
    const source = new EventSource(`${this.base}${TRACE_STREAM_PATH}`, {
      // The stream needs the token like every other read; EventSource lets a header in through its fetch.
      fetch: (url, init) => fetch(url, { ...init, headers: { ...init.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) } }),
    });
    source.addEventListener('change', (event) => {
      let change: TraceChange;
      try {
        change = JSON.parse(event.data) as TraceChange;
      } catch {
        return;
      }
      for (const listener of [...this.listeners]) listener(change);
    });
    source.onopen = () => this.options.onStreamState?.('open');
    // EventSource reconnects by itself; the viewer only needs to know the link is down meanwhile.
    source.onerror = () => this.options.onStreamState?.('lost');
    this.source = source;
  }
}
