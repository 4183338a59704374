import type { SpanFacts } from '../genai/spanFacts';
import type { OtlpSpan } from '../../model/otlpTypes';
import type { TokenCounts } from '../../model/traceTypes';
import { nanosToMs } from '../otlp/values';
import { countModelCalls, isModelCall } from '../analysis/modelCalls';

/** One span as the daily history sees it: only what the roll-up, the baselines and the budgets count. */
export interface RunSpan {
  name: string;
  service: string;
  /** The agent the span works for ('' for none). */
  agent: string;
  /** The model of a model call ('' for other spans). */
  model: string;
  durationMs: number;
  error: boolean;
  /** Counts as one model call (aggregates over other calls do not). */
  call: boolean;
  /** Tokens and cost counted toward totals (each model call's usage once); absent otherwise. */
  usage?: { tokens: TokenCounts; costUsd: number; unpriced: boolean };
}

/** A run (trace) reduced to what the history keeps of it. Independent of how traces are stored. */
export interface RunRecord {
  traceId: string;
  startTime: number;
  durationMs: number;
  /** The root's service, agent and the run's main model: where the run itself is counted. */
  service: string;
  agent: string;
  model: string;
  error: boolean;
  timeout: boolean;
  spans: RunSpan[];
}

const TIMEOUT = /time[ds]?[ _-]?out|deadline/i;

/**
 * Reduces a trace to a RunRecord. A run failed when its root span failed (an agent that recovers
 * from a failing tool call still succeeded); it timed out when that failure speaks of a timeout or
 * a deadline. Its main model is the one that cost most (then: made most calls).
 */
export function runRecordOf(traceId: string, spans: readonly OtlpSpan[], facts: readonly SpanFacts[]): RunRecord | undefined {
  if (spans.length === 0) return undefined;
  const counting = countModelCalls(spans, facts);
  const { parent, countsUsage, countsCall, unpriced, agentOf } = counting;
  let start = Infinity;
  let end = -Infinity;
  let root = -1;
  const modelWeight = new Map<string, { cost: number; calls: number }>();
  const out: RunSpan[] = [];
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    const f = facts[i];
    const s = nanosToMs(span.startTimeUnixNano);
    const e = Math.max(s, nanosToMs(span.endTimeUnixNano));
    if (s < start) start = s;
    if (e > end) end = e;
    // The root: a span without a parent here, a true root before an orphan, then the earliest.
    if (parent[i] === -1) {
      const trueRoot = !span.parentSpanId;
      const rootIsTrue = root !== -1 && !spans[root].parentSpanId;
      if (root === -1 || (trueRoot && !rootIsTrue) || (trueRoot === rootIsTrue && s < nanosToMs(spans[root].startTimeUnixNano))) root = i;
    }
    const model = f.model && isModelCall(f) ? f.model : '';
    const call = countsCall[i] === 1;
    const usage = countsUsage[i] === 1 ? { tokens: { ...f.tokens }, costUsd: f.costUsd ?? 0, unpriced: unpriced[i] === 1 } : undefined;
    if (model && (call || usage)) {
      const w = modelWeight.get(model) ?? { cost: 0, calls: 0 };
      w.cost += usage?.costUsd ?? 0;
      w.calls += call ? 1 : 0;
      modelWeight.set(model, w);
    }
    out.push({
      name: span.name,
      service: f.service,
      agent: agentOf[i] ?? '',
      model,
      durationMs: e - s,
      error: f.status === 'error',
      call,
      usage,
    });
  }
  let mainModel = '';
  let best = { cost: -1, calls: -1 };
  for (const [model, w] of modelWeight) {
    if (w.cost > best.cost || (w.cost === best.cost && (w.calls > best.calls || (w.calls === best.calls && model < mainModel)))) {
      mainModel = model;
      best = w;
    }
  }
  if (root === -1) root = 0; // every span sits in a parent cycle
  const rootFacts = facts[root];
  const error = rootFacts.status === 'error';
  const reason = `${rootFacts.statusMessage ?? ''} ${rootFacts.error?.type ?? ''} ${rootFacts.error?.message ?? ''}`;
  return {
    traceId,
    startTime: start,
    durationMs: end - start,
    service: rootFacts.service,
    agent: agentOf[root] ?? firstAgent(out),
    model: mainModel,
    error,
    timeout: error && TIMEOUT.test(reason),
    spans: out,
  };
}

function firstAgent(spans: readonly RunSpan[]): string {
  for (const span of spans) if (span.agent) return span.agent;
  return '';
}
