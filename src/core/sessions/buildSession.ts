import type { SessionDetail, SessionModelCall, SessionSummary, SessionToolCall, SessionTurn } from '../../model/sessionTypes';
import type { TokenCounts } from '../../model/traceTypes';
import { addTokens, emptyTokens } from '../analysis/usageTotals';
import type { MetricUsage } from '../engine/metricStore';
import type { AgentLogEvent, ModelCallEvent, ToolCallEvent } from './agentLogEvents';
import { spanRecords, type SpanRecords, type TraceSource } from './spanRecords';

export interface SessionSources {
  sessionId: string;
  /** Traces that may hold spans of the session (those that do not are ignored). */
  traces: readonly TraceSource[];
  /** What a trace's spans tell about the session; the engine passes a memo of `spanRecords`. */
  recordsOf?: (trace: TraceSource, sessionId: string) => SpanRecords;
  /** The session's agent log events, from its traces' logs and from logs without trace context. */
  events: readonly AgentLogEvent[];
  metrics?: MetricUsage;
  /** Loupe's price of a call only a log event reports (null when the model's price is unknown). */
  price?: (tokens: TokenCounts, model: string | undefined, timeMs: number) => number | null;
}

type SpanCall = SpanRecords['calls'][number];

/**
 * Builds a session: spans first; the agent's log events complete them (cache tokens the span does
 * not carry, the agent's own cost) or stand in where no span reports a model or tool call (Codex);
 * metrics stand in for token totals only when neither spans nor log events report any. Each model
 * call is counted once: a log event is matched to the span of the same call (by request id, span
 * id, or, when both tell the same number of calls, by order) rather than added beside it.
 */
export function buildSession(sources: SessionSources): SessionDetail | undefined {
  const { sessionId } = sources;
  const traceIds: string[] = [];
  const spanCalls: SpanCall[] = [];
  const spanTools: SessionToolCall[] = [];
  const spanPrompts: { time: number; text: string }[] = [];
  const turnUsage: SpanRecords['turnUsage'] = [];
  let callPrompt: { time: number; text: string } | undefined;
  const errors: { time: number; message: string }[] = [];
  const services: string[] = [];
  const agents: string[] = [];
  let start = Infinity;
  let end = -Infinity;
  for (const trace of sources.traces) {
    const records = (sources.recordsOf ?? spanRecords)(trace, sessionId);
    if (!records.touched) continue;
    traceIds.push(trace.stored.traceId);
    spanCalls.push(...records.calls);
    spanTools.push(...records.tools);
    spanPrompts.push(...records.prompts);
    turnUsage.push(...records.turnUsage);
    if (records.callPrompt && (!callPrompt || records.callPrompt.time < callPrompt.time)) callPrompt = records.callPrompt;
    errors.push(...records.errors);
    for (const s of records.services) if (!services.includes(s)) services.push(s);
    for (const a of records.agents) if (!agents.includes(a)) agents.push(a);
    start = Math.min(start, records.start);
    end = Math.max(end, records.end);
  }

  const logCalls: ModelCallEvent[] = [];
  const logTools: ToolCallEvent[] = [];
  const logPrompts: { time: number; text: string }[] = [];
  const logServices: string[] = [];
  const seen = new Set<string>();
  for (const event of sources.events) {
    if (event.sessionId !== sessionId) continue;
    // An export sent twice (a retry) repeats its records; each event counts once.
    const key = JSON.stringify(event);
    if (seen.has(key)) continue;
    seen.add(key);
    if (event.service && !logServices.includes(event.service)) logServices.push(event.service);
    start = Math.min(start, event.time);
    end = Math.max(end, event.time + ('durationMs' in event && event.durationMs ? event.durationMs : 0));
    if (event.traceId && !traceIds.includes(event.traceId) && sources.traces.some((t) => t.stored.traceId === event.traceId)) {
      traceIds.push(event.traceId);
    }
    if (event.type === 'model_call') logCalls.push(event);
    else if (event.type === 'tool_call') logTools.push(event);
    else logPrompts.push({ time: event.time, text: event.text });
  }
  for (const s of logServices) if (!services.includes(s)) services.push(s);

  const calls = mergeModelCalls(spanCalls, logCalls);
  if (sources.price) {
    for (const call of calls)
      if (call.source === 'log' && !call.error) call.computedCostUsd = sources.price(call.tokens, call.model, call.time);
  }
  const tools = mergeToolCalls(spanTools, logTools);
  for (const tool of tools) if (tool.source === 'log' && tool.error) errors.push({ time: tool.time, message: tool.error });
  for (const call of calls) if (call.source === 'log' && call.error) errors.push({ time: call.time, message: call.error });
  // The agent's own record of the prompt first; failing that, what the first model call was asked.
  const prompts = uniquePrompts(logPrompts.length > 0 ? logPrompts : spanPrompts.length > 0 ? spanPrompts : callPrompt ? [callPrompt] : []);
  if (calls.length === 0 && tools.length === 0 && prompts.length === 0 && turnUsage.length === 0 && !sources.metrics) return undefined;
  if (sources.metrics) {
    start = Math.min(start, sources.metrics.firstMs);
    end = Math.max(end, sources.metrics.lastMs);
    if (!services.includes(sources.metrics.service)) services.push(sources.metrics.service);
  }

  const turns = splitIntoTurns(prompts, calls, tools, errors);
  const tokens = emptyTokens();
  let computedCostUsd = 0;
  let agentCostUsd: number | undefined;
  for (const call of calls) {
    addTokens(tokens, call.tokens);
    computedCostUsd += call.computedCostUsd ?? 0;
    if (call.agentCostUsd !== undefined) agentCostUsd = (agentCostUsd ?? 0) + call.agentCostUsd;
  }
  let usageSource: SessionSummary['usageSource'] =
    tokens.total > 0 ? (calls.some((c) => c.source === 'span' && c.tokens.total > 0) ? 'spans' : 'logs') : 'none';
  if (tokens.total === 0 && turnUsage.length > 0) {
    for (const usage of turnUsage) addTokens(tokens, usage.tokens);
    if (tokens.total > 0) usageSource = 'spans';
  }
  if (tokens.total === 0 && sources.metrics && sources.metrics.tokens.total > 0) {
    Object.assign(tokens, sources.metrics.tokens);
    usageSource = 'metrics';
  }
  if (agentCostUsd === undefined && sources.metrics?.costUsd !== undefined) agentCostUsd = sources.metrics.costUsd;

  const service = services[0] ?? 'unknown_service';
  const detail: SessionDetail = {
    sessionId,
    service,
    agent: agents[0] ?? service,
    startTime: Number.isFinite(start) ? start : 0,
    endTime: Number.isFinite(end) ? end : 0,
    traceIds,
    llmCalls: calls.length,
    toolCalls: tools.length,
    tokens,
    costUsd: agentCostUsd ?? computedCostUsd,
    computedCostUsd,
    unpricedCalls: calls.filter((c) => c.computedCostUsd === null).length,
    errorCount: errors.length,
    usageSource,
    turns,
  };
  if (agentCostUsd !== undefined) detail.agentCostUsd = agentCostUsd;
  return detail;
}

