import type { LoupeApi } from '../../model/api';
import type { TraceQuery } from '../../model/traceTypes';
import { OtlpDecodeError } from '../otlp/decodeError';
import { decodeTraceRequest } from '../otlp/decode';

/** An `/api/*` request reduced to what the router needs; the body is read only for POST. */
export interface ApiRequest {
  method: string;
  /** The URL path, e.g. `/api/traces/4bf9…`. */
  path: string;
  query: URLSearchParams;
  contentType?: string;
  body?: Uint8Array;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export const MAX_TRACE_LIMIT = 10_000;
const MAX_QUERY_TEXT = 1_000;
const TRACE_ID = /^[0-9a-fA-F]{32}$/;
const SPAN_ID = /^[0-9a-fA-F]{16}$/;
const TRACE_VIEWS = ['waterfall', 'breakdown', 'otlp'] as const;
type TraceView = (typeof TRACE_VIEWS)[number];

/** True for the Server-Sent Events route, which is served outside the request/response router. */
export function isTraceStreamRequest(method: string, path: string): boolean {
  return method === 'GET' && trimSlash(path) === '/api/traces/stream';
}

/**
 * The REST API over a `LoupeApi`: a function from request to response, no sockets involved.
 * Unknown traces answer 404, bad input 400, both with a JSON `{ error }` body.
 */
export async function handleApiRequest(api: LoupeApi, request: ApiRequest): Promise<ApiResponse> {
  try {
    return await route(api, request);
  } catch (error) {
    return jsonError(500, `Loupe could not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function route(api: LoupeApi, request: ApiRequest): Promise<ApiResponse> {
  const path = trimSlash(request.path);
  const { method } = request;
  const segments = path.split('/').slice(1);
  if (segments[0] !== 'api') return notFound(path);

  switch (path) {
    case '/api/health':
      return method === 'GET' ? json(200, await api.health()) : notAllowed('GET');
    case '/api/stats':
      return method === 'GET' ? json(200, await api.stats()) : notAllowed('GET');
    case '/api/breakdown':
      return method === 'GET' ? json(200, await api.overallBreakdown()) : notAllowed('GET');
    case '/api/import':
      return method === 'POST' ? importTraces(api, request) : notAllowed('POST');
    case '/api/traces/stream':
      // GET never reaches the router (see isTraceStreamRequest).
      return notAllowed('GET');
    case '/api/traces':
      if (method === 'GET') return listTraces(api, request.query);
      if (method === 'DELETE') {
        await api.clear();
        return noContent();
      }
      return notAllowed('GET, DELETE');
  }

  if (segments[1] !== 'traces' || segments.length > 5) return notFound(path);
  const rawId = segments[2];
  const view = segments[3];
  if (segments.length === 5) return view === 'spans' ? readSpan(api, method, rawId, segments[4]) : notFound(path);
  if (view !== undefined && !(TRACE_VIEWS as readonly string[]).includes(view)) return notFound(path);
  if (!TRACE_ID.test(rawId)) {
    return jsonError(400, `"${truncate(rawId, 64)}" is not a trace id (32 hexadecimal characters).`);
  }
  const traceId = rawId.toLowerCase();
  if (view === undefined) {
    if (method === 'GET') return found(traceId, await api.getTrace(traceId));
    if (method === 'DELETE') return (await api.deleteTrace(traceId)) ? noContent() : unknownTrace(traceId);
    return notAllowed('GET, DELETE');
  }
  if (method !== 'GET') return notAllowed('GET');
  if (view === 'waterfall' && request.query.get('format') === 'columns') {
    const columns = await api.waterfallColumns(traceId);
    return columns === undefined ? unknownTrace(traceId) : jsonText(200, columns);
  }
  return found(traceId, await readTraceView(api, traceId, view as TraceView));
}

async function readSpan(api: LoupeApi, method: string, rawTraceId: string, rawSpanId: string): Promise<ApiResponse> {
  if (method !== 'GET') return notAllowed('GET');
  if (!TRACE_ID.test(rawTraceId)) return jsonError(400, `"${truncate(rawTraceId, 64)}" is not a trace id (32 hexadecimal characters).`);
  if (!SPAN_ID.test(rawSpanId)) return jsonError(400, `"${truncate(rawSpanId, 64)}" is not a span id (16 hexadecimal characters).`);
  const traceId = rawTraceId.toLowerCase();
  const spanId = rawSpanId.toLowerCase();
  const span = await api.span(traceId, spanId);
  return span ? json(200, span) : jsonError(404, `No span ${spanId} in trace ${traceId} (never received, evicted or deleted).`);
}

function readTraceView(api: LoupeApi, traceId: string, view: TraceView): Promise<unknown> {
  switch (view) {
    case 'waterfall':
      return api.waterfall(traceId);
    case 'breakdown':
      return api.breakdown(traceId);
    case 'otlp':
      return api.exportOtlp(traceId);
  }
}

async function listTraces(api: LoupeApi, params: URLSearchParams): Promise<ApiResponse> {
  const parsed = parseTraceQuery(params);
  if (typeof parsed === 'string') return jsonError(400, parsed);
  return json(200, await api.listTraces(parsed));
}

/** The list filters from a query string, or a message saying what is wrong. Unknown keys are ignored. */
export function parseTraceQuery(params: URLSearchParams): TraceQuery | string {
  const query: TraceQuery = {};
  const limit = params.get('limit');
  if (limit !== null && limit !== '') {
    const value = /^\d{1,6}$/.test(limit) ? Number(limit) : NaN;
    if (!(value >= 1 && value <= MAX_TRACE_LIMIT)) {
      return `limit must be a whole number from 1 to ${MAX_TRACE_LIMIT}, not "${truncate(limit, 32)}".`;
    }
    query.limit = value;
  }
  const status = params.get('status');
  if (status !== null && status !== '') {
    if (status !== 'error') return `status can only be "error", not "${truncate(status, 32)}".`;
    query.status = 'error';
  }
  for (const key of ['service', 'agent', 'model', 'q'] as const) {
    const value = params.get(key);
    if (value === null || value === '') continue;
    if (value.length > MAX_QUERY_TEXT) return `${key} is longer than ${MAX_QUERY_TEXT} characters.`;
    query[key] = value;
  }
  return query;
}

async function importTraces(api: LoupeApi, request: ApiRequest): Promise<ApiResponse> {
  // Requiring JSON keeps plain HTML forms (urlencoded, multipart, text/plain) from importing.
  const mediaType = (request.contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return jsonError(415, 'POST /api/import needs Content-Type: application/json (an OTLP/JSON trace export).');
  }
  let decoded;
  try {
    decoded = decodeTraceRequest(request.body ?? new Uint8Array(), 'json');
  } catch (error) {
    if (error instanceof OtlpDecodeError) return jsonError(400, error.message);
    throw error;
  }
  const traceIds = await api.importOtlp(decoded);
  return json(200, { traceIds });
}

function found(traceId: string, value: unknown): ApiResponse {
  return value === undefined ? unknownTrace(traceId) : json(200, value);
}

function unknownTrace(traceId: string): ApiResponse {
  return jsonError(404, `No trace ${traceId}: it was never received, or was evicted or deleted.`);
}

function notFound(path: string): ApiResponse {
  return jsonError(404, `No API route ${truncate(path, 200)}.`);
}

function notAllowed(allow: string): ApiResponse {
  const response = jsonError(405, `Method not allowed; use ${allow}.`);
  response.headers.Allow = allow;
  return response;
}

function noContent(): ApiResponse {
  return { status: 204, headers: { 'Cache-Control': 'no-store' } };
}

function jsonError(status: number, message: string): ApiResponse {
  return json(status, { error: message });
}

function json(status: number, value: unknown): ApiResponse {
  return jsonText(status, JSON.stringify(value));
}

function jsonText(status: number, body: string): ApiResponse {
  return {
    status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
    body,
  };
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
