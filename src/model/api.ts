/**
 * Everything a viewer can ask of a Loupe engine, declared once.
 *
 * Each entry of `API` names a query, its arguments and result, its REST route and whether the
 * trace view (webview) may call it. From this table follow: the `LoupeApi` interface, the worker
 * RPC (src/core/host/workerLoupe.ts), the REST router (src/core/server/restApi.ts), the HTTP
 * client (apiClient.ts), the webview requests (webviewRequests.ts) and the delegating client of
 * the extension. Adding a query is one entry here, its implementation in `TraceEngine`
 * (src/core/engine/traceEngine.ts) and its view.
 */
import type { Breakdown, Health, Span, StoreStats, TraceChange, TraceDetail, TraceQuery, TraceSummary, WaterfallRow } from './traceTypes';
import type { ExportTraceServiceRequest } from './otlpTypes';
import { validateForwardTarget, type ForwardTarget } from './forwardTarget';
import type { ForwardResult } from './forwardResult';
import { isReplayDraft } from './replayMessages';
import type { ReplayDraft, ReplayOutcome } from './replayTypes';
import type { CompareResult, ModelCallDiff, TraceDiff } from './compareTypes';
import { groupFilterArg } from './compare/groupFilterArg';
import type { GroupFilter } from './compareTypes';
import {
  bodyField,
  bodyText,
  route,
  sessionQueryArg,
  spanIdParam,
  textParam,
  traceIdParam,
  traceQueryArg,
  viewRoute,
  type Route,
} from './apiRoutes';
import type { SessionDetail, SessionQuery, SessionSummary } from './sessionTypes';
import type { CostOverview, CostQuery, CostRow } from './costTypes';
import { costQueryArg } from './costRoutes';
import type { BudgetStatus } from './budgetTypes';
import type { ForwardingStatus } from './continuousForwarding';

