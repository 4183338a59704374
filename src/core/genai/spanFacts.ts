import type { InstrumentationScope, Resource } from '../../model/otlpTypes';
import type { StoredLog, StoredSpan } from '../../model/storedTrace';
import type { CodeLocation, CostSource, Message, Span, SpanError, SpanKind, SpanStatus, TokenCounts } from '../../model/traceTypes';

/**
 * What Loupe understands about one span, computed once at ingest and kept in memory beside it.
 * Only small scalar facts live here; messages and tool payloads are read on demand (`spanDetail`)
 * so memory stays close to the size of the stored spans.
 *
 * Cost: `costUsd` is a number for priced model calls and spans that carry their own cost; it is null
 * with `costSource: 'unknown'` for a model call whose price or usage is unknown (never shown as $0),
 * and null with `costSource: 'none'` for spans that are not model calls (nothing to price).
 * A failed model call that reports no usage costs 0 (`costSource: 'none'`): nothing was billed.
 */
export interface SpanFacts {
  kind: SpanKind;
  /** The convention says this span carries the sum of model calls below it; not counted again in totals. */
  aggregate: boolean;
  operation?: string;
  model?: string;
  requestModel?: string;
  responseModel?: string;
  provider?: string;
  tokens: TokenCounts;
  /** True when the span reported token usage at all (zero tokens and no report are different). */
  usageReported: boolean;
  costUsd: number | null;
  costSource: CostSource;
  /** Loupe's own price of a model call that carries its cost (`costSource: 'span'`), to show beside it. */
  computedCostUsd?: number | null;
  /**
   * A runtime's own bookkeeping span (Rust `tracing` spans with `busy_ns`/`idle_ns`, per-event stream
   * handlers): kept, but a view may fold it under the nearest span that is not.
   */
  runtime?: boolean;
  agentName?: string;
  sessionId?: string;
  userId?: string;
  toolName?: string;
  toolCallId?: string;
  /** Normalized: `stop`, `length`, `tool_calls`, `content_filter`, or the reported value lower-cased. */
  finishReason?: string;
  streaming?: boolean;
  timeToFirstTokenMs?: number;
  httpStatus?: number;
  status: SpanStatus;
  statusMessage?: string;
  error?: SpanError;
  code?: CodeLocation;
  service: string;
}

export interface SpanContext {
  resource: Resource | undefined;
  scope: InstrumentationScope | undefined;
}

export type SpanDetail = Pick<Span, 'messages' | 'tool'>;
export type { StoredLog, StoredSpan, Message };
