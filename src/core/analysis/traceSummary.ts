import type { SpanFacts } from '../genai/spanFacts';
import type { StoredTrace } from '../../model/storedTrace';
import type { TraceSummary, UsageTotals } from '../../model/traceTypes';
import { nanosToMs } from '../otlp/values';
import { readAgentLogEvent } from '../sessions/agentLogEvents';
import { countModelCalls, isModelCall } from './modelCalls';
import { addTokens, emptyTokens, UsageTable } from './usageTotals';

export { addTokens, emptyTokens } from './usageTotals';

function addSpan(row: UsageTotals, f: SpanFacts, usage: boolean, call: boolean, unpriced: boolean): void {
  row.spanCount++;
  if (f.status === 'error') row.errorCount++;
  if (call) row.calls++;
  if (unpriced) row.unpricedCalls++;
  if (usage) {
    addTokens(row.tokens, f.tokens);
    if (f.costUsd !== null) row.costUsd += f.costUsd;
  }
}

/** Summarizes a trace; `facts[i]` describes `trace.spans[i]`. Every model call is counted once. O(n). */
export function summarizeTrace(trace: StoredTrace, facts: readonly SpanFacts[]): TraceSummary {
  const spans = trace.spans;
  const counting = countModelCalls(spans, facts);
  const { parent, countsUsage, countsCall, unpriced, agentOf, sessionOf } = counting;

  let start = Infinity;
  let end = -Infinity;
  let root = -1;
  let errorCount = 0;
  let orphanCount = 0;
  let costUsd = 0;
  let unpricedCalls = 0;
  let llmCalls = 0;
  const tokens = emptyTokens();
  const agents = new Set<string>();
  const models = new Set<string>();
  const services = new Set<string>();
  const sessions = new Set<string>();
  const users = new Set<string>();
  const byModel = new UsageTable();
  const byAgent = new UsageTable();
  const bySession = new UsageTable();

  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    const f = facts[i];
    const s = nanosToMs(span.startTimeUnixNano);
    const e = Math.max(s, nanosToMs(span.endTimeUnixNano));
    if (s < start) start = s;
    if (e > end) end = e;
    const hasParent = parent[i] !== -1;
    if (span.parentSpanId && !hasParent) orphanCount++;
    // The trace is named after its true root; failing that, the earliest span without a parent here.
    if (!hasParent) {
      const better =
        root === -1 ||
        (!span.parentSpanId && spans[root].parentSpanId) ||
        (!span.parentSpanId === !spans[root].parentSpanId && s < nanosToMs(spans[root].startTimeUnixNano));
      if (better) root = i;
    }
    if (f.status === 'error') errorCount++;
    if (f.agentName) agents.add(f.agentName);
    if (f.model && isModelCall(f)) models.add(f.model);
    services.add(f.service);
    if (f.sessionId) sessions.add(f.sessionId);
    if (f.userId) users.add(f.userId);

    const usage = countsUsage[i] === 1;
    const call = countsCall[i] === 1;
    const noPrice = unpriced[i] === 1;
    if (call) llmCalls++;
    if (noPrice) unpricedCalls++;
    if (usage) {
      addTokens(tokens, f.tokens);
      if (f.costUsd !== null) costUsd += f.costUsd;
    }
    if (f.model && (usage || call)) addSpan(byModel.row(f.model), f, usage, call, noPrice);
    const agent = agentOf[i];
    if (agent !== undefined) addSpan(byAgent.row(agent), f, usage, call, noPrice);
    const session = sessionOf[i];
    if (session !== undefined) addSpan(bySession.row(session), f, usage, call, noPrice);
  }

  // Agent log records inside the trace name sessions too: a sessions query reads only traces that name one.
  for (const log of trace.logs) {
    const event = readAgentLogEvent(log, trace.resources[log.resourceIndex]?.attributes);
    if (event) sessions.add(event.sessionId);
  }

  const rootFacts = root >= 0 ? facts[root] : undefined;
  return {
    traceId: trace.traceId,
    name: root >= 0 ? spans[root].name : '(no spans yet)',
    service: rootFacts?.service ?? 'unknown_service',
    startTime: spans.length ? start : trace.receivedAt,
    durationMs: spans.length ? end - start : 0,
    updatedTime: trace.updatedAt,
    spanCount: spans.length,
    errorCount,
    tokens,
    costUsd,
    unpricedCalls,
    llmCalls,
    agents: [...agents],
    models: [...models],
    services: [...services],
    sessions: [...sessions],
    users: [...users],
    orphanCount,
    droppedSpans: trace.droppedSpans,
    byModel: byModel.sorted(),
    byAgent: byAgent.sorted(),
    bySession: bySession.sorted(),
  };
}