export const API = {
  health: route<[], Health>({ verb: 'GET', path: '/api/health', args: [] }),
  /** Counts of what was received, rejected, dropped and evicted, and whether the store can be written. */
  stats: viewRoute<[], StoreStats>({ verb: 'GET', path: '/api/stats', args: [] }),
  /** Trace summaries, newest first. */
  listTraces: viewRoute<[query?: TraceQuery], TraceSummary[]>({ verb: 'GET', path: '/api/traces', args: [traceQueryArg] }),
  /** undefined when the trace is unknown (never stored, evicted or deleted). */
  getTrace: viewRoute<[traceId: string], TraceDetail | undefined>({
    verb: 'GET',
    path: '/api/traces/{traceId}',
    args: [traceIdParam('traceId')],
    missing: unknownTrace,
  }),
  /** One span with its messages and roll-up, without building the detail of the whole trace. */
  span: viewRoute<[traceId: string, spanId: string], Span | undefined>({
    verb: 'GET',
    path: '/api/traces/{traceId}/spans/{spanId}',
    args: [traceIdParam('traceId'), spanIdParam('spanId')],
    missing: (traceId, spanId) => `No span ${spanId} in trace ${traceId} (never received, evicted or deleted).`,
  }),
  waterfall: route<[traceId: string], WaterfallRow[] | undefined>({
    verb: 'GET',
    path: '/api/traces/{traceId}/waterfall',
    args: [traceIdParam('traceId')],
    missing: unknownTrace,
  }),
  /**
   * The same rows as `WaterfallColumns` JSON text (see waterfallColumns.ts), built once per trace
   * version. What viewers use: one string crosses threads and sockets far faster than 100,000 objects.
   */
  waterfallColumns: viewRoute<[traceId: string], string | undefined>({
    verb: 'GET',
    path: '/api/traces/{traceId}/waterfall',
    when: { format: 'columns' },
    args: [traceIdParam('traceId')],
    answer: 'jsonText',
    missing: unknownTrace,
  }),
  breakdown: viewRoute<[traceId: string], Breakdown | undefined>({
    verb: 'GET',
    path: '/api/traces/{traceId}/breakdown',
    args: [traceIdParam('traceId')],
    missing: unknownTrace,
  }),
  /** The same breakdown across every stored trace. */
  overallBreakdown: viewRoute<[], Breakdown>({ verb: 'GET', path: '/api/breakdown', args: [] }),
  /** Group A against group B (each a filter in query-string form): figures of both, each measure's change, significant first. */
  compare: viewRoute<[a: GroupFilter, b: GroupFilter], CompareResult>({
    verb: 'GET',
    path: '/api/compare',
    args: [groupFilterArg('a'), groupFilterArg('b')],
  }),
  /** Run A against run B, span trees aligned; undefined when either run is unknown. */
  diff: viewRoute<[traceA: string, traceB: string], TraceDiff | undefined>({
    verb: 'GET',
    path: '/api/diff/{traceA}/{traceB}',
    args: [traceIdParam('traceA'), traceIdParam('traceB')],
    missing: (traceA, traceB) => `No trace ${traceA} or no trace ${traceB}: never received, or evicted or deleted.`,
  }),
  /** The prompts, outputs, tool definitions, model and parameters of two model calls compared word by word. */
  modelCallDiff: viewRoute<[traceA: string, spanA: string, traceB: string, spanB: string], ModelCallDiff | undefined>({
    verb: 'GET',
    path: '/api/diff/{traceA}/{traceB}/calls/{spanA}/{spanB}',
    args: [traceIdParam('traceA'), spanIdParam('spanA'), traceIdParam('traceB'), spanIdParam('spanB')],
    missing: (traceA, spanA, traceB, spanB) => `No span ${spanA} in trace ${traceA}, or no span ${spanB} in trace ${traceB}.`,
  }),
  /** Sessions (a coding agent's run, a chat conversation) newest first: traces, log events and metrics that share a session id. */
  listSessions: viewRoute<[query?: SessionQuery], SessionSummary[]>({ verb: 'GET', path: '/api/sessions', args: [sessionQueryArg] }),
  /** One session with its turns (prompt, model calls, tool calls) in time order; undefined when unknown. */
  getSession: viewRoute<[sessionId: string], SessionDetail | undefined>({
    verb: 'GET',
    path: '/api/sessions/{sessionId}',
    args: [textParam('sessionId')],
    missing: (sessionId) => `No session ${sessionId} (never received, or its traces and events were evicted).`,
  }),
  exportOtlp: route<[traceId: string], ExportTraceServiceRequest | undefined>({
    verb: 'GET',
    path: '/api/traces/{traceId}/otlp',
    args: [traceIdParam('traceId')],
    missing: unknownTrace,
  }),
  /**
   * Adds the spans of an OTLP/JSON export request (an imported capture), given as its JSON text so
   * the engine validates it whichever face it came through. Malformed input fails with a 400.
   */
  importOtlp: route<[otlpJson: string], { traceIds: string[] }>({ verb: 'POST', path: '/api/import', args: [bodyText] }),
  /**
   * Sends a stored trace to an OTLP or Zipkin target; the engine encodes and delivers it. undefined
   * when the trace is unknown; delivery failures are a `ForwardResult`, not an error.
   */
  forwardTrace: route<[traceId: string, target: ForwardTarget, options?: ForwardOptions], ForwardResult | undefined>({
    verb: 'POST',
    path: '/api/traces/{traceId}/forward',
    args: [traceIdParam('traceId'), bodyField('target', validateForwardTarget), bodyField('options', checkForwardOptions)],
    missing: unknownTrace,
  }),
  /**
   * Sends an edited model call (a replay draft) to its OpenAI-compatible or Anthropic endpoint from
   * the engine and answers what came back. Never stores anything (keeping a replay is `importOtlp`).
   * Without `apiKey` the engine uses OPENAI_API_KEY / ANTHROPIC_API_KEY, for the provider's own server only.
   */
  replay: route<[draft: ReplayDraft, options?: ReplayOptions], ReplayOutcome>({
    verb: 'POST',
    path: '/api/replay',
    args: [
      bodyField('draft', (value) =>
        isReplayDraft(value) ? undefined : 'draft must be a replay draft (api, baseUrl, model, system, messages, tools, parameters).',
      ),
      bodyField('options', checkReplayOptions),
    ],
  }),
  /** False when the trace is unknown. */
  deleteTrace: route<[traceId: string], boolean>({
    verb: 'DELETE',
    path: '/api/traces/{traceId}',
    args: [traceIdParam('traceId')],
    answer: 'none',
    missing: unknownTrace,
  }),
  clear: route<[], void>({ verb: 'DELETE', path: '/api/traces', args: [], answer: 'none' }),
  /**
   * Cost and health from the durable daily history, grouped by local day (`YYYY-MM-DD`, every day
   * of the range), agent, model or service; `from`/`to` default to the last 30 days.
   */
  costs: viewRoute<[query?: CostQuery], CostRow[]>({ verb: 'GET', path: '/api/costs', args: [costQueryArg] }),
  /** Everything the Costs page shows for a range (totals, daily split, rows by agent, model, service, span names). */
  costOverview: viewRoute<[query?: CostQuery], CostOverview>({ verb: 'GET', path: '/api/costs/overview', args: [costQueryArg] }),
  /** Each budget with what was spent in its current period and the level reached. */
  budgets: viewRoute<[], BudgetStatus[]>({ verb: 'GET', path: '/api/budgets', args: [] }),
  /** Continuous forwarding to the team's OTLP target: off, ok, retrying or dropping, with what was sent, queued and lost. */
  forwardingStatus: route<[], ForwardingStatus>({ verb: 'GET', path: '/api/forwarding', args: [] }),
};

