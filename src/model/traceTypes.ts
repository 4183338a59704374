/**
 * Data shapes shared by the engine, the REST API, the VS Code host and the webview.
 * Field names here are a public contract (users script against the REST API): add fields freely,
 * never rename or remove one. Times are Unix milliseconds (fractional) unless a name says otherwise.
 */

export type SpanKind =
  'agent' | 'llm' | 'tool' | 'retrieval' | 'embedding' | 'reranker' | 'chain' | 'memory' | 'guardrail' | 'evaluator' | 'other';

export const SPAN_KINDS: readonly SpanKind[] = [
  'agent',
  'llm',
  'tool',
  'retrieval',
  'embedding',
  'reranker',
  'chain',
  'memory',
  'guardrail',
  'evaluator',
  'other',
];

export type SpanStatus = 'ok' | 'error' | 'unset';

/** The OpenTelemetry span kind, which says nothing about GenAI work but is shown and exported. */
export type OtelSpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export interface TokenCounts {
  /** All input tokens, cached ones included (as providers report them). */
  input: number;
  /** All output tokens, reasoning ones included. */
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
  total: number;
}

/** An attribute value as plain JSON: int64 beyond 2^53 becomes a decimal string, bytes base64. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

export type MessageRole = 'system' | 'user' | 'assistant' | 'tool' | (string & {});

export type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: AttributeValue }
  | { type: 'tool_result'; id?: string; result?: AttributeValue }
  /** The model's visible thinking (reasoning summaries, Anthropic thinking blocks). */
  | { type: 'reasoning'; content: string }
  | { type: 'other'; content: AttributeValue };

export interface Message {
  role: MessageRole;
  parts: MessagePart[];
  finishReason?: string;
  /** Tool-role messages may name the tool they answer. */
  name?: string;
}

export interface CodeLocation {
  filePath?: string;
  line?: number;
  column?: number;
  function?: string;
  /** Where the location came from: span attributes, or a frame parsed out of a stack trace. */
  source?: 'attributes' | 'stacktrace';
}

export interface SpanEvent {
  time: number;
  name: string;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** A log record attached to a span (some instrumentations put prompts and completions here). */
export interface SpanLog {
  time: number;
  severityNumber?: number;
  severityText?: string;
  eventName?: string;
  body?: AttributeValue;
  attributes: Attributes;
}

export interface SpanError {
  type?: string;
  message?: string;
  stacktrace?: string;
}

/** Totals over a span and everything below it. */
export interface SpanRollup {
  spanCount: number;
  durationMs: number;
  /** Time of this span not covered by any child. */
  selfTimeMs: number;
  tokens: TokenCounts;
  /** Known cost; `unpricedCalls` says how many model calls below have no known price. */
  costUsd: number;
  unpricedCalls: number;
  errorCount: number;
  /** Model calls in the subtree, each counted once. */
  modelCalls?: number;
}

/** Usage attributed to one model, agent or session, every model call counted once. */
export interface UsageTotals {
  key: string;
  /** Model calls (aggregate spans are not counted again). */
  calls: number;
  tokens: TokenCounts;
  /** Known cost; `unpricedCalls` says how many calls have no known price. */
  costUsd: number;
  unpricedCalls: number;
  /** Failed spans attributed to this key. */
  errorCount: number;
  /** Spans attributed to this key. */
  spanCount: number;
}

export type CostSource = 'span' | 'pricing' | 'override' | 'unknown' | 'none';

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKind;
  otelKind: OtelSpanKind;
  status: SpanStatus;
  statusMessage?: string;
  startTime: number;
  endTime: number;
  durationMs: number;
  service: string;
  model?: string;
  requestModel?: string;
  responseModel?: string;
  provider?: string;
  operation?: string;
  /** True for spans that carry the sum of model calls below them (e.g. `ai.generateText`). */
  aggregate: boolean;
  tokens: TokenCounts;
  /** null when the span is a model call whose price is unknown. */
  costUsd: number | null;
  costSource: CostSource;
  /** Loupe's own price when the span carries its cost (an agent's own, e.g. `github.copilot.cost`). */
  computedCostUsd?: number | null;
  /** A runtime's bookkeeping span (Codex's Rust `tracing` spans): a view may fold it. */
  runtime?: boolean;
  /** `gen_ai.evaluation.result` events about this span, as scores. */
  evaluations?: SpanEvaluation[];
  messages: { input: Message[]; output: Message[] };
  tool?: { name?: string; callId?: string; arguments?: AttributeValue; result?: AttributeValue };
  /** The tool a tool span ran (also on the span list without loading `tool`). */
  toolName?: string;
  /** Normalized: `stop`, `length`, `tool_calls`, `content_filter`, or the reported value lower-cased. */
  finishReason?: string;
  /** True for streamed model calls (some instrumentations report no usage for those). */
  streaming?: boolean;
  timeToFirstTokenMs?: number;
  /** HTTP status of a failed model call, when the span or its error says it. */
  httpStatus?: number;
  /** False when a model call reported no token usage at all (its tokens are zeros, not a measurement). */
  usageReported?: boolean;
  agentName?: string;
  sessionId?: string;
  userId?: string;
  code?: CodeLocation;
  error?: SpanError;
  scope?: { name: string; version?: string };
  attributes: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  logs: SpanLog[];
  resource: Attributes;
  rollup?: SpanRollup;
  /** Present when the span took much longer than spans of its name (and model) usually take. */
  slow?: SpanSlowness;
}

