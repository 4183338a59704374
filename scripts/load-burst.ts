/**
 * The load run (`npm run load-burst`): a burst of 200,000 spans from several concurrent HTTP and gRPC
 * clients into a real `loupe serve` with a small --max-traces, so eviction works throughout.
 * Prints timings, where every span went and /api/health latency during the burst; exits 1 when the
 * counts do not add up, the burst takes over a minute, or health answers slowly.
 * Options: --spans N (default 200000), --max-traces N (default 200).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bearer, startServe } from '../test/support/cliProcess';
import { accountFor, runLoadBurst, type StoreCounts } from '../test/hardening/loadBurst';
import { processMemory } from '../test/hardening/processMemory';

const MAX_BURST_MS = 60_000;
const MAX_HEALTH_MS = 2_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { spans: { type: 'string' }, 'max-traces': { type: 'string' } } });
  const spans = Number(values.spans ?? 200_000);
  const maxTraces = values['max-traces'] ?? '200';
  const store = await mkdtemp(join(tmpdir(), 'loupe-load-'));
  const serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store, '--max-traces', maxTraces]);
  const problems: string[] = [];
  try {
    console.log(`loupe serve (pid ${serve.child.pid}), --max-traces ${maxTraces}: sending ${spans} spans`);
    const report = await runLoadBurst({ httpPort: serve.httpPort, grpcPort: serve.grpcPort, token: serve.token, spans });
    const stats = (await (
      await fetch(`http://127.0.0.1:${serve.httpPort}/api/stats`, { headers: bearer(serve.token) })
    ).json()) as StoreCounts;
    const memory = await processMemory(serve.child.pid!);
    const counts = accountFor(report, stats);
    const health = [...report.healthLatenciesMs].sort((a, b) => a - b);

    console.log(`encoded ${report.sentSpans} spans in ${report.sentTraces} traces in ${report.encodeMs} ms`);
    console.log(`burst: ${(report.burstMs / 1000).toFixed(1)} s, ${Math.round(report.sentSpans / (report.burstMs / 1000))} spans/s`);
    console.log(
      `spans: sent ${report.sentSpans} = stored ${counts.stored} + evicted ${counts.evicted} (${stats.evictedTraces} traces) + dropped ${counts.dropped} + rejected ${counts.rejected}; unaccounted ${counts.unaccounted}`,
    );
    console.log(`rejections answered to senders: ${report.rejectedReported}`);
    console.log(
      `/api/health during the burst: ${health.length} probes, p50 ${percentile(health, 0.5)} ms, p99 ${percentile(health, 0.99)} ms, max ${health[health.length - 1]} ms`,
    );
    if (memory) console.log(`server RSS after: ${memory.rssMb} MiB (peak ${memory.peakRssMb} MiB)`);

    problems.push(...report.failedRequests.slice(0, 20));
    if (counts.unaccounted !== 0) problems.push(`${counts.unaccounted} spans unaccounted for`);
    if (stats.traces + stats.evictedTraces !== report.sentTraces)
      problems.push(`traces: ${stats.traces} stored + ${stats.evictedTraces} evicted ≠ ${report.sentTraces} sent`);
    if (stats.rejectedSpans !== report.rejectedReported)
      problems.push(`rejected ${stats.rejectedSpans} ≠ reported ${report.rejectedReported}`);
    if (report.burstMs > MAX_BURST_MS) problems.push(`the burst took ${report.burstMs} ms`);
    if ((health[health.length - 1] ?? Infinity) > MAX_HEALTH_MS) problems.push(`/api/health took up to ${health[health.length - 1]} ms`);
  } finally {
    serve.child.kill('SIGTERM');
    await serve.exited;
    await rm(store, { recursive: true, force: true });
  }
  for (const problem of problems) console.error(`FAIL ${problem}`);
  console.log(problems.length === 0 ? 'load: every span accounted for' : `load: ${problems.length} problems`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
