import type { SpanFacts } from '../genai/spanFacts';
import type { StoredTrace } from '../store/storedTrace';
import type { TokenCounts, TraceSummary } from '../../protocol/model';
import { nanosToMs } from '../otlp/values';

export function emptyTokens(): TokenCounts {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 0 };
}

export function addTokens(into: TokenCounts, add: TokenCounts): void {
  into.input += add.input;
  into.output += add.output;
  into.cacheRead += add.cacheRead;
  into.cacheWrite += add.cacheWrite;
  into.reasoning += add.reasoning;
  into.total += add.total;
}

/** A model call whose usage counts toward totals: aggregates repeat their children's usage. */
export function isCountedModelCall(facts: SpanFacts): boolean {
  return (facts.kind === 'llm' || facts.kind === 'embedding') && !facts.aggregate;
}

/** Summarizes a trace; `facts[i]` describes `trace.spans[i]`. Every model call is counted once. */
export function summarizeTrace(trace: StoredTrace, facts: readonly SpanFacts[]): TraceSummary {
  const spans = trace.spans;
  const ids = new Set<string>();
  for (const span of spans) ids.add(span.spanId);

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

  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    const f = facts[i];
    const s = nanosToMs(span.startTimeUnixNano);
    const e = Math.max(s, nanosToMs(span.endTimeUnixNano));
    if (s < start) start = s;
    if (e > end) end = e;
    const hasParent = span.parentSpanId !== undefined && ids.has(span.parentSpanId);
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
    if (f.model) models.add(f.model);
    services.add(f.service);
    if (f.sessionId) sessions.add(f.sessionId);
    if (f.userId) users.add(f.userId);
    if (isCountedModelCall(f)) {
      llmCalls++;
      addTokens(tokens, f.tokens);
      if (f.costUsd === null) unpricedCalls++;
      else costUsd += f.costUsd;
    }
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
  };
}
