/**
 * The queries of `API` over HTTP, for any JavaScript runtime with `fetch` (Node and browsers alike):
 * a second VS Code window joining the first, the browser UI, scripts and tools.
 */
import { API, ForwardingQueries, type ApiMethod } from './api';
import { ApiInputError, writeRequest, type Route } from './apiRoutes';

/** The part of `fetch` the client uses, so this layer needs neither DOM nor Node types. */
export type FetchLike = (
  url: string,
  init: { method: string; body?: string; headers: Record<string, string>; signal?: unknown; credentials?: 'same-origin' },
) => Promise<{ status: number; ok: boolean; statusText: string; text(): Promise<string> }>;

export interface HttpQueriesOptions {
  fetch: FetchLike;
  /** A fresh abort signal per request (e.g. `() => AbortSignal.timeout(10_000)`); none by default. */
  signal?: () => unknown;
  /** Sent with every request (e.g. an `Authorization` header). */
  headers?: () => Record<string, string>;
}

export class HttpQueries extends ForwardingQueries {
  protected readonly base: string;

  constructor(
    baseUrl: string,
    protected readonly http: HttpQueriesOptions,
  ) {
    super();
    this.base = baseUrl.replace(/\/+$/, '');
  }

  protected async callQuery(method: ApiMethod, args: readonly unknown[]): Promise<unknown> {
    const route = API[method] as Route<unknown[], unknown>;
    const request = writeRequest(route, [...args]);
    const search = queryString(request.query);
    const headers: Record<string, string> = { Accept: 'application/json', ...this.http.headers?.() };
    if (request.contentType) headers['Content-Type'] = request.contentType;
    const response = await this.http.fetch(`${this.base}${request.path}${search ? `?${search}` : ''}`, {
      method: route.verb,
      body: request.body,
      headers,
      signal: this.http.signal?.(),
      credentials: 'same-origin',
    });
    const text = await response.text();
    if (response.status === 404 && route.missing) return route.answer === 'none' ? false : undefined;
    if (!response.ok) {
      const message = errorText(text) ?? (text.slice(0, 200) || response.statusText);
      if (response.status === 400 || response.status === 415) throw new ApiInputError(message);
      throw new Error(`Loupe answered ${response.status}: ${message}`);
    }
    if (route.answer === 'none') return route.missing ? true : undefined;
    if (route.answer === 'jsonText') return text;
    return text === '' ? undefined : JSON.parse(text);
  }
}

function errorText(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return typeof body.error === 'string' ? body.error : undefined;
  } catch {
    return undefined;
  }
}

/** Query-string encoding as `URLSearchParams` does it (form encoding), without depending on its type. */
export function queryString(pairs: ReadonlyArray<[string, string]>): string {
  const encode = (text: string) => encodeURIComponent(text).replace(/%20/g, '+');
  return pairs.map(([key, value]) => `${encode(key)}=${encode(value)}`).join('&');
}
