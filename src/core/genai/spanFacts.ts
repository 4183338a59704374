import type { InstrumentationScope, Resource } from '../otlp/model';
import type { StoredLog, StoredSpan } from '../store/storedTrace';
import type {
  CodeLocation,
  CostSource,
  Message,
  Span,
  SpanError,
  SpanKind,
  SpanStatus,
  TokenCounts,
} from '../../protocol/model';

/**
 * What Loupe understands about one span, computed once at ingest and kept in memory beside it.
 * Only small scalar facts live here; messages and tool payloads are read on demand (`spanDetail`)
 * so memory stays close to the size of the stored spans.
 */
export interface SpanFacts {
  kind: SpanKind;
  /** Carries the sum of model calls below it; not counted again in totals. */
  aggregate: boolean;
  operation?: string;
  model?: string;
  requestModel?: string;
  responseModel?: string;
  provider?: string;
  tokens: TokenCounts;
  costUsd: number | null;
  costSource: CostSource;
  agentName?: string;
  sessionId?: string;
  userId?: string;
  toolName?: string;
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
