import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoupeRuntime } from '../../../src/core/host/loupeRuntime';
import type { TraceChange } from '../../../src/model/traceTypes';
import { storeProblemText } from '../../../webview/app/storeBanner';
import { hexId, span, traceRequest } from '../../support/otlpBuilders';

describe('viewers hear when the store cannot be written', () => {
  let dir: string;
  let runtime: LoupeRuntime | undefined;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'loupe-store-state-'))));
  afterEach(async () => {
    await runtime?.close().catch(() => undefined);
    runtime = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('sends a change event carrying the store error, though no trace changed after the failed write', async () => {
    runtime = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, storeDir: dir, version: 'test' });
    const changes: TraceChange[] = [];
    runtime.engine.subscribe((change) => changes.push(change));
    // A file where the traces folder should be: every trace write fails from now on.
    await rm(join(dir, 'traces'), { recursive: true, force: true });
    await writeFile(join(dir, 'traces'), 'in the way');
    runtime.engine.ingestTraces(traceRequest([span(hexId(16), hexId(8), undefined, 'kept in memory', 0, 1)]));
    // The trace's own change goes out at once, before the store tries (and fails) to write it.
    for (let i = 0; i < 100 && !changes.some((c) => c.stats.persistenceError); i++) await new Promise((r) => setTimeout(r, 50));
    const failed = changes.find((c) => c.stats.persistenceError);
    assert.ok(failed, `no change event told of the store error: ${JSON.stringify(changes.map((c) => c.stats))}`);
    assert.match(failed.stats.persistenceError!, /traces/);
    assert.deepEqual([failed.upserted, failed.removed, failed.cleared], [[], [], false], 'a change of the store state alone');
    assert.match(storeProblemText(failed.stats)!, /^Traces cannot be written to the store: .*lost if Loupe stops before then\.$/s);
    assert.equal(storeProblemText({}), undefined);
  });
});
