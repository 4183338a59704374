import * as assert from 'node:assert/strict';
import { HttpLoupe } from '../../../src/core/host/httpLoupe';
import { LoupeRuntime } from '../../../src/core/host/loupeRuntime';
import type { TraceChange } from '../../../src/model/traceTypes';
import { hexId, span, traceRequest } from '../../support/otlpBuilders';

/** What the REST API can carry: JSON drops undefined fields. */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

describe('HttpLoupe (LoupeApi over another Loupe’s REST API)', () => {
  let runtime: LoupeRuntime;
  let client: HttpLoupe;
  beforeEach(async () => {
    runtime = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, version: 'test' });
    const status = await runtime.startReceivers();
    const port = status.http.state === 'listening' ? status.http.port : 0;
    client = new HttpLoupe(`http://127.0.0.1:${port}/`, { token: runtime.accessToken });
  });
  afterEach(async () => {
    client.close();
    await runtime.close();
  });

  it('reads what the other Loupe holds, the same as asking its engine', async () => {
    const t = hexId(16);
    const root = hexId(8);
    runtime.engine.ingestTraces(traceRequest([span(t, root, undefined, 'root', 0, 10), span(t, hexId(8), root, 'child', 2, 4)]));
    assert.deepEqual(await client.listTraces(), asJson(await runtime.engine.listTraces()));
    assert.deepEqual(await client.listTraces({ q: 'nomatch' }), []);
    assert.deepEqual(await client.getTrace(t), asJson(await runtime.engine.getTrace(t)));
    assert.deepEqual(await client.span(t, root), asJson(await runtime.engine.span(t, root)));
    assert.equal(await client.span(t, hexId(8)), undefined);
    assert.deepEqual(await client.waterfall(t), asJson(await runtime.engine.waterfall(t)));
    assert.equal(await client.waterfallColumns(t), await runtime.engine.waterfallColumns(t));
    assert.equal(await client.waterfallColumns(hexId(16)), undefined);
    assert.deepEqual(await client.breakdown(t), asJson(await runtime.engine.breakdown(t)));
    assert.deepEqual(await client.exportOtlp(t), asJson(await runtime.engine.exportOtlp(t)));
    assert.equal((await client.health()).product, 'loupe');
    assert.equal(await client.getTrace(hexId(16)), undefined, 'unknown trace is undefined, not an error');
  });

  it('imports, deletes and clears through the API', async () => {
    const t = hexId(16);
    assert.deepEqual((await client.importOtlp(JSON.stringify(traceRequest([span(t, hexId(8), undefined, 'imported', 0, 1)])))).traceIds, [
      t,
    ]);
    assert.equal(asJson(await runtime.engine.listTraces())[0].name, 'imported');
    assert.equal(await client.deleteTrace(t), true);
    assert.equal(await client.deleteTrace(t), false);
    await client.importOtlp(JSON.stringify(traceRequest([span(hexId(16), hexId(8), undefined, 'again', 0, 1)])));
    await client.clear();
    assert.deepEqual(await runtime.engine.listTraces(), []);
  });

  it('streams changes live and reports when the other Loupe goes away', async () => {
    const states: string[] = [];
    client = new HttpLoupe(client['base'], { token: runtime.accessToken, onStreamState: (s) => states.push(s) });
    const changes: TraceChange[] = [];
    client.subscribe((c) => changes.push(c));
    await until(() => states.includes('open'), 'the stream to open');
    const t = hexId(16);
    runtime.engine.ingestTraces(traceRequest([span(t, hexId(8), undefined, 'live', 0, 1)]));
    await until(() => changes.length > 0, 'a change event');
    assert.equal(changes[0].upserted[0].traceId, t);
    assert.equal((await client.stats()).spans, 1);
    await runtime.stopReceivers();
    await until(() => states.includes('lost'), 'the stream to drop');
  });
});
