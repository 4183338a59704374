import type { SpanFacts } from '../genai/spanFacts';
import { spanDetail } from '../genai/spanDetail';
import type { StoredLog, StoredTrace } from '../store/storedTrace';
import type { OtelSpanKind, Span, SpanRollup, TraceDetail, TraceSummary } from '../../protocol/model';
import { anyValueToJson, attributesToObject, nanosToMs } from '../otlp/values';
import { buildSpanTree, type SpanTree } from './spanTree';
import { countModelCalls, type ModelCallCounting } from './modelCalls';
import { addTokens, emptyTokens } from './usageTotals';

const OTEL_KINDS: readonly OtelSpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

function addRollup(into: SpanRollup, add: SpanRollup): void {
  into.spanCount += add.spanCount;
  addTokens(into.tokens, add.tokens);
  into.costUsd += add.costUsd;
  into.unpricedCalls += add.unpricedCalls;
  into.errorCount += add.errorCount;
  into.modelCalls = (into.modelCalls ?? 0) + (add.modelCalls ?? 0);
}

/**
 * Subtree totals for every span, computed bottom-up in one pass over the display order: duration,
 * self time (time no child covers), tokens and cost of model calls counted once, errors.
 */
export function computeRollups(
  trace: StoredTrace,
  facts: readonly SpanFacts[],
  tree: SpanTree,
  counting: ModelCallCounting = countModelCalls(trace.spans, facts, tree.parent),
): SpanRollup[] {
  const spans = trace.spans;
  const rollups: SpanRollup[] = spans.map((span, i) => {
    const f = facts[i];
    const start = nanosToMs(span.startTimeUnixNano);
    const duration = Math.max(0, nanosToMs(span.endTimeUnixNano) - start);
    const usage = counting.countsUsage[i] === 1;
    return {
      spanCount: 1,
      durationMs: duration,
      selfTimeMs: duration,
      tokens: usage ? { ...f.tokens } : emptyTokens(),
      costUsd: usage && f.costUsd !== null ? f.costUsd : 0,
      unpricedCalls: counting.unpriced[i],
      errorCount: f.status === 'error' ? 1 : 0,
      modelCalls: counting.countsCall[i],
    };
  });
  for (let k = tree.order.length - 1; k >= 0; k--) {
    const i = tree.order[k];
    const kids = tree.children[i];
    if (kids.length === 0) continue;
    const r = rollups[i];
    const start = nanosToMs(spans[i].startTimeUnixNano);
    const end = start + r.durationMs;
    // Self time: the parent's interval minus the union of its children's intervals (clipped to it).
    let covered = 0;
    let runStart = -Infinity;
    let runEnd = -Infinity;
    for (const c of kids) {
      const cs = Math.max(start, nanosToMs(spans[c].startTimeUnixNano));
      const ce = Math.min(end, nanosToMs(spans[c].endTimeUnixNano));
      if (ce <= cs) continue;
      if (cs > runEnd) {
        if (runEnd > runStart) covered += runEnd - runStart;
        runStart = cs;
        runEnd = ce;
      } else if (ce > runEnd) runEnd = ce;
      addRollup(r, rollups[c]);
    }
    if (runEnd > runStart) covered += runEnd - runStart;
    // Children that do not overlap the parent still count toward subtree totals.
    for (const c of kids) {
      const cs = Math.max(start, nanosToMs(spans[c].startTimeUnixNano));
      const ce = Math.min(end, nanosToMs(spans[c].endTimeUnixNano));
      if (ce > cs) continue;
      addRollup(r, rollups[c]);
    }
    r.selfTimeMs = Math.max(0, r.durationMs - covered);
  }
  return rollups;
}

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

/** The full normalized view of one trace, spans in display order. */
export function buildTraceDetail(trace: StoredTrace, facts: readonly SpanFacts[], summary: TraceSummary): TraceDetail {
  const tree = buildSpanTree(trace.spans);
  const counting = countModelCalls(trace.spans, facts, tree.parent);
  const rollups = computeRollups(trace, facts, tree, counting);
  const logs = logsBySpan(trace.logs);
  const resources = trace.resources.map((r) => attributesToObject(r.attributes));
  const spans: Span[] = tree.order.map((i) => {
    const stored = trace.spans[i];
    const f = facts[i];
    const context = { resource: trace.resources[stored.resourceIndex], scope: trace.scopes[stored.scopeIndex] };
    const spanLogs = logs.get(stored.spanId) ?? [];
    const detail = spanDetail(stored, spanLogs, context);
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
      resource: resources[stored.resourceIndex] ?? {},
      rollup: rollups[i],
    };
  });
  return {
    traceId: trace.traceId,
    summary,
    spans,
    totals: { tokens: summary.tokens, costUsd: summary.costUsd, unpricedCalls: summary.unpricedCalls },
  };
}
