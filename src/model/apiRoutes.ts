/**
 * The pieces `API` entries are made of: a route (verb, path template, how each argument travels)
 * and the functions that turn arguments into a request and a request back into arguments. The
 * server reads with them, the clients write with them, so the two sides cannot drift apart.
 */
import { parseSpanId, parseTraceId } from './ids';
import type { TraceQuery } from './traceTypes';
import type { SessionQuery } from './sessionTypes';

export type Verb = 'GET' | 'POST' | 'DELETE';

/** A request as routes see it, all text: path parameters, query pairs, body. */
export interface RouteRequest {
  params: Record<string, string>;
  query: Array<[string, string]>;
  body?: string;
  contentType?: string;
}

/** What is wrong with a request, for the caller (HTTP 400 unless another status fits better). */
export class BadRequest {
  constructor(
    readonly message: string,
    readonly status = 400,
  ) {}
}

/** Thrown by a query whose input is malformed (an import that does not decode): HTTP 400, not 500. */
export class ApiInputError extends Error {
  override name = 'ApiInputError';
}

/** How one argument travels in a request. */
export interface ArgCodec<T> {
  read(request: RouteRequest): T | BadRequest;
  write(value: T, request: RouteRequest): void;
}

export interface Route<A extends unknown[], R> {
  verb: Verb;
  /** Path template; `{name}` segments are parameters. */
  path: string;
  /** Query values that select this route among routes of the same path (e.g. `format=columns`). */
  when?: Record<string, string>;
  args: { [I in keyof A]: ArgCodec<A[I]> };
  /** How the result travels: JSON (default), text that already is JSON, or nothing (204). */
  answer?: 'json' | 'jsonText' | 'none';
  /** Set when an undefined (or false) result means "not found": the 404 message. */
  missing?: (...args: A) => string;
  /** The trace view may call it. */
  webview?: true;
  /** Type carriers only, never set. */
  readonly types?: { args: A; result: R };
}

export function route<A extends unknown[], R>(spec: Omit<Route<A, R>, 'webview'>): Route<A, R> {
  return spec;
}

/** A route the trace view may call as well (read-only queries a view needs). */
export function viewRoute<A extends unknown[], R>(spec: Omit<Route<A, R>, 'webview'>): Route<A, R> & { webview: true } {
  return { ...spec, webview: true };
}

export const MAX_TRACE_LIMIT = 10_000;
const MAX_QUERY_TEXT = 1_000;

export function traceIdParam(name: string): ArgCodec<string> {
  return {
    read: (request) =>
      parseTraceId(request.params[name]) ??
      new BadRequest(`"${clip(request.params[name] ?? '', 64)}" is not a trace id (32 hexadecimal characters).`),
    write: (value, request) => void (request.params[name] = value),
  };
}

export function spanIdParam(name: string): ArgCodec<string> {
  return {
    read: (request) =>
      parseSpanId(request.params[name]) ??
      new BadRequest(`"${clip(request.params[name] ?? '', 64)}" is not a span id (16 hexadecimal characters).`),
    write: (value, request) => void (request.params[name] = value),
  };
}

/** Free text in the path (a session id, a name), at most `maxLength` characters. */
export function textParam(name: string, maxLength = MAX_QUERY_TEXT): ArgCodec<string> {
  return {
    read: (request) => {
      const value = request.params[name] ?? '';
      if (value === '') return new BadRequest(`${name} is missing.`);
      return value.length > maxLength ? new BadRequest(`${name} is longer than ${maxLength} characters.`) : value;
    },
    write: (value, request) => void (request.params[name] = value),
  };
}

/** A JSON document as the request body (POST); plain HTML forms cannot send one. */
export const bodyText: ArgCodec<string> = {
  read: (request) => {
    const mediaType = (request.contentType ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== 'application/json') return new BadRequest('This request needs Content-Type: application/json.', 415);
    return request.body ?? '';
  },
  write: (value, request) => {
    request.body = value;
    request.contentType = 'application/json';
  },
};

/**
 * One field of a JSON object body (POST); several fields share the body. `check` says what is
 * wrong with a value, or undefined when it is usable.
 */
export function bodyField<T>(name: string, check: (value: unknown) => string | undefined): ArgCodec<T> {
  return {
    read: (request) => {
      const text = bodyText.read(request);
      if (text instanceof BadRequest) return text;
      let body: unknown;
      try {
        body = JSON.parse(text || '{}');
      } catch {
        return new BadRequest('The request body is not JSON.');
      }
      const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
      const problem = check(value);
      return problem === undefined ? (value as T) : new BadRequest(problem);
    },
    write: (value, request) => {
      const body = JSON.parse(request.body ?? '{}') as Record<string, unknown>;
      if (value !== undefined) body[name] = value;
      bodyText.write(JSON.stringify(body), request);
    },
  };
}