/** The summary of a built session (`turns` as a count). */
export function summarizeSession(detail: SessionDetail): SessionSummary {
  const { turns, ...rest } = detail;
  return { ...rest, turns: turns.length };
}

function mergeModelCalls(spanCalls: SpanCall[], logCalls: ModelCallEvent[]): SessionModelCall[] {
  const logs = [...logCalls].sort((a, b) => a.time - b.time);
  if (spanCalls.length === 0) return logs.map(logCall);
  const spans = [...spanCalls].sort((a, b) => a.time - b.time);
  const matched = new Map<SpanCall, ModelCallEvent>();
  const unmatchedLogs: ModelCallEvent[] = [];
  for (const log of logs) {
    const span = spans.find(
      (s) =>
        !matched.has(s) &&
        ((log.requestId !== undefined && s.responseId === log.requestId) || (log.spanId !== undefined && s.spanId === log.spanId)),
    );
    if (span) matched.set(span, log);
    else unmatchedLogs.push(log);
  }
  const unmatchedSpans = spans.filter((s) => !matched.has(s));
  if (unmatchedSpans.length === unmatchedLogs.length) {
    unmatchedSpans.forEach((span, index) => matched.set(span, unmatchedLogs[index]));
    unmatchedLogs.length = 0;
  }
  const out: SessionModelCall[] = spans.map((span) => {
    // Copies: span records are kept between requests, and the log events complete the copy.
    const { responseId: _responseId, ...rest } = span;
    const call: SessionModelCall = { ...rest, tokens: { ...span.tokens } };
    const log = matched.get(span);
    if (log) completeFromLog(call, log);
    return call;
  });
  // Calls only log events tell (more than the spans show): kept, never added to a span's.
  for (const log of unmatchedLogs) out.push(logCall(log));
  return out.sort((a, b) => a.time - b.time);
}

/** Fills what the span lacks from the log event of the same call; the span's own counts stay. */
function completeFromLog(call: SessionModelCall, log: ModelCallEvent): void {
  const t = call.tokens;
  if (t.total === 0 && t.input === 0 && t.output === 0) {
    call.tokens = { ...log.tokens };
  } else {
    if (t.cacheRead === 0) t.cacheRead = log.tokens.cacheRead;
    if (t.cacheWrite === 0 && log.tokens.cacheWrite > 0) {
      t.cacheWrite = log.tokens.cacheWrite;
    }
    if (t.reasoning === 0) t.reasoning = log.tokens.reasoning;
  }
  if (log.costUsd !== undefined) call.agentCostUsd = log.costUsd;
  if (!call.model && log.model) call.model = log.model;
  if (!call.error && log.error) call.error = log.error;
}

