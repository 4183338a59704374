import { z } from 'zod';
import { MAX_ANSWER_CHARS, MAX_NAME_CHARS, clip, round, takeWithinBudget } from './answerBounds';
import { defineTool, traceIdArg, unknownTrace } from './toolDefinition';

const MAX_DIFF_ROWS = 200;

export const compareTracesTool = defineTool({
  name: 'compare_traces',
  title: 'Compare two traces',
  description:
    'Run A against run B with their span trees aligned (by span name and kind from the root): totals of both runs, ' +
    'how many spans are the same, changed, added (only in B) or removed (only in A), and each span that is not the same ' +
    'with its span ids in A and B, what changed (model, parameters, system prompt, messages, output, tools, tool call, status) ' +
    `and its change of duration, tokens and cost. At most ${MAX_DIFF_ROWS} rows per answer, in display order; pass nextOffset as offset for more.`,
  inputSchema: {
    traceIdA: z.string().describe('The earlier or reference run.'),
    traceIdB: z.string().describe('The run to compare with it.'),
    offset: z.number().int().min(0).optional().describe('First differing row to return (default 0).'),
  },
  async run(api, args) {
    const idA = traceIdArg(args.traceIdA);
    const idB = traceIdArg(args.traceIdB);
    const diff = await api.diff(idA, idB);
    if (!diff) {
      const [a, b] = await Promise.all([api.listTraces({ q: idA, limit: 1 }), api.listTraces({ q: idB, limit: 1 })]);
      throw unknownTrace(a.length === 0 ? idA : b.length === 0 ? idB : idA);
    }
    const differing = diff.rows
      .filter((row) => row.status !== 'same')
      .map((row) => ({
        status: row.status,
        name: clip(row.name, MAX_NAME_CHARS),
        kind: row.kind,
        ...(row.a ? { spanIdA: row.a } : {}),
        ...(row.b ? { spanIdB: row.b } : {}),
        depth: row.depth,
        ...(row.changes && row.changes.length > 0 ? { changes: row.changes } : {}),
        durationDeltaMs: round(row.durationDeltaMs, 1),
        tokensDelta: row.tokensDelta,
        costDeltaUsd: round(row.costDelta, 6),
      }));
    const offset = Math.min(args.offset ?? 0, differing.length);
    const page = takeWithinBudget(differing, offset, MAX_DIFF_ROWS, MAX_ANSWER_CHARS - 2_000);
    const next = offset + page.length;
    const { summary } = diff;
    return {
      A: {
        ...summary.a,
        name: clip(summary.a.name, MAX_NAME_CHARS),
        durationMs: round(summary.a.durationMs, 1),
        costUsd: round(summary.a.costUsd, 6),
      },
      B: {
        ...summary.b,
        name: clip(summary.b.name, MAX_NAME_CHARS),
        durationMs: round(summary.b.durationMs, 1),
        costUsd: round(summary.b.costUsd, 6),
      },
      spans: { same: summary.same, changed: summary.changed, added: summary.added, removed: summary.removed },
      durationDeltaMs: round(summary.durationDeltaMs, 1),
      tokensDelta: summary.tokensDelta,
      costDeltaUsd: round(summary.costDelta, 6),
      offset,
      differingRows: page,
      ...(next < differing.length ? { nextOffset: next } : {}),
    };
  },
});
