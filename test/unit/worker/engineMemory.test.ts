import * as assert from 'node:assert/strict';
import { WorkerLoupe } from '../../../src/core/host/workerLoupe';
import { buildEngineWorker } from '../../support/buildWorker';
import { hexId, span, str, traceRequest } from '../../support/otlpBuilders';

describe('the engine thread reports its own heap', function () {
  this.timeout(30_000);
  let script: string;
  before(async () => (script = await buildEngineWorker()));

  it('grows with the traces it holds and shrinks when they are cleared', async () => {
    const loupe = await WorkerLoupe.start(script, { host: '127.0.0.1', grpcPort: 0, httpPort: 0, version: 'test' });
    try {
      const empty = await loupe.memory();
      assert.equal(typeof empty.collected, 'boolean');
      assert.ok(empty.heapUsed > 0 && empty.heapTotal >= empty.heapUsed);
      // Ten traces of 200 spans with 4 KB of text each: about 8 MB the engine must hold.
      const text = 'x'.repeat(4096);
      for (let t = 0; t < 10; t++) {
        const traceId = hexId(16);
        const spans = Array.from({ length: 200 }, (_, i) =>
          span(traceId, hexId(8), undefined, `s${i}`, i, i + 1, [str('gen_ai.prompt', `${i}${text}`)]),
        );
        await loupe.importOtlp(JSON.stringify(traceRequest(spans)));
      }
      const full = await loupe.memory();
      assert.ok(full.heapUsed - empty.heapUsed > 6 * 2 ** 20, `heap grew by ${full.heapUsed - empty.heapUsed} bytes`);
      if (full.collected) {
        await loupe.clear();
        const cleared = await loupe.memory();
        assert.ok(full.heapUsed - cleared.heapUsed > 6 * 2 ** 20, `clearing freed ${full.heapUsed - cleared.heapUsed} bytes`);
      }
    } finally {
      await loupe.close();
    }
  });
});
