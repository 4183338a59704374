import type { SpanSlowness } from '../../model/traceTypes';
import { addTokens } from '../analysis/usageTotals';
import { type Contribution, type HistoryCell, cellKey, emptyCell, type NameTotals } from './historyDocument';
import { addValue, emptySketch, type LatencySketch } from './latencySketch';
import { localDay } from '../../model/localDay';
import type { RunRecord } from './runRecord';
import { baselineKey, judgeSlow } from './slowSpans';

/**
 * What a run adds to the history: its cells (see HistoryCell for who counts where), its span names
 * and the durations it adds to each baseline. `baselineOf` gives the baselines without this run, to
 * count its slow spans. The run belongs to the local day it started on.
 */
export function contributionOf(run: RunRecord, baselineOf: (key: string) => LatencySketch | undefined): Contribution {
  const cells = new Map<string, HistoryCell>();
  const cellFor = (service: string, agent: string, model: string): HistoryCell => {
    const key = cellKey({ service, agent, model });
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = emptyCell(service, agent, model)));
    return cell;
  };
  const runCell = cellFor(run.service, run.agent, run.model);
  runCell.runs = 1;
  runCell.errorRuns = run.error ? 1 : 0;
  runCell.timeoutRuns = run.timeout ? 1 : 0;
  addValue(runCell.runMs, run.durationMs);

  const names: Record<string, NameTotals> = {};
  const baselines: Record<string, LatencySketch> = {};
  let slow = 0;
  for (const span of run.spans) {
    const cell = cellFor(span.service, span.agent, span.model);
    cell.spans++;
    if (span.error) cell.errors++;
    if (span.call) {
      cell.llmCalls++;
      addValue(cell.callMs, span.durationMs);
    }
    if (span.usage) {
      addTokens(cell.tokens, span.usage.tokens);
      cell.costUsd += span.usage.costUsd;
      if (span.usage.unpriced) cell.unpricedCalls++;
    }
    const name = (names[span.name] ??= { spans: 0, errors: 0, costUsd: 0, ms: 0 });
    name.spans++;
    if (span.error) name.errors++;
    name.costUsd += span.usage?.costUsd ?? 0;
    name.ms += span.durationMs;
    const key = baselineKey(span.name, span.model);
    if (judgeSlow(span.durationMs, baselineOf(key))) slow++;
    addValue((baselines[key] ??= emptySketch()), span.durationMs);
  }
  return { day: localDay(run.startTime), cells: [...cells.values()], names, baselines, slow };
}

/** Marks each span of a detail that is slow against its baseline; `baselineOf` must exclude the trace itself. */
export function slownessOf(
  spans: readonly { name: string; model?: string; kind: string; durationMs: number }[],
  baselineOf: (key: string) => LatencySketch | undefined,
): (SpanSlowness | undefined)[] {
  return spans.map((span) => {
    const model = span.model && (span.kind === 'llm' || span.kind === 'embedding') ? span.model : '';
    return judgeSlow(span.durationMs, baselineOf(baselineKey(span.name, model)));
  });
}
