import { API, API_METHODS, TRACE_STREAM_PATH, type LoupeApi } from '../../model/api';
import { ApiInputError, BadRequest, matchPath, readArgs, routeSelected, type Route } from '../../model/apiRoutes';

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

/** True for the Server-Sent Events route, which is served outside the request/response router. */
export function isTraceStreamRequest(method: string, path: string): boolean {
  return method === 'GET' && trimSlash(path) === TRACE_STREAM_PATH;
}

/**
 * The REST API over a `LoupeApi`, routed by the `API` table: a function from request to response,
 * no sockets involved. Unknown traces answer 404, bad input 400, both with a JSON `{ error }` body.
 */
export async function handleApiRequest(api: LoupeApi, request: ApiRequest): Promise<ApiResponse> {
  try {
    return await route(api, request);
  } catch (error) {
    if (error instanceof ApiInputError) return jsonError(400, error.message);
    return jsonError(500, `Loupe could not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function route(api: LoupeApi, request: ApiRequest): Promise<ApiResponse> {
  const path = trimSlash(request.path);
  const query = [...request.query] as Array<[string, string]>;
  // The event stream is served before the router (GET only); its path is not a trace id.
  if (path === TRACE_STREAM_PATH) return notAllowed('GET');
  const verbs = new Set<string>();
  let best: { method: (typeof API_METHODS)[number]; params: Record<string, string>; rank: number } | undefined;
  for (const method of API_METHODS) {
    const entry = API[method] as Route<unknown[], unknown>;
    const params = matchPath(entry.path, path);
    if (!params) continue;
    verbs.add(entry.verb);
    if (entry.verb !== request.method || !routeSelected(entry as Route<never, unknown>, query)) continue;
    // The most specific route wins: a literal segment over a parameter, a `when` over none.
    const rank = Object.keys(params).length * 2 - (entry.when ? 1 : 0);
    if (!best || rank < best.rank) best = { method, params, rank };
  }
  if (best) return answer(api, best.method, best.params, request, query);
  if (verbs.size === 0) return jsonError(404, `No API route ${truncate(path, 200)}.`);
  return notAllowed([...verbs].join(', '));
}

function notAllowed(allow: string): ApiResponse {
  const response = jsonError(405, `Method not allowed; use ${allow}.`);
  response.headers.Allow = allow;
  return response;
}

async function answer(
  api: LoupeApi,
  method: (typeof API_METHODS)[number],
  params: Record<string, string>,
  request: ApiRequest,
  query: Array<[string, string]>,
): Promise<ApiResponse> {
  const entry = API[method] as Route<unknown[], unknown>;
  const body = request.body && new TextDecoder().decode(request.body);
  const args = readArgs(entry, { params, query, body, contentType: request.contentType });
  if (args instanceof BadRequest) return jsonError(args.status, args.message);
  const result = await (api[method] as (...a: unknown[]) => Promise<unknown>)(...args);
  if (entry.missing && (result === undefined || result === false)) return jsonError(404, entry.missing(...args));
  if (entry.answer === 'none') return { status: 204, headers: { 'Cache-Control': 'no-store' } };
  if (entry.answer === 'jsonText') return jsonText(200, result as string);
  return jsonText(200, JSON.stringify(result));
}

function jsonError(status: number, message: string): ApiResponse {
  return jsonText(status, JSON.stringify({ error: message }));
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
