/**
 * Every message between the trace view (webview) and the VS Code extension host, declared once.
 * The webview asks through requests (each answered by one response with the same id), sends
 * commands that need no answer, and receives notifications. The host must validate whatever the
 * webview sends with `isWebviewToHostMessage` before acting on it.
 */
import { isWebviewMethod, type WebviewMethod } from './api';
import type { RouteRequest } from './apiRoutes';
import { isSpanId, isTraceId } from './ids';
import type { CodeLocation, TraceChange } from './traceTypes';

/**
 * A query of the `API` table the webview may make (`webview: true`), carried as the same text
 * request the REST route reads, so the host checks it with the route's own argument readers.
 */
export interface WebviewRequest {
  type: 'request';
  id: number;
  method: WebviewMethod;
  request: RouteRequest;
}

/** Sent once the webview has loaded and listens; the host then sends what the panel should show. */
export interface ReadyCommand {
  type: 'ready';
}

/** Open a source location in an editor (a span's code location or a stack frame). */
export interface RevealSourceCommand {
  type: 'revealSource';
  location: CodeLocation;
}

/** Show another trace (e.g. a span link), in this panel or another one as the host decides. */
export interface OpenTraceCommand {
  type: 'openTrace';
  traceId: string;
  spanId?: string;
}

/** Show a comparison or a run diff in its own panel (the host opens or reuses it). */
export interface OpenViewCommand {
  type: 'openView';
  view: Extract<WebviewView, { page: 'compare' | 'diff' }>;
}

/** Open the replay page of a model-call span. */
export interface ReplaySpanCommand {
  type: 'replaySpan';
  traceId: string;
  spanId: string;
}

export type WebviewCommand = ReadyCommand | RevealSourceCommand | OpenTraceCommand | OpenViewCommand | ReplaySpanCommand;
export type WebviewToHostMessage = WebviewRequest | WebviewCommand;

export type WebviewResponse =
  { type: 'response'; id: number; ok: true; result: unknown } | { type: 'response'; id: number; ok: false; error: string };

/** A coalesced change in the store, forwarded as the engine reports it. */
export interface TraceChangeNotification {
  type: 'traceChange';
  change: TraceChange;
}

/** What the panel should show: one trace (optionally a span in it) or the cross-trace breakdown. */
export interface ShowNotification {
  type: 'show';
  view: WebviewView;
}

export type WebviewView =
  | { page: 'trace'; traceId: string; spanId?: string }
  | { page: 'overview' }
  | { page: 'costs' }
  | { page: 'list' }
  /** Two groups of runs, each a filter in query-string form (`version=2&service=agent`). */
  | { page: 'compare'; a: string; b: string }
  /** Run A against run B. */
  | { page: 'diff'; traceA: string; traceB: string }
  | { page: 'sessions' }
  | { page: 'session'; sessionId: string };

/** Longest session id a view names (the REST route refuses longer ones too). */
const MAX_SESSION_ID = 1000;

export type HostToWebviewMessage = WebviewResponse | TraceChangeNotification | ShowNotification;

const MAX_TEXT = 4096;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isShortText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT;
}

function isOptional<T>(value: unknown, check: (v: unknown) => v is T): boolean {
  return value === undefined || check(value);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 31;
}

/** A path an editor can open: not a URL or pseudo-location (`javascript:`, `node:internal/…`, `https://…`). */
export function isRevealablePath(filePath: unknown): filePath is string {
  return (
    typeof filePath === 'string' &&
    filePath.length > 0 &&
    filePath.length <= MAX_TEXT &&
    !filePath.includes('\0') &&
    // One letter before the colon is a Windows drive (C:\…); longer is a URL scheme.
    !/^[a-z][a-z0-9+.-]+:/i.test(filePath) &&
    !filePath.startsWith('<')
  );
}

export function isCodeLocation(value: unknown): value is CodeLocation {
  if (!isRecord(value)) return false;
  const { filePath, line, column } = value;
  return (
    isRevealablePath(filePath) &&
    isOptional(line, isPositiveInteger) &&
    isOptional(column, isPositiveInteger) &&
    isOptional(value.function, isShortText)
  );
}

function isRouteRequest(value: unknown): value is RouteRequest {
  if (!isRecord(value) || !isRecord(value.params) || !Array.isArray(value.query)) return false;
  const paramsOk = Object.values(value.params).every(isShortText);
  const queryOk = value.query.every((pair) => Array.isArray(pair) && pair.length === 2 && isShortText(pair[0]) && isShortText(pair[1]));
  return paramsOk && queryOk && value.body === undefined && value.contentType === undefined;
}

export function isWebviewRequest(value: unknown): value is WebviewRequest {
  if (!isRecord(value) || value.type !== 'request' || !isPositiveInteger(value.id)) return false;
  return isWebviewMethod(value.method) && isRouteRequest(value.request);
}

export function isWebviewCommand(value: unknown): value is WebviewCommand {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'ready':
      return true;
    case 'revealSource':
      return isCodeLocation(value.location);
    case 'openView':
      return isWebviewView(value.view) && (value.view.page === 'compare' || value.view.page === 'diff');
    case 'openTrace':
      return isTraceId(value.traceId) && isOptional(value.spanId, isSpanId);
    case 'replaySpan':
      return isTraceId(value.traceId) && isSpanId(value.spanId);
    default:
      return false;
  }
}

/** The host's gate: true only for a well-formed message the webview is allowed to send. */
export function isWebviewToHostMessage(value: unknown): value is WebviewToHostMessage {
  return isWebviewRequest(value) || isWebviewCommand(value);
}

export function isWebviewView(value: unknown): value is WebviewView {
  if (!isRecord(value)) return false;
  if (value.page === 'overview' || value.page === 'costs' || value.page === 'list' || value.page === 'sessions') return true;
  if (value.page === 'compare') return isShortText(value.a) && isShortText(value.b);
  if (value.page === 'diff') return isTraceId(value.traceA) && isTraceId(value.traceB);
  if (value.page === 'session')
    return typeof value.sessionId === 'string' && value.sessionId.length > 0 && value.sessionId.length <= MAX_SESSION_ID;
  return value.page === 'trace' && isTraceId(value.traceId) && isOptional(value.spanId, isSpanId);
}

/** The webview's gate for what arrives from the host (anything else is ignored). */
export function isHostToWebviewMessage(value: unknown): value is HostToWebviewMessage {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'response':
      return isPositiveInteger(value.id) && typeof value.ok === 'boolean' && (value.ok || typeof value.error === 'string');
    case 'traceChange':
      return isRecord(value.change) && Array.isArray(value.change.upserted) && Array.isArray(value.change.removed);
    case 'show':
      return isWebviewView(value.view);
    default:
      return false;
  }
}
