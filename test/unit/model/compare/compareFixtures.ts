import type { RunSample, RunSpanSample } from '../../../../src/model/compare/groupStats';
import type { DiffSpan } from '../../../../src/model/compare/traceDiff';
import type { Message, SpanKind, TraceSummary } from '../../../../src/model/traceTypes';

/** A seeded generator (mulberry32), so every run of a test sees the same "random" runs. */
export function seeded(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const ZERO_TOKENS = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 0 };

let nextTrace = 0;

/** One agent run: a model call, a `search` tool call and a second model call, with the given durations. */
export function agentRun(durations: { llm: number; tool: number }, startTime = 1_700_000_000_000, failed = false): RunSample {
  const spans: RunSpanSample[] = [
    { name: 'chat gpt-4o', kind: 'llm', durationMs: durations.llm, status: 'ok', tokens: 300, costUsd: 0.003 },
    { name: 'search', kind: 'tool', durationMs: durations.tool, status: failed ? 'error' : 'ok', tokens: 0, costUsd: null },
    { name: 'chat gpt-4o', kind: 'llm', durationMs: durations.llm, status: 'ok', tokens: 400, costUsd: 0.004 },
  ];
  const total = spans.reduce((x, s) => x + s.durationMs, 0);
  spans.unshift({ name: 'agent', kind: 'agent', durationMs: total, status: 'ok', tokens: 0, costUsd: null });
  const traceId = (++nextTrace).toString(16).padStart(32, '0');
  const summary: TraceSummary = {
    traceId,
    name: 'agent',
    service: 'agent-svc',
    startTime,
    durationMs: total,
    updatedTime: startTime + total,
    spanCount: spans.length,
    errorCount: failed ? 1 : 0,
    tokens: { ...ZERO_TOKENS, input: 500, output: 200, total: 700 },
    costUsd: 0.007,
    unpricedCalls: 0,
    llmCalls: 2,
    agents: ['agent'],
    models: ['gpt-4o'],
    services: ['agent-svc'],
    sessions: [],
    users: [],
    orphanCount: 0,
    droppedSpans: 0,
  };
  return { summary, spans };
}

/** Runs with log-normal noise (coefficient of variation about `cv`) around the given medians. */
export function noisyRuns(count: number, medians: { llm: number; tool: number }, cv: number, random: () => number): RunSample[] {
  const normal = () => {
    const u = Math.max(1e-12, random());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const noisy = (median: number) => median * Math.exp(cv * normal());
  return Array.from({ length: count }, (_, i) =>
    agentRun({ llm: noisy(medians.llm), tool: noisy(medians.tool) }, 1_700_000_000_000 + i * 1000),
  );
}

export function text(role: string, content: string): Message {
  return { role, parts: [{ type: 'text', content }] };
}

/** A span for the run diff; ids, parents and times are given, the rest defaulted. */
export function diffSpan(spec: {
  id: string;
  parent?: string;
  name: string;
  kind?: SpanKind;
  start: number;
  duration: number;
  input?: Message[];
  output?: Message[];
  model?: string;
  tokens?: number;
  attributes?: DiffSpan['attributes'];
}): DiffSpan {
  return {
    spanId: spec.id,
    parentSpanId: spec.parent,
    name: spec.name,
    kind: spec.kind ?? 'other',
    status: 'ok',
    startTime: spec.start,
    durationMs: spec.duration,
    tokens: { ...ZERO_TOKENS, total: spec.tokens ?? 0 },
    costUsd: spec.tokens ? spec.tokens / 1e5 : null,
    aggregate: false,
    model: spec.model,
    requestModel: spec.model,
    messages: { input: spec.input ?? [], output: spec.output ?? [] },
    attributes: spec.attributes ?? {},
  };
}
