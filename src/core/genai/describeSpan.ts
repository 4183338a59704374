import type { SpanContext, SpanFacts } from './spanFacts';
import type { StoredSpan } from '../store/storedTrace';
import type { PriceBook } from './pricing';
import type { SpanStatus, TokenCounts } from '../../protocol/model';

export const NO_TOKENS: Readonly<TokenCounts> = Object.freeze({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  reasoning: 0,
  total: 0,
});

function statusOf(code: number): SpanStatus {
  return code === 2 ? 'error' : code === 1 ? 'ok' : 'unset';
}

function serviceName(context: SpanContext): string {
  const attr = context.resource?.attributes.find((kv) => kv.key === 'service.name');
  return attr?.value.stringValue ?? 'unknown_service';
}

/** Reads the GenAI facts of one span, whichever convention produced it. */
export function describeSpan(span: StoredSpan, context: SpanContext, _pricing: PriceBook): SpanFacts {
  return {
    kind: 'other',
    aggregate: false,
    tokens: { ...NO_TOKENS },
    costUsd: null,
    costSource: 'none',
    status: statusOf(span.status.code),
    statusMessage: span.status.message,
    service: serviceName(context),
  };
}