export type ApiMethod = keyof typeof API;
export type ApiArgs<M extends ApiMethod> = NonNullable<(typeof API)[M]['types']>['args'];
export type ApiResult<M extends ApiMethod> = NonNullable<(typeof API)[M]['types']>['result'];

/** The queries the trace view may make (the others change data or are for tools). */
export type WebviewMethod = { [M in ApiMethod]: (typeof API)[M] extends { webview: true } ? M : never }[ApiMethod];

export const API_METHODS = Object.keys(API) as readonly ApiMethod[];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(API, name);
}

export function isWebviewMethod(name: unknown): name is WebviewMethod {
  return isApiMethod(name) && (API[name] as Route<never, unknown>).webview === true;
}

export type LoupeQueries = { [M in ApiMethod]: (...args: ApiArgs<M>) => Promise<ApiResult<M>> };

export interface Unsubscribe {
  (): void;
}

/**
 * One interface, several transports: in process (tests, the REST API inside the engine thread),
 * the engine thread seen from outside (the VS Code extension and `loupe serve`), and HTTP + SSE
 * (the browser UI, or a second VS Code window joining the first).
 */
export interface LoupeApi extends LoupeQueries {
  /**
   * Coalesced change notifications, the one streaming call: worker messages, Server-Sent Events at
   * `TRACE_STREAM_PATH`, webview notifications. The listener is never called synchronously from ingest.
   */
  subscribe(listener: (change: TraceChange) => void): Unsubscribe;
}

export const TRACE_STREAM_PATH = '/api/traces/stream';

/**
 * A client whose every query goes through one `callQuery`: the worker RPC, the HTTP client and the
 * extension's delegating client extend it, so a query added to `API` reaches them all with no code.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface below
export abstract class ForwardingQueries {
  protected abstract callQuery(method: ApiMethod, args: readonly unknown[]): Promise<unknown>;
}
for (const method of API_METHODS) {
  Object.defineProperty(ForwardingQueries.prototype, method, {
    value: function (this: ForwardingQueries, ...args: unknown[]) {
      return this.callQuery(method, args);
    },
  });
}
// The methods above are defined from the table at load time; this tells the compiler they exist.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ForwardingQueries extends LoupeQueries {}

/** How long a forward may take; the engine's default applies when absent. */
export interface ForwardOptions {
  timeoutMs?: number;
}

/** How a replay is sent: the key (from the editor's secret storage) and a time limit. */
export interface ReplayOptions {
  apiKey?: string;
  timeoutMs?: number;
}

function checkReplayOptions(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return 'options must be an object.';
  const { apiKey, timeoutMs } = value as { apiKey?: unknown; timeoutMs?: unknown };
  if (apiKey !== undefined && (typeof apiKey !== 'string' || apiKey.length > 4096)) return 'options.apiKey must be a string.';
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= 600_000)) {
    return 'options.timeoutMs must be a number of milliseconds from 1 to 600000.';
  }
  return undefined;
}

function checkForwardOptions(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return 'options must be an object.';
  const { timeoutMs } = value as { timeoutMs?: unknown };
  return timeoutMs === undefined || (typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= 600_000)
    ? undefined
    : 'options.timeoutMs must be a number of milliseconds from 1 to 600000.';
}

function unknownTrace(traceId: string): string {
  return `No trace ${traceId}: it was never received, or was evicted or deleted.`;
}
