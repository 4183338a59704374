import { EventSource } from 'eventsource';
import type { LoupeApi, Unsubscribe } from '../../model/api';
import type {
  Breakdown,
  Health,
  Span,
  StoreStats,
  TraceChange,
  TraceDetail,
  TraceQuery,
  TraceSummary,
  WaterfallRow,
} from '../../model/traceTypes';
import type { ExportTraceServiceRequest } from '../../model/otlpTypes';

export interface HttpLoupeOptions {
  /** Per request; a Loupe on this machine answers in milliseconds. Default 10 s. */
  timeoutMs?: number;
  /** Told when the live stream drops (the other Loupe went away) and when it is back. */
  onStreamState?: (state: 'open' | 'lost') => void;
}

/**
 * `LoupeApi` over another Loupe's REST API and event stream: how a second VS Code window shows
 * the traces of the window that owns the receiver.
 */
export class HttpLoupe implements LoupeApi {
  private readonly base: string;
  private readonly timeoutMs: number;
  private source: EventSource | undefined;
  private readonly listeners = new Set<(change: TraceChange) => void>();

  constructor(
    baseUrl: string,
    private readonly options: HttpLoupeOptions = {},
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  health = () => this.get<Health>('/api/health') as Promise<Health>;
  listTraces = (query: TraceQuery = {}) => this.get<TraceSummary[]>(`/api/traces${queryString(query)}`) as Promise<TraceSummary[]>;
  getTrace = (traceId: string) => this.get<TraceDetail>(`/api/traces/${encodeURIComponent(traceId)}`, true);
  span = (traceId: string, spanId: string) =>
    this.get<Span>(`/api/traces/${encodeURIComponent(traceId)}/spans/${encodeURIComponent(spanId)}`, true);
  waterfall = (traceId: string) => this.get<WaterfallRow[]>(`/api/traces/${encodeURIComponent(traceId)}/waterfall`, true);

  async waterfallColumns(traceId: string): Promise<string | undefined> {
    const response = await this.fetch('GET', `/api/traces/${encodeURIComponent(traceId)}/waterfall?format=columns`);
    if (response.status === 404) return undefined;
    if (!response.ok) await checked(response);
    return response.text();
  }
  breakdown = (traceId: string) => this.get<Breakdown>(`/api/traces/${encodeURIComponent(traceId)}/breakdown`, true);
  overallBreakdown = () => this.get<Breakdown>('/api/breakdown') as Promise<Breakdown>;
  exportOtlp = (traceId: string) => this.get<ExportTraceServiceRequest>(`/api/traces/${encodeURIComponent(traceId)}/otlp`, true);

  stats = () => this.get<StoreStats>('/api/stats') as Promise<StoreStats>;

  async importOtlp(request: ExportTraceServiceRequest): Promise<string[]> {
    const body = await this.send('POST', '/api/import', JSON.stringify(request));
    return (body as { traceIds: string[] }).traceIds;
  }

  async deleteTrace(traceId: string): Promise<boolean> {
    const response = await this.fetch('DELETE', `/api/traces/${encodeURIComponent(traceId)}`);
    if (response.status === 404) return false;
    await checked(response);
    return true;
  }

  async clear(): Promise<void> {
    await this.send('DELETE', '/api/traces');
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
    const source = new EventSource(`${this.base}/api/traces/stream`);
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

  private async get<T>(path: string, notFoundIsUndefined = false): Promise<T | undefined> {
    const response = await this.fetch('GET', path);
    if (notFoundIsUndefined && response.status === 404) return undefined;
    return (await checked(response)) as T;
  }

  private async send(method: string, path: string, body?: string): Promise<unknown> {
    return checked(await this.fetch(method, path, body));
  }

  private fetch(method: string, path: string, body?: string): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method,
      body,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }
}

function queryString(query: TraceQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function checked(response: Response): Promise<unknown> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const message = (body as { error?: string } | undefined)?.error ?? (text.slice(0, 200) || response.statusText);
    throw new Error(`Loupe answered ${response.status}: ${message}`);
  }
  return body;
}
