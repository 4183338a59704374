import * as assert from 'node:assert/strict';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import type { OtlpSpan } from '../../../src/model/otlpTypes';
import type { TraceChange, TraceSummary } from '../../../src/model/traceTypes';
import { describeFilter, isFilterActive } from '../../../src/vscode/model/traceFilter';
import { nodeIdOf, TraceTreeModel, type TreeNodeRef } from '../../../src/vscode/model/traceTreeModel';
import { runNumbers, spanItemText, traceItemText, traceTooltipMarkdown } from '../../../src/vscode/model/treeItemText';
import { hexId, int, span, str, traceRequest } from '../../support/otlpBuilders';

const STATS = { traces: 0, spans: 0, bytes: 0, evictedTraces: 0, evictedSpans: 0, droppedSpans: 0, rejectedSpans: 0 };

function failed(s: OtlpSpan, message: string): OtlpSpan {
  return { ...s, status: { code: 2, message } };
}

/** An agent run: agent → (model call, tool (failed) → model call), priced by the real price book. */
function agentRun(traceId: string, startMs: number, agent = 'planner') {
  const root = hexId(8);
  const llm1 = hexId(8);
  const tool = hexId(8);
  const llm2 = hexId(8);
  const llm = (id: string, parent: string, start: number, input: number, output: number) =>
    span(traceId, id, parent, 'chat gpt-4o', start, start + 100, [
      str('gen_ai.operation.name', 'chat'),
      str('gen_ai.system', 'openai'),
      str('gen_ai.request.model', 'gpt-4o'),
      int('gen_ai.usage.input_tokens', input),
      int('gen_ai.usage.output_tokens', output),
    ]);
  const spans = [
    span(traceId, root, undefined, `invoke_agent ${agent}`, startMs, startMs + 1000, [
      str('gen_ai.operation.name', 'invoke_agent'),
      str('gen_ai.agent.name', agent),
    ]),
    llm(llm1, root, startMs + 10, 1000, 200),
    failed(
      span(traceId, tool, root, 'execute_tool get_weather', startMs + 200, startMs + 500, [
        str('gen_ai.operation.name', 'execute_tool'),
        str('gen_ai.tool.name', 'get_weather'),
      ]),
      'timeout',
    ),
    llm(llm2, tool, startMs + 250, 500, 100),
  ];
  return { spans, ids: { root, llm1, tool, llm2 } };
}

async function engineWith(...runs: OtlpSpan[][]): Promise<TraceEngine> {
  // A fixed clock: every change lands in the same millisecond, as on a fast machine.
  const engine = await TraceEngine.open({ version: 'test', now: () => 1_795_279_085_000 });
  for (const spans of runs) engine.ingestTraces(traceRequest(spans, 'weather-svc'));
  return engine;
}

function change(upserted: TraceSummary[], removed: string[] = [], cleared = false): TraceChange {
  return { upserted, removed, cleared, stats: STATS };
}