/** The trace-list filters as query parameters. Unknown keys are ignored. */
export const traceQueryArg: ArgCodec<TraceQuery | undefined> = {
  read: (request) => {
    const parsed = parseTraceQuery(request.query);
    return typeof parsed === 'string' ? new BadRequest(parsed) : parsed;
  },
  write: (value, request) => {
    for (const [key, item] of Object.entries(value ?? {})) if (item !== undefined && item !== '') request.query.push([key, String(item)]);
  },
};

export const MAX_SESSION_LIMIT = 1_000;

/** The session-list filters (`limit`, `q`) as query parameters. Unknown keys are ignored. */
export const sessionQueryArg: ArgCodec<SessionQuery | undefined> = {
  read: (request) => {
    const params = new Map(request.query);
    const query: SessionQuery = {};
    const limit = params.get('limit');
    if (limit !== undefined && limit !== '') {
      const value = /^\d{1,6}$/.test(limit) ? Number(limit) : NaN;
      if (!(value >= 1 && value <= MAX_SESSION_LIMIT))
        return new BadRequest(`limit must be a whole number from 1 to ${MAX_SESSION_LIMIT}, not "${clip(limit, 32)}".`);
      query.limit = value;
    }
    const q = params.get('q');
    if (q !== undefined && q !== '') {
      if (q.length > MAX_QUERY_TEXT) return new BadRequest(`q is longer than ${MAX_QUERY_TEXT} characters.`);
      query.q = q;
    }
    return query;
  },
  write: (value, request) => {
    if (value?.limit !== undefined) request.query.push(['limit', String(value.limit)]);
    if (value?.q) request.query.push(['q', value.q]);
  },
};

/** The list filters from query pairs, or a message saying what is wrong. */
export function parseTraceQuery(pairs: Iterable<[string, string]>): TraceQuery | string {
  const params = new Map(pairs);
  const query: TraceQuery = {};
  const limit = params.get('limit');
  if (limit !== undefined && limit !== '') {
    const value = /^\d{1,6}$/.test(limit) ? Number(limit) : NaN;
    if (!(value >= 1 && value <= MAX_TRACE_LIMIT))
      return `limit must be a whole number from 1 to ${MAX_TRACE_LIMIT}, not "${clip(limit, 32)}".`;
    query.limit = value;
  }
  const status = params.get('status');
  if (status !== undefined && status !== '') {
    if (status !== 'error') return `status can only be "error", not "${clip(status, 32)}".`;
    query.status = 'error';
  }
  const slow = params.get('slow');
  if (slow !== undefined && slow !== '') {
    if (slow !== 'true' && slow !== '1') return `slow can only be "true", not "${clip(slow, 32)}".`;
    query.slow = true;
  }
  for (const key of ['service', 'agent', 'model', 'q'] as const) {
    const value = params.get(key);
    if (value === undefined || value === '') continue;
    if (value.length > MAX_QUERY_TEXT) return `${key} is longer than ${MAX_QUERY_TEXT} characters.`;
    query[key] = value;
  }
  return query;
}

/** The parameters of `path` when it fits `template`, else undefined. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 0; i < want.length; i++) {
    const part = want[i];
    if (part.startsWith('{') && part.endsWith('}')) {
      let value: string;
      try {
        value = decodeURIComponent(have[i]);
      } catch {
        return undefined;
      }
      params[part.slice(1, -1)] = value;
    } else if (part !== have[i]) return undefined;
  }
  return params;
}

export function readArgs<A extends unknown[]>(route: Route<A, unknown>, request: RouteRequest): A | BadRequest {
  const args: unknown[] = [];
  for (const codec of route.args as ArgCodec<unknown>[]) {
    const value = codec.read(request);
    if (value instanceof BadRequest) return value;
    args.push(value);
  }
  return args as A;
}

/** The request that carries `args` along `route`, with the path filled in. */
export function writeRequest<A extends unknown[]>(route: Route<A, unknown>, args: A): RouteRequest & { path: string } {
  const request: RouteRequest = { params: {}, query: Object.entries(route.when ?? {}) };
  (route.args as ArgCodec<unknown>[]).forEach((codec, i) => codec.write(args[i], request));
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.params[name] ?? ''));
  return { ...request, path };
}

/** Whether a route's `when` query values are all present. */
export function routeSelected(route: Route<never, unknown>, query: Iterable<[string, string]>): boolean {
  if (!route.when) return true;
  const params = new Map(query);
  return Object.entries(route.when).every(([key, value]) => params.get(key) === value);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
