import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, startServe, type ServeProcess } from '../support/cliProcess';
import { accountFor, runLoadBurst, type StoreCounts } from './loadBurst';

describe('loupe serve under a burst of spans with eviction active', function () {
  this.timeout(120_000);
  let store: string;
  let serve: ServeProcess | undefined;
  before(async () => {
    store = await mkdtemp(join(tmpdir(), 'loupe-load-'));
    serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store, '--max-traces', '50']);
  });
  after(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    await rm(store, { recursive: true, force: true });
  });

  it('stores, evicts or rejects every one of 20,000 spans (the counts add up) and keeps answering /api/health', async () => {
    const report = await runLoadBurst({ httpPort: serve!.httpPort, grpcPort: serve!.grpcPort, token: serve!.token, spans: 20_000 });
    const stats = (await (
      await fetch(`http://127.0.0.1:${serve!.httpPort}/api/stats`, { headers: bearer(serve!.token) })
    ).json()) as StoreCounts;
    const counts = accountFor(report, stats);
    const context = JSON.stringify({ counts, stats, burstMs: report.burstMs, health: report.healthLatenciesMs });

    assert.deepEqual(report.failedRequests, []);
    assert.ok(report.sentSpans > 19_900, `${report.sentSpans} spans sent`);
    assert.equal(counts.unaccounted, 0, context);
    assert.equal(stats.traces + stats.evictedTraces, report.sentTraces, context);
    assert.ok(stats.evictedTraces > report.sentTraces / 2, `eviction was active: ${context}`);
    assert.ok(
      stats.rejectedSpans > 0 && stats.rejectedSpans === report.rejectedReported,
      `rejections were reported to the senders: ${context}`,
    );
    assert.ok(stats.traces <= 50, context);
    assert.ok(report.healthLatenciesMs.length > 0 && Math.max(...report.healthLatenciesMs) < 2_000, `health answered slowly: ${context}`);
  });
});
