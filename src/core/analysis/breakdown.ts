import type { SpanFacts } from '../genai/spanFacts';
import type { StoredTrace } from '../../model/storedTrace';
import type { Breakdown, BreakdownRow, SpanKind } from '../../model/traceTypes';
import { nanosToMs } from '../otlp/values';
import { buildSpanTree } from './spanTree';
import { computeRollups } from './rollups';
import { countModelCalls } from './modelCalls';
import { percentile } from '../../model/percentile';

interface Group {
  durations: number[];
  selfMs: number;
  tokens: number;
  costUsd: number;
  errorCount: number;
  /** Spans per kind, when the table tracks kinds. */
  kinds?: Map<SpanKind, number>;
}

class GroupTable {
  private readonly groups = new Map<string, Group>();

  add(key: string, durationMs: number, selfMs: number, tokens: number, costUsd: number, error: boolean, kind?: SpanKind): void {
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { durations: [], selfMs: 0, tokens: 0, costUsd: 0, errorCount: 0 }));
    if (kind) (g.kinds ??= new Map()).set(kind, (g.kinds.get(kind) ?? 0) + 1);
    g.durations.push(durationMs);
    g.selfMs += selfMs;
    g.tokens += tokens;
    g.costUsd += costUsd;
    if (error) g.errorCount++;
  }

  rows(totalMs: number): BreakdownRow[] {
    const rows: BreakdownRow[] = [];
    for (const [key, g] of this.groups) {
      const sorted = [...g.durations].sort((a, b) => a - b);
      rows.push({
        key,
        count: sorted.length,
        totalMs: sorted.reduce((a, b) => a + b, 0),
        selfMs: g.selfMs,
        p50Ms: percentile(sorted, 50),
        p95Ms: percentile(sorted, 95),
        p99Ms: percentile(sorted, 99),
        share: totalMs > 0 ? g.selfMs / totalMs : 0,
        tokens: g.tokens,
        costUsd: g.costUsd,
        errorCount: g.errorCount,
        ...(g.kinds ? { kind: [...g.kinds].sort((a, b) => b[1] - a[1])[0][0] } : {}),
      });
    }
    return rows.sort((a, b) => b.selfMs - a.selfMs || a.key.localeCompare(b.key));
  }
}

export interface TraceWithFacts {
  trace: StoredTrace;
  facts: readonly SpanFacts[];
}

/** Latency, tokens and cost grouped by kind, span name, model and agent, over one or many traces. */
export function breakdownOf(traces: Iterable<TraceWithFacts>, traceId?: string): Breakdown {
  const byKind = new GroupTable();
  const byName = new GroupTable();
  const byModel = new GroupTable();
  const byAgent = new GroupTable();
  let totalMs = 0;
  let traceCount = 0;
  for (const { trace, facts } of traces) {
    if (trace.spans.length === 0) continue;
    traceCount++;
    const tree = buildSpanTree(trace.spans);
    const counting = countModelCalls(trace.spans, facts, tree.parent);
    const rollups = computeRollups(trace, facts, tree, counting);
    let start = Infinity;
    let end = -Infinity;
    trace.spans.forEach((span, i) => {
      const f = facts[i];
      const s = nanosToMs(span.startTimeUnixNano);
      start = Math.min(start, s);
      end = Math.max(end, nanosToMs(span.endTimeUnixNano));
      const r = rollups[i];
      const counted = counting.countsUsage[i] === 1;
      const tokens = counted ? f.tokens.total : 0;
      const cost = counted && f.costUsd !== null ? f.costUsd : 0;
      const error = f.status === 'error';
      byKind.add(f.kind, r.durationMs, r.selfTimeMs, tokens, cost, error);
      byName.add(span.name, r.durationMs, r.selfTimeMs, tokens, cost, error, f.kind);
      // Aggregates would count their calls' time and number twice; only the calls themselves are listed.
      // By the model asked for: one call answered as "gpt-4o-mini-2024-07-18" and one without a
      // response model are both "gpt-4o-mini" to the user.
      const model = f.requestModel ?? f.model;
      if (model && (counted || counting.countsCall[i] === 1)) byModel.add(model, r.durationMs, r.selfTimeMs, tokens, cost, error);
      const agent = counting.agentOf[i];
      if (agent !== undefined) byAgent.add(agent, r.durationMs, r.selfTimeMs, tokens, cost, error);
    });
    totalMs += Math.max(0, end - start);
  }
  return {
    traceId,
    traceCount,
    totalMs,
    byKind: byKind.rows(totalMs),
    byName: byName.rows(totalMs),
    byModel: byModel.rows(totalMs),
    byAgent: byAgent.rows(totalMs),
  };
}
