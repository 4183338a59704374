import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import type { WaterfallRow } from '../../../src/model/traceTypes';
import { fromWaterfallColumns, WaterfallColumnsError, type WaterfallColumns } from '../../../src/model/waterfallColumns';
import { hexId, int, span, str, traceRequest } from '../../support/otlpBuilders';
import { syntheticTraceRequest } from '../../browser/support/syntheticTrace';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'otlp');

/** Rows as they come out of JSON (undefined fields dropped), the form both transports deliver. */
const asJson = (rows: WaterfallRow[]) => JSON.parse(JSON.stringify(rows)) as WaterfallRow[];

describe('waterfall columns', () => {
  let engine: TraceEngine;

  beforeEach(async () => {
    engine = await TraceEngine.open({});
  });

  afterEach(() => engine.close());

  it('round-trips every fixture trace to the same rows the engine builds', async () => {
    for (const file of ['b-openinference-openai.otlp.json', 'a-otel-instrumentation-openai.otlp.json', 'd-vercel-ai-sdk.otlp.json']) {
      const { traceIds } = await engine.importOtlp(readFileSync(join(FIXTURES, file), 'utf8'));
      for (const traceId of traceIds) {
        const rows = (await engine.waterfall(traceId))!;
        const text = (await engine.waterfallColumns(traceId))!;
        assert.deepEqual(asJson(fromWaterfallColumns(JSON.parse(text))), asJson(rows), `${file} ${traceId}`);
      }
    }
  });

  it('keeps what a row says on its own: missing parents, errors, critical path, tools and agents', async () => {
    const t = hexId(16);
    const root = hexId(8);
    const chat = hexId(8);
    const failing = span(t, hexId(8), chat, 'execute_tool search', 3, 5, [
      str('gen_ai.operation.name', 'execute_tool'),
      str('gen_ai.tool.name', 'search'),
    ]);
    failing.status = { code: 2, message: '<img src=x onerror=alert(1)>' };
    await engine.importOtlp(
      JSON.stringify(
        traceRequest([
          span(t, root, undefined, 'invoke_agent planner', 0, 10, [
            str('gen_ai.operation.name', 'invoke_agent'),
            str('gen_ai.agent.name', 'planner'),
          ]),
          span(t, chat, root, 'chat gpt-4o', 1, 6, [
            str('gen_ai.operation.name', 'chat'),
            str('gen_ai.request.model', 'gpt-4o'),
            int('gen_ai.usage.input_tokens', 40),
            int('gen_ai.usage.output_tokens', 2),
          ]),
          failing,
          span(t, hexId(8), hexId(8), 'late child of a parent never received', 7, 9),
        ]),
      ),
    );
    const rows = (await engine.waterfall(t))!;
    const columns = JSON.parse((await engine.waterfallColumns(t))!) as WaterfallColumns;
    assert.deepEqual(asJson(fromWaterfallColumns(columns)), asJson(rows));
    const byName = new Map(rows.map((row) => [row.name, row]));
    assert.equal(byName.get('execute_tool search')?.errorMessage, '<img src=x onerror=alert(1)>');
    assert.equal(byName.get('execute_tool search')?.toolName, 'search');
    assert.equal(byName.get('execute_tool search')?.agentName, 'planner');
    assert.equal(byName.get('chat gpt-4o')?.model, 'gpt-4o');
    assert.equal(byName.get('chat gpt-4o')?.tokens, 42);
    const orphan = byName.get('late child of a parent never received')!;
    assert.ok(orphan.orphan && orphan.parentSpanId !== undefined && orphan.depth === 0);
    assert.deepEqual(columns.missingParent, [[rows.indexOf(orphan), orphan.parentSpanId]]);
    assert.ok(rows.some((row) => row.onCriticalPath));
    assert.ok(columns.strings.length < rows.length * 3, 'repeated text is stored once');
  });

  it('is much smaller than the rows as JSON for a large agent trace', async () => {
    const { request, traceId } = syntheticTraceRequest({ spanCount: 10_000, seed: 7 });
    await engine.importOtlp(JSON.stringify(request));
    const rowsJson = JSON.stringify(await engine.waterfall(traceId));
    const columnsJson = (await engine.waterfallColumns(traceId))!;
    assert.ok(columnsJson.length < rowsJson.length / 2.5, `columns ${columnsJson.length} B vs rows ${rowsJson.length} B`);
    assert.deepEqual(asJson(fromWaterfallColumns(JSON.parse(columnsJson))), JSON.parse(rowsJson));
  });

  it('is built once per trace version and rebuilt when the trace changes', async () => {
    const { request, traceId } = syntheticTraceRequest({ spanCount: 50, seed: 3 });
    await engine.importOtlp(JSON.stringify(request));
    const first = await engine.waterfallColumns(traceId);
    assert.equal(await engine.waterfallColumns(traceId), first, 'same text object while unchanged');
    const more = syntheticTraceRequest({ spanCount: 5, seed: 4, traceId });
    for (const span of more.request.resourceSpans[0].scopeSpans[0].spans) span.spanId = `ff${span.spanId.slice(2)}`;
    await engine.importOtlp(JSON.stringify(more.request));
    const after = fromWaterfallColumns(JSON.parse((await engine.waterfallColumns(traceId))!));
    assert.ok(after.length > 50, `rows after the change: ${after.length}`);
  });

  it('refuses what is not columns with a message that says what is wrong', async () => {
    const good = JSON.parse(
      (await engine.waterfallColumns(
        (await engine.importOtlp(JSON.stringify(traceRequest([span(hexId(16), hexId(8), undefined, 'only', 0, 1)])))).traceIds[0],
      ))!,
    ) as WaterfallColumns;
    good.count = 0;
    for (const key of Object.keys(good) as (keyof WaterfallColumns)[])
      if (Array.isArray(good[key])) (good as unknown as Record<string, unknown[]>)[key] = [];
    const cases: [unknown, RegExp][] = [
      [null, /not an object/],
      [[], /format/],
      [{ ...good, format: 'other' }, /format is "other"/],
      [{ ...good, count: -1 }, /count/],
      [{ ...good, count: 1 }, /spanId does not have one entry per row/],
      [{ ...good, depth: undefined }, /depth/],
      [{ ...good, missingParent: {} }, /missingParent/],
    ];
    assert.deepEqual(fromWaterfallColumns(good), []);
    for (const [value, message] of cases)
      assert.throws(
        () => fromWaterfallColumns(value),
        (e: unknown) => e instanceof WaterfallColumnsError && message.test(e.message),
      );
  });
});