function logCall(log: ModelCallEvent): SessionModelCall {
  // A model-call event is stamped when the response completed; the call started its duration earlier.
  const call: SessionModelCall = {
    time: log.time - (log.durationMs ?? 0),
    tokens: { ...log.tokens },
    computedCostUsd: null,
    source: 'log',
  };
  if (log.durationMs !== undefined) call.durationMs = log.durationMs;
  if (log.model) call.model = log.model;
  if (log.costUsd !== undefined) call.agentCostUsd = log.costUsd;
  if (log.traceId) call.traceId = log.traceId;
  if (log.spanId) call.spanId = log.spanId;
  if (log.error) call.error = log.error;
  return call;
}

function mergeToolCalls(recorded: SessionToolCall[], logTools: ToolCallEvent[]): SessionToolCall[] {
  const spanTools = recorded.map((tool) => ({ ...tool }));
  if (spanTools.length === 0) return logTools.map(logTool).sort((a, b) => a.time - b.time);
  for (const tool of spanTools) {
    const log = tool.callId === undefined ? undefined : logTools.find((l) => l.callId === tool.callId);
    if (!log) continue;
    if (tool.arguments === undefined && log.arguments !== undefined) tool.arguments = log.arguments;
    if (tool.result === undefined && log.result !== undefined) tool.result = log.result;
    if (!tool.error && log.error) tool.error = log.error;
  }
  return [...spanTools].sort((a, b) => a.time - b.time);
}

function logTool(log: ToolCallEvent): SessionToolCall {
  // A tool event is stamped when the tool finished; the call started its duration earlier.
  const tool: SessionToolCall = { time: log.time - (log.durationMs ?? 0), name: log.name, source: 'log' };
  if (log.durationMs !== undefined) tool.durationMs = log.durationMs;
  if (log.callId) tool.callId = log.callId;
  if (log.arguments !== undefined) tool.arguments = log.arguments;
  if (log.result !== undefined) tool.result = log.result;
  if (log.traceId) tool.traceId = log.traceId;
  if (log.spanId) tool.spanId = log.spanId;
  if (log.error) tool.error = log.error;
  return tool;
}

function uniquePrompts(prompts: { time: number; text: string }[]): { time: number; text: string }[] {
  const sorted = [...prompts].sort((a, b) => a.time - b.time);
  return sorted.filter((p, i) => i === 0 || p.text !== sorted[i - 1].text);
}

/** A turn starts at each prompt; what happened before the first prompt belongs to the first turn. */
function splitIntoTurns(
  prompts: { time: number; text: string }[],
  calls: SessionModelCall[],
  tools: SessionToolCall[],
  errors: { time: number; message: string }[],
): SessionTurn[] {
  const count = Math.max(1, prompts.length);
  const turns: SessionTurn[] = Array.from({ length: count }, (_, index) => {
    const turn: SessionTurn = {
      index,
      startTime: prompts[index]?.time ?? Infinity,
      endTime: prompts[index]?.time ?? -Infinity,
      traceIds: [],
      llmCalls: [],
      toolCalls: [],
      tokens: emptyTokens(),
      costUsd: 0,
      errors: [],
    };
    if (prompts[index]) turn.prompt = prompts[index].text;
    return turn;
  });
  const turnAt = (time: number): SessionTurn => {
    let k = 0;
    while (k + 1 < prompts.length && prompts[k + 1].time <= time) k++;
    return turns[k];
  };
  const widen = (turn: SessionTurn, time: number, durationMs = 0, traceId?: string) => {
    turn.startTime = Math.min(turn.startTime, time);
    turn.endTime = Math.max(turn.endTime, time + durationMs);
    if (traceId && !turn.traceIds.includes(traceId)) turn.traceIds.push(traceId);
  };
  for (const call of calls) {
    const turn = turnAt(call.time);
    turn.llmCalls.push(call);
    addTokens(turn.tokens, call.tokens as TokenCounts);
    turn.costUsd += call.agentCostUsd ?? call.computedCostUsd ?? 0;
    widen(turn, call.time, call.durationMs, call.traceId);
  }
  for (const tool of tools) {
    const turn = turnAt(tool.time);
    turn.toolCalls.push(tool);
    widen(turn, tool.time, tool.durationMs, tool.traceId);
  }
  for (const error of errors) turnAt(error.time).errors.push(error.message);
  for (const turn of turns) {
    if (!Number.isFinite(turn.startTime)) turn.startTime = 0;
    if (!Number.isFinite(turn.endTime)) turn.endTime = turn.startTime;
  }
  return turns;
}
