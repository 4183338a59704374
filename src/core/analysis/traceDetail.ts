import type { SpanContext, SpanDetail, SpanFacts } from '../genai/spanFacts';
import { spanDetail } from '../genai/spanDetail';
import type { StoredLog, StoredSpan, StoredTrace } from '../../model/storedTrace';
import type { Attributes, OtelSpanKind, Span, SpanEvaluation, SpanRollup, TraceDetail, TraceSummary } from '../../model/traceTypes';
import { AttributeMap } from '../genai/attributeMap';
import { anyValueToJson, attributesToObject, nanosToMs } from '../otlp/values';
import type { ModelCallCounting } from './modelCalls';
import { analyzeTrace, type TraceAnalysis } from './traceAnalysis';

const OTEL_KINDS: readonly OtelSpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/**
 * Log records by the span they belong to: their span id, or, for an evaluation result sent without
 * one, the span whose `gen_ai.response.id` it names.
 */
function logsBySpan(trace: StoredTrace): Map<string, StoredLog[]> {
  const out = new Map<string, StoredLog[]>();
  let spanByResponse: Map<string, string> | undefined;
  for (const log of trace.logs) {
    let spanId = log.spanId;
    if (!spanId) {
      const responseId = log.attributes.find((kv) => kv.key === 'gen_ai.response.id')?.value.stringValue;
      if (!responseId) continue;
      spanByResponse ??= spansByResponseId(trace);
      spanId = spanByResponse.get(responseId);
      if (!spanId) continue;
    }
    const list = out.get(spanId);
    if (list) list.push(log);
    else out.set(spanId, [log]);
  }
  return out;
}

function spansByResponseId(trace: StoredTrace): Map<string, string> {
  const out = new Map<string, string>();
  for (const span of trace.spans) {
    const id = span.attributes.find((kv) => kv.key === 'gen_ai.response.id')?.value.stringValue;
    if (id) out.set(id, span.spanId);
  }
  return out;
}

/** One span in its normalized form, messages and tool payloads read now. */
export function buildSpan(trace: StoredTrace, facts: readonly SpanFacts[], analysis: TraceAnalysis, i: number): Span {
  const { counting, rollups } = analysis;
  const stored = trace.spans[i];
  const f = facts[i];
  const resource = trace.resources[stored.resourceIndex];
  const context = { resource, scope: trace.scopes[stored.scopeIndex] };
  const spanLogs = logsBySpan(trace).get(stored.spanId) ?? [];
  const detail = spanDetail(stored, spanLogs, context);
  return toSpan(stored, f, counting, i, detail, spanLogs, context, resource ? attributesToObject(resource.attributes) : {}, rollups[i]);
}

/** The full normalized view of one trace, spans in display order. */
export function buildTraceDetail(
  trace: StoredTrace,
  facts: readonly SpanFacts[],
  summary: TraceSummary,
  analysis: TraceAnalysis = analyzeTrace(trace, facts),
): TraceDetail {
  const { tree, counting, rollups } = analysis;
  const logs = logsBySpan(trace);
  const resources = trace.resources.map((r) => attributesToObject(r.attributes));
  const spans: Span[] = tree.order.map((i) => {
    const stored = trace.spans[i];
    const context = { resource: trace.resources[stored.resourceIndex], scope: trace.scopes[stored.scopeIndex] };
    const spanLogs = logs.get(stored.spanId) ?? [];
    const detail = spanDetail(stored, spanLogs, context);
    return toSpan(stored, facts[i], counting, i, detail, spanLogs, context, resources[stored.resourceIndex] ?? {}, rollups[i]);
  });
  return {
    traceId: trace.traceId,
    summary,
    spans,
    totals: { tokens: summary.tokens, costUsd: summary.costUsd, unpricedCalls: summary.unpricedCalls },
  };
}

/** `gen_ai.evaluation.result` log events parented to the span, read as scores. */
function evaluationsOf(logs: readonly StoredLog[]): { evaluations?: SpanEvaluation[] } {
  const evaluations: SpanEvaluation[] = [];
  for (const log of logs) {
    const attrs = new AttributeMap(log.attributes);
    const eventName = log.eventName || attrs.string('event.name');
    if (eventName !== 'gen_ai.evaluation.result') continue;
    const name = attrs.string('gen_ai.evaluation.name');
    if (!name) continue;
    const evaluation: SpanEvaluation = { name };
    const score = attrs.number('gen_ai.evaluation.score.value');
    if (score !== undefined) evaluation.score = score;
    const label = attrs.string('gen_ai.evaluation.score.label');
    if (label) evaluation.label = label;
    const explanation = attrs.string('gen_ai.evaluation.explanation');
    if (explanation) evaluation.explanation = explanation;
    evaluations.push(evaluation);
  }
  return evaluations.length > 0 ? { evaluations } : {};
}

function toSpan(
  stored: StoredSpan,
  f: SpanFacts,
  counting: ModelCallCounting,
  i: number,
  detail: SpanDetail,
  spanLogs: readonly StoredLog[],
  context: SpanContext,
  resource: Attributes,
  rollup: SpanRollup,
): Span {
  const startTime = nanosToMs(stored.startTimeUnixNano);
  const endTime = Math.max(startTime, nanosToMs(stored.endTimeUnixNano));
  return {
    traceId: stored.traceId,
    spanId: stored.spanId,
    parentSpanId: stored.parentSpanId,
    name: stored.name,
    kind: f.kind,
    otelKind: OTEL_KINDS[stored.kind] ?? 'unspecified',
    status: f.status,
    statusMessage: f.statusMessage,
    startTime,
    endTime,
    durationMs: endTime - startTime,
    service: f.service,
    model: f.model,
    requestModel: f.requestModel,
    responseModel: f.responseModel,
    provider: f.provider,
    operation: f.operation,
    aggregate: f.aggregate || counting.aggregate[i] === 1,
    tokens: f.tokens,
    costUsd: f.costUsd,
    costSource: f.costSource,
    ...(f.computedCostUsd !== undefined && { computedCostUsd: f.computedCostUsd }),
    ...(f.runtime && { runtime: true }),
    ...evaluationsOf(spanLogs),
    messages: detail.messages,
    tool: detail.tool,
    toolName: f.toolName,
    finishReason: f.finishReason,
    streaming: f.streaming,
    timeToFirstTokenMs: f.timeToFirstTokenMs,
    httpStatus: f.httpStatus,
    usageReported: f.usageReported,
    agentName: f.agentName ?? counting.agentOf[i],
    sessionId: f.sessionId ?? counting.sessionOf[i],
    userId: f.userId,
    code: f.code,
    error: f.error,
    scope: context.scope ? { name: context.scope.name, version: context.scope.version } : undefined,
    attributes: attributesToObject(stored.attributes),
    events: stored.events.map((e) => ({
      time: nanosToMs(e.timeUnixNano),
      name: e.name,
      attributes: attributesToObject(e.attributes),
    })),
    links: stored.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: attributesToObject(l.attributes) })),
    logs: spanLogs.map((log) => ({
      time: nanosToMs(log.timeUnixNano || log.observedTimeUnixNano),
      severityNumber: log.severityNumber,
      severityText: log.severityText,
      eventName: log.eventName,
      body: log.body === undefined ? undefined : anyValueToJson(log.body),
      attributes: attributesToObject(log.attributes),
    })),
    resource,
    rollup,
  };
}
