import type { SpanContext, SpanDetail, SpanFacts } from '../genai/spanFacts';
import { spanDetail } from '../genai/spanDetail';
import type { StoredLog, StoredSpan, StoredTrace } from '../../model/storedTrace';
import type { Attributes, OtelSpanKind, Span, SpanRollup, TraceDetail, TraceSummary } from '../../model/traceTypes';
import { anyValueToJson, attributesToObject, nanosToMs } from '../otlp/values';
import type { ModelCallCounting } from './modelCalls';
import { analyzeTrace, type TraceAnalysis } from './traceAnalysis';

const OTEL_KINDS: readonly OtelSpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

function logsBySpan(logs: readonly StoredLog[]): Map<string, StoredLog[]> {
  const out = new Map<string, StoredLog[]>();
  for (const log of logs) {
    if (!log.spanId) continue;
    const list = out.get(log.spanId);
    if (list) list.push(log);
    else out.set(log.spanId, [log]);
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
  const spanLogs = trace.logs.filter((log) => log.spanId === stored.spanId);
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
  const logs = logsBySpan(trace.logs);
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
