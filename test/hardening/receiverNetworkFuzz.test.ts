import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, startServe, type ServeProcess } from '../support/cliProcess';
import { describeOutcomes, findMissingValid, runFuzz } from './fuzzRunner';
import { processMemory } from './processMemory';

const MAX_REQUEST_MB = 1;

describe('loupe serve under hostile network traffic (seeded fuzz, both receivers)', function () {
  this.timeout(180_000);
  let store: string;
  let serve: ServeProcess | undefined;
  before(async () => {
    store = await mkdtemp(join(tmpdir(), 'loupe-fuzz-'));
    serve = await startServe([
      '--grpc-port',
      '0',
      '--http-port',
      '0',
      '--store',
      store,
      '--max-traces',
      '100000',
      '--max-request-mb',
      String(MAX_REQUEST_MB),
    ]);
  });
  after(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    await rm(store, { recursive: true, force: true });
  });

  it('answers 3,000 hostile and valid payloads with the right codes, never hangs or crashes, and stores every valid one', async () => {
    const ports = { httpPort: serve!.httpPort, grpcPort: serve!.grpcPort, maxRequestBytes: MAX_REQUEST_MB * 1024 * 1024 };
    // Warm-up, so the baseline includes the server's steady-state allocations.
    await runFuzz({ ...ports, seed: 1, payloads: 300 });
    const before = await processMemory(serve!.child.pid!);

    const report = await runFuzz({ ...ports, seed: 0x5eed, payloads: 3_000, timeoutMs: 10_000 });
    const after = await processMemory(serve!.child.pid!);
    const context = `\n${describeOutcomes(report)}\nmemory ${JSON.stringify({ before, after })}, ${report.durationMs} ms, max ${report.maxLatencyMs} ms`;

    assert.deepEqual(report.failures.slice(0, 20), [], context);
    assert.equal(serve!.child.exitCode, null, 'the server is still running');
    assert.ok(report.outcomes.size >= 30, `only ${report.outcomes.size} kinds of case were sent${context}`);
    assert.ok(report.validSent.length > 200, `${report.validSent.length} valid requests${context}`);
    assert.deepEqual(await findMissingValid(serve!.httpPort, serve!.token, report.validSent), []);
    if (before && after) assert.ok(after.rssMb - before.rssMb < 200, `RSS grew by ${after.rssMb - before.rssMb} MiB${context}`);
    const health = await fetch(`http://127.0.0.1:${serve!.httpPort}/api/health`, { headers: bearer(serve!.token) });
    assert.equal(health.status, 200);
  });
});
