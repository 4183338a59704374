import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { fromWaterfallColumns, readWaterfallColumns } from '../../../src/model/waterfallColumns';
import {
  buildWaterfallModel,
  waterfallLayoutOf,
  waterfallModelFromLayout,
  waterfallSpanFromRow,
  type WaterfallModel,
} from '../../../webview/waterfall/waterfallModel';
import { syntheticTraceRequest } from '../../browser/support/syntheticTrace';
import { hexId, span, traceRequest } from '../../support/otlpBuilders';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'otlp');

/** The model's fields as plain values, to compare two models built different ways. */
function plain(model: WaterfallModel) {
  return {
    ids: model.rows.map((row) => row.spanId),
    rowById: [...model.rowById],
    depth: [...model.depth],
    parent: [...model.parent],
    subtreeEnd: [...model.subtreeEnd],
    childCount: [...model.childCount],
    orphan: [...model.orphan],
    traceStart: model.traceStart,
    traceEnd: model.traceEnd,
    maxDepth: model.maxDepth,
  };
}

describe('waterfall model from the engine layout', () => {
  let engine: TraceEngine;
  beforeEach(async () => {
    engine = await TraceEngine.open({});
  });
  afterEach(() => engine.close());

  async function both(traceId: string) {
    const columns = readWaterfallColumns(JSON.parse((await engine.waterfallColumns(traceId))!));
    const spans = fromWaterfallColumns(columns).map(waterfallSpanFromRow);
    return { fast: waterfallModelFromLayout(spans, waterfallLayoutOf(columns)), general: buildWaterfallModel(spans), spans, columns };
  }

  it('is the model laying the spans out here gives, for captures, a large agent trace, orphans and cycles', async () => {
    const ids = [
      ...(await engine.importOtlp(readFileSync(join(FIXTURES, 'b-openinference-openai.otlp.json'), 'utf8'))).traceIds,
      ...(await engine.importOtlp(readFileSync(join(FIXTURES, 'd-vercel-ai-sdk.otlp.json'), 'utf8'))).traceIds,
    ];
    const big = syntheticTraceRequest({ spanCount: 5_000, seed: 11 });
    await engine.importOtlp(JSON.stringify(big.request));
    ids.push(big.traceId);
    const t = hexId(16);
    const [a, b, c, root] = [hexId(8), hexId(8), hexId(8), hexId(8)];
    await engine.importOtlp(
      JSON.stringify(
        traceRequest([
          span(t, root, undefined, 'root', 0, 20),
          span(t, a, b, 'cycle a', 1, 2),
          span(t, b, a, 'cycle b', 2, 3),
          span(t, c, hexId(8), 'orphan', 4, 5),
          span(t, hexId(8), c, 'child of orphan', 4, 5),
          span(t, hexId(8), root, 'same start 1', 6, 7),
          span(t, hexId(8), root, 'same start 2', 6, 8),
        ]),
      ),
    );
    ids.push(t);
    for (const traceId of ids) {
      const { fast, general, columns } = await both(traceId);
      assert.deepEqual(plain(fast), plain(general), traceId);
      assert.deepEqual(columns.childCount, [...general.childCount], `the engine counts children as shown (${traceId})`);
    }
  });

  it('lays the spans out itself when the layout is not a depth-first order', async () => {
    const { request, traceId } = syntheticTraceRequest({ spanCount: 200, seed: 5 });
    await engine.importOtlp(JSON.stringify(request));
    const { spans, columns, general } = await both(traceId);
    const broken = [
      { ...waterfallLayoutOf(columns), parent: columns.parent.map((p, r) => (r === 10 ? r + 1 : p)) },
      { ...waterfallLayoutOf(columns), parent: columns.parent.map((p, r) => (r === 150 ? 1 : p)) },
      { ...waterfallLayoutOf(columns), parent: columns.parent.slice(1) },
    ];
    for (const layout of broken) assert.deepEqual(plain(waterfallModelFromLayout(spans, layout)), plain(general));
  });
});
