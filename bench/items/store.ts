import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceEngine } from '../../src/core/engine/traceEngine';
import { TracePersistence } from '../../src/core/store/tracePersistence';
import { build } from 'esbuild';
import { llmTrace } from '../genaiBench';
import { fmt, judge, ratio, type BenchSection } from '../support/report';
import { randomTraceId } from '../support/requestTemplate';
import { ENGINE_WORKER, ensureBuilt } from '../support/serversUnderTest';
import { median, MB } from '../support/stats';
import { fillStore, requestOf, storeBytes, storedTraceWithId } from '../support/storedTraces';

const SPANS = 50;

/** Median time for the engine to write one newly ingested 50-span trace into a store of `dir`. */
async function persistOne(dir: string, rounds: number): Promise<number> {
  const engine = await TraceEngine.open({ persistence: new TracePersistence(dir), maxTraces: 100_000, maxBytes: 4 * 2 ** 30 });
  const template = llmTrace(SPANS);
  const samples: number[] = [];
  const warmup = 5;
  for (let r = 0; r < rounds + warmup; r++) {
    engine.ingestTraces(requestOf(storedTraceWithId(template, randomTraceId(), 0)));
    const started = performance.now();
    await engine.flush();
    if (r >= warmup) samples.push(performance.now() - started);
  }
  await engine.close();
  return median(samples);
}

interface ProbeResult {
  openMs: number;
  traces: number;
  spans: number;
  rssBytes: number;
  heapBytes: number;
  externalBytes: number;
}

function probe(dir: string): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'storeProbe.ts'), [dir], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: ProbeResult | undefined;
    child.on('message', (message: ProbeResult) => (result = message));
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`store probe exited with ${code}`))));
  });
}

/** Engine-thread start with a store, in a plain Node process running bundled code, as in the extension host. */
export async function workerStartMs(dir: string): Promise<number> {
  ensureBuilt();
  const outfile = join(dir, '..', `loupe-bench-start-${process.pid}.js`);
  await build({
    entryPoints: [join(__dirname, 'workerStartProbe.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  try {
    const result = await new Promise<{ readyMs: number; spans: number }>((resolve, reject) => {
      const child = fork(outfile, [ENGINE_WORKER, dir], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let answer: { readyMs: number; spans: number } | undefined;
      child.on('message', (message: { readyMs: number; spans: number }) => (answer = message));
      child.on('exit', (code) => (answer ? resolve(answer) : reject(new Error(`engine start probe exited with ${code}`))));
    });
    return result.readyMs;
  } finally {
    rmSync(outfile, { force: true });
  }
}

/** Item 4: persisting is O(trace), loading a full store, memory per stored byte. */
export async function benchStore(quick: boolean): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-bench-store-'));
  const startupDir = mkdtempSync(join(tmpdir(), 'loupe-bench-startup-'));
  try {
    const rounds = quick ? 5 : 15;
    const persist: Record<number, number> = {};
    for (const size of [10, 200, 2000]) {
      await fillStore(dir, size, SPANS);
      persist[size] = await persistOne(dir, rounds);
    }
    await fillStore(startupDir, 200, SPANS);
    const bytes = storeBytes(startupDir);
    const startMs = await workerStartMs(startupDir);
    const loaded = await probe(startupDir);
    // A second, twice as large store: the growth between the two is what each further MB costs,
    // without the runtime's fixed overhead (young generation, compiled code) that the first carries.
    await fillStore(startupDir, 400, SPANS);
    const bytes400 = storeBytes(startupDir);
    const loaded400 = await probe(startupDir);
    const marginal = (loaded400.rssBytes - loaded.rssBytes) / (bytes400 - bytes);
    const growth = persist[2000] / persist[10];
    const rssPerMb = loaded.rssBytes / bytes;
    return {
      title: `4. Store (traces of ${SPANS} real captured LLM spans, one JSON file per trace)`,
      rows: [
        { measure: 'persist one new trace, store of 10', value: `${fmt(persist[10], 2)} ms`, status: 'info' },
        {
          measure: 'persist one new trace, store of 200',
          value: `${fmt(persist[200], 2)} ms`,
          baseline: 'store of 10',
          ratio: ratio(persist[200] / persist[10]),
          status: 'info',
        },
        {
          measure: 'persist one new trace, store of 2,000',
          value: `${fmt(persist[2000], 2)} ms`,
          baseline: 'store of 10',
          ratio: ratio(growth),
          target: '≤ 1.5×',
          status: judge(growth, '<=', 1.5),
        },
        {
          measure: `startup with 200 × ${SPANS} spans (engine thread ready)`,
          value: `${fmt(startMs, 0)} ms`,
          baseline: `load + rebuild alone ${fmt(loaded.openMs, 0)} ms`,
          target: '≤ 1,000 ms',
          status: judge(startMs, '<=', 1000),
        },
        {
          measure: 'resident memory per MB of stored JSON',
          value: `${fmt(rssPerMb, 2)} MB`,
          baseline: `store ${fmt(bytes / MB, 1)} MB, heap ${fmt(loaded.heapBytes / MB, 1)} MB`,
          ratio: ratio(rssPerMb),
          status: 'info',
        },
        {
          measure: 'resident memory per further MB (200 → 400 traces)',
          value: `${fmt(marginal, 2)} MB`,
          baseline: `store ${fmt(bytes400 / MB, 1)} MB: RSS +${fmt(loaded400.rssBytes / MB, 0)} MB`,
          ratio: ratio(marginal),
          target: '≤ 3×',
          status: judge(marginal, '<=', 3),
        },
      ],
      figures: {
        persistMs: persist,
        startupStoreBytes: bytes,
        workerStartMs: startMs,
        probe: loaded,
        store400Bytes: bytes400,
        probe400: loaded400,
        marginalRssPerMb: marginal,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(startupDir, { recursive: true, force: true });
  }
}
