/**
 * The long network fuzz run (`npm run fuzz`): tens of thousands of seeded hostile and valid OTLP
 * requests to both receivers of a real `loupe serve`. Prints what came back per kind of case,
 * timings and the server's memory; exits 1 when any answer, hang, crash, lost valid trace or
 * memory growth is out of bounds. Options: --payloads N (default 40000), --seed N, --concurrency N.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServe } from '../test/support/cliProcess';
import { describeOutcomes, findMissingValid, runFuzz } from '../test/hardening/fuzzRunner';
import { processMemory } from '../test/hardening/processMemory';

const MAX_REQUEST_MB = 1;
const MAX_RSS_GROWTH_MB = 300;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { payloads: { type: 'string' }, seed: { type: 'string' }, concurrency: { type: 'string' } } });
  const payloads = Number(values.payloads ?? 40_000);
  const seed = Number(values.seed ?? 0xf022);
  const concurrency = Number(values.concurrency ?? 6);
  const store = await mkdtemp(join(tmpdir(), 'loupe-fuzz-'));
  const serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store, '--max-traces', '100000', '--max-request-mb', String(MAX_REQUEST_MB)]);
  const problems: string[] = [];
  try {
    const ports = { httpPort: serve.httpPort, grpcPort: serve.grpcPort, maxRequestBytes: MAX_REQUEST_MB * 1024 * 1024 };
    await runFuzz({ ...ports, seed: seed + 1, payloads: 500 });
    const before = await processMemory(serve.child.pid!);
    console.log(`fuzzing loupe serve (pid ${serve.child.pid}) with ${payloads} payloads, seed ${seed}, ${concurrency} clients`);
    const report = await runFuzz({
      ...ports,
      seed,
      payloads,
      concurrency,
      onProgress: (done) => done % 5_000 === 0 && console.log(`  ${done} sent`),
    });
    const after = await processMemory(serve.child.pid!);
    const stats = (await (await fetch(`http://127.0.0.1:${serve.httpPort}/api/stats`)).json()) as { traces: number; spans: number; bytes: number };

    console.log(describeOutcomes(report));
    console.log(`payloads ${report.payloads} in ${(report.durationMs / 1000).toFixed(1)} s (${Math.round(report.payloads / (report.durationMs / 1000))}/s); latency p99 ${report.p99LatencyMs} ms, max ${report.maxLatencyMs} ms`);
    console.log(`valid requests interleaved: ${report.validSent.length}, spans ${report.validSent.reduce((n, v) => n + v.spanCount, 0)}`);
    if (before && after) {
      console.log(`server RSS: ${before.rssMb} MiB before, ${after.rssMb} MiB after, peak ${after.peakRssMb} MiB`);
      console.log(`held meanwhile: ${stats.traces} traces, ${stats.spans} spans, ~${Math.round(stats.bytes / 1024 / 1024)} MiB of trace data`);
      if (after.rssMb - before.rssMb > MAX_RSS_GROWTH_MB) problems.push(`RSS grew by ${after.rssMb - before.rssMb} MiB`);
    }
    problems.push(...report.failures);
    problems.push(...(await findMissingValid(serve.httpPort, report.validSent)));
    if (serve.child.exitCode !== null) problems.push(`the server exited with ${serve.child.exitCode}`);
  } finally {
    serve.child.kill('SIGTERM');
    await serve.exited;
    await rm(store, { recursive: true, force: true });
  }
  for (const problem of problems.slice(0, 50)) console.error(`FAIL ${problem}`);
  console.log(problems.length === 0 ? 'fuzz: all answers as expected' : `fuzz: ${problems.length} problems`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
