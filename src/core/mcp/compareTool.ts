import { z } from 'zod';
import type { BreakdownRow } from '../../model/traceTypes';
import { MAX_NAME_CHARS, clip, round } from './answerBounds';
import { compactSummary } from './traceListTools';
import { defineTool, traceIdArg, unknownTrace } from './toolDefinition';

const MAX_COMPARED_NAMES = 40;

/** Per span name: how count, time, tokens, cost and errors moved from trace A to trace B. */
function compareRows(a: readonly BreakdownRow[], b: readonly BreakdownRow[]) {
  const before = new Map(a.map((row) => [row.key, row]));
  const after = new Map(b.map((row) => [row.key, row]));
  const keys = new Set([...before.keys(), ...after.keys()]);
  const rows = [...keys].map((key) => {
    const x = before.get(key);
    const y = after.get(key);
    return {
      name: clip(key, MAX_NAME_CHARS),
      count: [x?.count ?? 0, y?.count ?? 0],
      totalMs: [round(x?.totalMs ?? 0, 1), round(y?.totalMs ?? 0, 1)],
      tokens: [x?.tokens ?? 0, y?.tokens ?? 0],
      costUsd: [round(x?.costUsd ?? 0, 6), round(y?.costUsd ?? 0, 6)],
      errors: [x?.errorCount ?? 0, y?.errorCount ?? 0],
      ...(x === undefined ? { onlyIn: 'B' } : y === undefined ? { onlyIn: 'A' } : {}),
    };
  });
  const change = (row: (typeof rows)[number]) => Math.abs(row.totalMs[1] - row.totalMs[0]);
  return rows.sort((p, q) => change(q) - change(p));
}

export const compareTracesTool = defineTool({
  name: 'compare_traces',
  title: 'Compare two traces',
  description:
    'Compares two runs: their totals (duration, spans, errors, tokens, cost, models) and, per span name and per kind, ' +
    'count, total time, tokens, cost and errors as [A, B] pairs, largest time change first (at most 40 names).',
  inputSchema: {
    traceIdA: z.string().describe('The earlier or reference run.'),
    traceIdB: z.string().describe('The run to compare with it.'),
  },
  async run(api, args) {
    const idA = traceIdArg(args.traceIdA);
    const idB = traceIdArg(args.traceIdB);
    const [a, b] = await Promise.all([api.breakdown(idA), api.breakdown(idB)]);
    if (!a) throw unknownTrace(idA);
    if (!b) throw unknownTrace(idB);
    const [detailA, detailB] = await Promise.all([api.listTraces({ q: idA, limit: 1 }), api.listTraces({ q: idB, limit: 1 })]);
    const byName = compareRows(a.byName, b.byName);
    return {
      A: detailA[0] ? compactSummary(detailA[0]) : { traceId: idA },
      B: detailB[0] ? compactSummary(detailB[0]) : { traceId: idB },
      durationMs: [round(a.totalMs, 1), round(b.totalMs, 1)],
      byKind: compareRows(a.byKind, b.byKind),
      byName: byName.slice(0, MAX_COMPARED_NAMES),
      ...(byName.length > MAX_COMPARED_NAMES ? { moreNames: byName.length - MAX_COMPARED_NAMES } : {}),
    };
  },
});