describe('Traces view model', () => {
  it('lists traces newest first with their totals, and builds the span hierarchy on load', async () => {
    const older = hexId(16);
    const newer = hexId(16);
    const a = agentRun(older, 0);
    const b = agentRun(newer, 5000, 'writer');
    const engine = await engineWith(a.spans, b.spans);
    const model = new TraceTreeModel();
    model.replaceAll(await engine.listTraces());
    assert.deepEqual(model.childrenOf(undefined)?.map(nodeIdOf), [`trace:${newer}`, `trace:${older}`]);
    assert.equal(model.childrenOf({ type: 'trace', traceId: older }), undefined, 'spans load on demand');
    assert.equal(model.needsSpans(older), true);

    model.setSpans((await engine.getTrace(older))!);
    assert.equal(model.needsSpans(older), false);
    // One root span: the trace row stands for it and shows its children.
    const top = model.childrenOf({ type: 'trace', traceId: older })!;
    assert.deepEqual(
      top.map((r) => (r as { spanId: string }).spanId),
      [a.ids.llm1, a.ids.tool],
      'children by start time',
    );
    assert.equal(model.rootSpan(older)?.spanId, a.ids.root);
    const llm2: TreeNodeRef = { type: 'span', traceId: older, spanId: a.ids.llm2 };
    assert.deepEqual(model.parentOf(llm2), { type: 'span', traceId: older, spanId: a.ids.tool });
    assert.deepEqual(model.parentOf(top[0]), { type: 'trace', traceId: older });
    assert.deepEqual(model.pathTo(older, a.ids.llm2).map(nodeIdOf), [
      `trace:${older}`,
      `span:${older}:${a.ids.tool}`,
      `span:${older}:${a.ids.llm2}`,
    ]);
    assert.deepEqual(model.pathTo(older, a.ids.root).map(nodeIdOf), [`trace:${older}`]);
    assert.deepEqual(model.rowOf(older, a.ids.root), { type: 'trace', traceId: older });

    const rootText = spanItemText(model.span(older, a.ids.root)!);
    assert.equal(rootText.label, 'invoke_agent planner');
    assert.equal(rootText.icon, 'hubot');
    assert.match(rootText.description, /^1 s · Σ 1\.8k tok \$0\.\d+$/, 'an agent shows its subtree totals');
    const llmText = spanItemText(model.span(older, a.ids.llm1)!);
    assert.equal(llmText.icon, 'sparkle');
    assert.match(llmText.description, /^\$0\.0045 · 1\.2k tok · 100 ms$/, 'cost and tokens lead');
    const toolText = spanItemText(model.span(older, a.ids.tool)!);
    assert.equal(toolText.icon, 'error', 'a failed span shows the error icon');
    assert.match(toolText.description, /^300 ms · Σ 600 tok \$0\.\d+$/);

    const traceText = traceItemText(model.summary(older)!, model.summary(older)!.startTime + 120_000);
    assert.equal(traceText.label, 'invoke_agent planner');
    assert.equal(traceText.icon, 'error');
    assert.match(
      traceText.description,
      /^\$0\.\d+ · 1\.8k tok · 1 s · 1 error$/,
      'cost and tokens lead; age and service are in the tooltip',
    );
    const tooltip = traceTooltipMarkdown(model.summary(older)!, model.summary(older)!.startTime + 120_000);
    assert.match(tooltip, /\*\*Service:\*\* weather\\-svc/);
    assert.match(tooltip, /\(2 min ago\)/);
  });

  it('numbers runs that share a name, oldest first, so they can be told apart', async () => {
    const [first, second, other] = [hexId(16), hexId(16), hexId(16)];
    const engine = await engineWith(agentRun(first, 0).spans, agentRun(second, 5000).spans, agentRun(other, 9000, 'writer').spans);
    const summaries = await engine.listTraces();
    const numbers = runNumbers(summaries);
    assert.deepEqual([numbers.get(first), numbers.get(second), numbers.get(other)], [1, 2, undefined]);
    const summary = summaries.find((s) => s.traceId === second)!;
    assert.equal(traceItemText(summary, summary.startTime, numbers.get(second)).label, 'invoke_agent planner #2');
  });

  it('applies live changes: grown traces change in place, new and removed ones move the list', async () => {
    const t1 = hexId(16);
    const t2 = hexId(16);
    const engine = await engineWith(agentRun(t1, 0).spans);
    const model = new TraceTreeModel();
    model.replaceAll(await engine.listTraces());
    model.setSpans((await engine.getTrace(t1))!);

    engine.ingestTraces(traceRequest([span(t1, hexId(8), undefined, 'late span', 1500, 1600)]));
    const grown = (await engine.listTraces()).find((s) => s.traceId === t1)!;
    assert.deepEqual(model.applyChange(change([grown])), { rootChanged: false, changedTraceIds: [t1] });
    assert.equal(model.needsSpans(t1), true, 'a grown trace reloads its spans');

    engine.ingestTraces(traceRequest(agentRun(t2, 9000).spans));
    const added = (await engine.listTraces()).find((s) => s.traceId === t2)!;
    assert.equal(model.applyChange(change([added])).rootChanged, true);
    assert.deepEqual(
      model.visibleTraces().map((s) => s.traceId),
      [t2, t1],
    );

    assert.equal(model.applyChange(change([], [t1])).rootChanged, true);
    assert.deepEqual(
      model.visibleTraces().map((s) => s.traceId),
      [t2],
    );
    assert.equal(model.span(t1, 'x'), undefined);
    model.applyChange(change([], [], true));
    assert.deepEqual(model.visibleTraces(), []);
  });

  it('filters by errors, free text, service, agent and model', async () => {
    const ok = hexId(16);
    const bad = hexId(16);
    const okRun = agentRun(ok, 0, 'writer').spans.map((s) => ({ ...s, status: { code: 0 } }));
    const engine = await engineWith(okRun, agentRun(bad, 100, 'planner').spans);
    const model = new TraceTreeModel();
    model.replaceAll(await engine.listTraces());
    const ids = () => model.visibleTraces().map((s) => s.traceId);

    model.setFilter({ errorsOnly: true });
    assert.deepEqual(ids(), [bad]);
    model.setFilter({ text: 'WRITER' });
    assert.deepEqual(ids(), [ok]);
    model.setFilter({ agent: 'planner', model: 'gpt-4o', service: 'weather-svc' });
    assert.deepEqual(ids(), [bad]);
    model.setFilter({ model: 'claude' });
    assert.deepEqual(ids(), []);
    assert.equal(isFilterActive(model.currentFilter), true);
    assert.equal(describeFilter({ errorsOnly: true, text: 'x', agent: 'planner' }), 'errors only · "x" · agent planner');
    model.setFilter({});
    assert.equal(isFilterActive(model.currentFilter), false);
    assert.equal(ids().length, 2);

    // A live change respects the filter: a trace that stops matching leaves the list.
    model.setFilter({ errorsOnly: true });
    const update = model.applyChange(change([{ ...model.summary(bad)!, errorCount: 0 }]));
    assert.equal(update.rootChanged, true);
    assert.deepEqual(ids(), []);
  });

  it('survives malformed parent links: self-parents and cycles become roots', async () => {
    const t = hexId(16);
    const a = hexId(8);
    const b = hexId(8);
    const engine = await engineWith([span(t, a, b, 'a', 0, 10), span(t, b, a, 'b', 1, 5), span(t, hexId(8), hexId(8), 'orphan', 2, 3)]);
    const model = new TraceTreeModel();
    model.replaceAll(await engine.listTraces());
    model.setSpans((await engine.getTrace(t))!);
    const seen = new Set<string>();
    const walk = (ref: TreeNodeRef | undefined, depth: number): void => {
      assert.ok(depth < 10, 'no endless nesting');
      for (const child of model.childrenOf(ref) ?? []) {
        seen.add(nodeIdOf(child));
        walk(child, depth + 1);
      }
    };
    walk(undefined, 0);
    assert.equal(seen.size, 4, 'the trace row and all three spans are reachable exactly once');
    assert.equal(model.rootSpan(t), undefined, 'several roots: each is a row of its own');
  });
});
