/**
 * The long network fuzz run (`npm run fuzz`): tens of thousands of seeded hostile and valid OTLP
 * requests to both receivers of a real `loupe serve`. Prints what came back per kind of case,
 * timings and the server's memory; exits 1 when any answer, hang, crash, lost valid trace or
 * memory growth is out of bounds. Rounds are separated by clearing the stored traces, so memory that
 * grows from round to round is not trace data. Options: --payloads N per round (default 25000),
 * --rounds N (default 2), --seed N, --concurrency N.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bearer, startServe } from '../test/support/cliProcess';
import { describeOutcomes, findMissingValid, runFuzz } from '../test/hardening/fuzzRunner';
import { processMemory } from '../test/hardening/processMemory';

const MAX_REQUEST_MB = 1;
const MAX_RSS_GROWTH_MB = 300;
/** Rounds after the first reuse the memory the first one took; growth beyond this points at a leak. */
const MAX_RSS_GROWTH_BETWEEN_ROUNDS_MB = 60;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { payloads: { type: 'string' }, rounds: { type: 'string' }, seed: { type: 'string' }, concurrency: { type: 'string' } },
  });
  const payloads = Number(values.payloads ?? 25_000);
  const rounds = Number(values.rounds ?? 2);
  const seed = Number(values.seed ?? 0xf022);
  const concurrency = Number(values.concurrency ?? 6);
  const store = await mkdtemp(join(tmpdir(), 'loupe-fuzz-'));
  const serve = await startServe([
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
  const base = `http://127.0.0.1:${serve.httpPort}`;
  const problems: string[] = [];
  try {
    const ports = { httpPort: serve.httpPort, grpcPort: serve.grpcPort, maxRequestBytes: MAX_REQUEST_MB * 1024 * 1024 };
    await runFuzz({ ...ports, seed: seed + 1, payloads: 500 });
    await fetch(`${base}/api/traces`, { method: 'DELETE', headers: bearer(serve.token) });
    const start = await processMemory(serve.child.pid!);
    console.log(
      `fuzzing loupe serve (pid ${serve.child.pid}): ${rounds} rounds of ${payloads} payloads, seed ${seed}, ${concurrency} clients; RSS at start ${start?.rssMb} MiB`,
    );
    const afterRounds: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const report = await runFuzz({
        ...ports,
        seed: seed + round * 7919,
        payloads,
        concurrency,
        onProgress: (done) => done % 5_000 === 0 && console.log(`  ${done} sent`),
      });
      const full = await processMemory(serve.child.pid!);
      const stats = (await (await fetch(`${base}/api/stats`, { headers: bearer(serve.token) })).json()) as {
        traces: number;
        spans: number;
        bytes: number;
      };
      problems.push(...report.failures, ...(await findMissingValid(serve.httpPort, serve.token, report.validSent)));
      // Cleared between rounds, so memory that stays is not stored traces.
      await fetch(`${base}/api/traces`, { method: 'DELETE', headers: bearer(serve.token) });
      const cleared = await processMemory(serve.child.pid!);
      if (cleared) afterRounds.push(cleared.rssMb);

      console.log(`round ${round + 1}:`);
      console.log(describeOutcomes(report));
      console.log(
        `payloads ${report.payloads} in ${(report.durationMs / 1000).toFixed(1)} s (${Math.round(report.payloads / (report.durationMs / 1000))}/s); latency p99 ${report.p99LatencyMs} ms, max ${report.maxLatencyMs} ms`,
      );
      console.log(
        `valid requests interleaved: ${report.validSent.length}, spans ${report.validSent.reduce((n, v) => n + v.spanCount, 0)}, all stored: ${problems.length === 0}`,
      );
      console.log(
        `server RSS: ${full?.rssMb} MiB holding ${stats.traces} traces (${stats.spans} spans), ${cleared?.rssMb} MiB after clearing them, peak ${cleared?.peakRssMb} MiB`,
      );
    }
    if (start && afterRounds.length > 0 && Math.max(...afterRounds) - start.rssMb > MAX_RSS_GROWTH_MB) {
      problems.push(`RSS grew from ${start.rssMb} MiB to ${Math.max(...afterRounds)} MiB`);
    }
    if (afterRounds.length > 1 && afterRounds[afterRounds.length - 1] - afterRounds[0] > MAX_RSS_GROWTH_BETWEEN_ROUNDS_MB) {
      problems.push(`RSS kept growing between rounds: ${afterRounds.join(' → ')} MiB`);
    }
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
