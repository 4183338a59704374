import type { SpanContext, SpanFacts } from './spanFacts';
import type { StoredSpan } from '../../model/storedTrace';
import type { Resource } from '../../model/otlpTypes';
import type { CostSource, TokenCounts } from '../../model/traceTypes';
import { nanosToMs } from '../otlp/values';
import { AttributeMap, valueString } from './attributeMap';
import { classifySpan } from './classifySpan';
import { readModel } from './readModel';
import { readTokens } from './readTokens';
import { costOnSpan } from './spanCost';
import { readIdentity } from './readIdentity';
import { readCallDetails } from './readCallDetails';
import { readError } from './readError';
import { readCodeLocation } from './readCodeLocation';
import type { PriceBook } from './pricing';

export const NO_TOKENS: Readonly<TokenCounts> = Object.freeze({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  reasoning: 0,
  total: 0,
});

const serviceNames = new WeakMap<Resource, string>();

function serviceName(context: SpanContext): string {
  const resource = context.resource;
  if (!resource) return 'unknown_service';
  let name = serviceNames.get(resource);
  if (name === undefined) {
    const attr = resource.attributes?.find((kv) => kv.key === 'service.name');
    name = (attr && valueString(attr.value)) || 'unknown_service';
    serviceNames.set(resource, name);
  }
  return name;
}

/** Reads the GenAI facts of one span, whichever convention produced it. Runs once per span at ingest. */
export function describeSpan(span: StoredSpan, context: SpanContext, pricing: PriceBook): SpanFacts {
  const attrs = new AttributeMap(Array.isArray(span.attributes) ? span.attributes : []);
  const events = Array.isArray(span.events) ? span.events : [];
  const name = typeof span.name === 'string' ? span.name : '';
  const cls = classifySpan(attrs, name);
  const model = readModel(attrs);
  const reported = readTokens(attrs);
  const tokens = reported ?? { ...NO_TOKENS };
  const identity = readIdentity(attrs, cls.kind, name);
  const call = readCallDetails(attrs, cls.kind, cls.operation, name);
  const errors = readError(span.status, attrs, events);

  let costUsd: number | null = null;
  let costSource: CostSource = 'none';
  let computedCostUsd: number | null | undefined;
  const carried = costOnSpan(attrs);
  const isCall = cls.kind === 'llm' || cls.kind === 'embedding';
  if (carried !== undefined) {
    costUsd = carried;
    costSource = 'span';
    // The carried cost wins; Loupe's own price stays visible beside it.
    if (isCall && tokens.input + tokens.output > 0) {
      computedCostUsd = pricing.priceCall(
        tokens,
        [model.responseModel, model.requestModel, model.model],
        model.provider,
        nanosToMs(span.startTimeUnixNano),
      ).costUsd;
    }
  } else if (isCall) {
    if (tokens.input + tokens.output > 0) {
      const price = pricing.priceCall(
        tokens,
        [model.responseModel, model.requestModel, model.model],
        model.provider,
        nanosToMs(span.startTimeUnixNano),
      );
      costUsd = price.costUsd;
      costSource = price.source;
    } else if (errors.status === 'error' && tokens.total === 0) {
      costUsd = 0;
    } else {
      costSource = 'unknown';
    }
  }

  const facts: SpanFacts = {
    kind: cls.kind,
    aggregate: cls.aggregate,
    operation: cls.operation,
    model: model.model,
    requestModel: model.requestModel,
    responseModel: model.responseModel,
    provider: model.provider,
    tokens,
    usageReported: reported !== undefined,
    costUsd,
    costSource,
    agentName: identity.agentName,
    sessionId: identity.sessionId,
    userId: identity.userId,
    toolName: call.toolName,
    toolCallId: call.toolCallId,
    finishReason: call.finishReason,
    streaming: call.streaming,
    timeToFirstTokenMs: call.timeToFirstTokenMs,
    httpStatus: errors.httpStatus,
    status: errors.status,
    statusMessage: errors.statusMessage,
    error: errors.error,
    code: readCodeLocation(attrs, events),
    service: serviceName(context),
  };
  if (computedCostUsd !== undefined) facts.computedCostUsd = computedCostUsd;
  if (isRuntimeSpan(attrs)) facts.runtime = true;
  return facts;
}

/** Rust `tracing` spans exported by `tracing-opentelemetry` carry their scheduler times (Codex). */
export function isRuntimeSpan(attrs: AttributeMap): boolean {
  return attrs.has('busy_ns') && attrs.has('idle_ns');
}