/** How a span compares with the usual duration of its kind (same name, and model for a model call). */
export interface SpanSlowness {
  /** This span's duration over the baseline's p95. */
  ratio: number;
  baselineP95Ms: number;
  /** Earlier spans the baseline is made of. */
  samples: number;
}

export interface SpanEvaluation {
  name: string;
  score?: number;
  label?: string;
  explanation?: string;
}

export interface TraceSummary {
  traceId: string;
  name: string;
  service: string;
  startTime: number;
  durationMs: number;
  /** When a span of this trace last arrived. */
  updatedTime: number;
  /** Changes whenever the trace does (two changes may share a millisecond); compare for equality only. */
  version?: number;
  spanCount: number;
  errorCount: number;
  /** Model calls counted once each (aggregate spans are not added again). */
  tokens: TokenCounts;
  costUsd: number;
  unpricedCalls: number;
  llmCalls: number;
  agents: string[];
  models: string[];
  services: string[];
  sessions: string[];
  users: string[];
  /** Spans that point at a parent this trace does not (yet) hold. */
  orphanCount: number;
  /** Spans refused because the trace reached its span limit. */
  droppedSpans: number;
  /** Spans much slower than their kind usually is (see SpanSlowness); absent when none. */
  slowSpans?: number;
  /** This run alone cost as much as the per-run budget or more. */
  overBudget?: boolean;
  /** Tokens and cost per model (the model each counted call reported). */
  byModel?: UsageTotals[];
  /** Tokens and cost per agent: each span works for its own agent or its nearest ancestor's. */
  byAgent?: UsageTotals[];
  /** Tokens and cost per session (conversation), inherited like agents. */
  bySession?: UsageTotals[];
}

/** One session (conversation) across the traces that mention it. */
export interface SessionTotals extends UsageTotals {
  traceIds: string[];
  users: string[];
  startTime: number;
  endTime: number;
}

export interface TraceDetail {
  traceId: string;
  summary: TraceSummary;
  /** Parents before children, siblings by start time. */
  spans: Span[];
  totals: { tokens: TokenCounts; costUsd: number; unpricedCalls: number };
}

export interface WaterfallRow {
  spanId: string;
  parentSpanId?: string;
  depth: number;
  offsetMs: number;
  durationMs: number;
  name: string;
  kind: SpanKind;
  status: SpanStatus;
  service: string;
  model?: string;
  childCount: number;
  tokens: number;
  costUsd: number | null;
  /** True when the span's parent is not in the trace; the row is shown at depth 0. */
  orphan: boolean;
  onCriticalPath: boolean;
  /** A model call whose usage is carried again by calls below it (its tokens are not added to totals). */
  aggregate?: boolean;
  /** A runtime's bookkeeping span (Codex's Rust `tracing` spans): the view may fold it under its parent. */
  runtime?: boolean;
  toolName?: string;
  /** The agent this span works for (its own, or the nearest ancestor's). */
  agentName?: string;
  errorMessage?: string;
  /** Much slower than spans of its kind usually are. */
  slow?: SpanSlowness;
}

export interface BreakdownRow {
  key: string;
  /** The span kind most spans in the group have (rows by span name), so charts can colour them. */
  kind?: SpanKind;
  count: number;
  totalMs: number;
  selfMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Self time as a share of the trace's (or all traces') end-to-end time, 0..1. */
  share: number;
  tokens: number;
  costUsd: number;
  errorCount: number;
}

export interface Breakdown {
  /** Absent for the cross-trace breakdown. */
  traceId?: string;
  traceCount: number;
  /** For the cross-trace breakdown of only the newest traces: how many are stored in all. */
  storedTraces?: number;
  totalMs: number;
  byKind: BreakdownRow[];
  byName: BreakdownRow[];
  byModel: BreakdownRow[];
  byAgent: BreakdownRow[];
}

export interface StoreStats {
  traces: number;
  spans: number;
  bytes: number;
  evictedTraces: number;
  /** Spans in the evicted traces: stored + evicted + dropped + rejected = every span received. */
  evictedSpans: number;
  droppedSpans: number;
  rejectedSpans: number;
  /** OTLP metric data points received (the recent ones are kept in memory, not on disk). */
  metricPoints?: number;
  /** Set when the store cannot write to disk; Loupe then keeps traces in memory only. */
  persistenceError?: string;
}

export interface Health {
  status: 'ok';
  version: string;
  grpcPort: number | null;
  httpPort: number | null;
  traces: number;
  spans: number;
  /** Lets a second window recognise this server as Loupe and join it. */
  product: 'loupe';
  pid: number;
  /** Continuous forwarding's state (details at `/api/forwarding`); absent from older Loupes. */
  forwarding?: 'off' | 'ok' | 'retrying' | 'dropping';
}

/** One coalesced change notification (one SSE event, one webview message). */
export interface TraceChange {
  /** Traces that appeared or grew, with their fresh summaries. */
  upserted: TraceSummary[];
  /** Trace ids evicted by policy or deleted by the user. */
  removed: string[];
  /** True when every trace was cleared at once. */
  cleared: boolean;
  stats: StoreStats;
}

export interface TraceQuery {
  limit?: number;
  service?: string;
  agent?: string;
  model?: string;
  status?: 'error';
  /** Free text over names, services, agents, models, ids. */
  q?: string;
  /** Only runs with a span much slower than spans of its kind usually are. */
  slow?: boolean;
}
