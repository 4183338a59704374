import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { TraceEngine } from '../src/core/engine/traceEngine';
import { TracePersistence } from '../src/core/store/tracePersistence';
import type { SteadyResult } from './agent/agentProtocol';
import { AgentProcess } from './support/agentProcess';
import { fmt, judge, machineInfo, textTable, type BenchSection } from './support/report';
import { startWorkerLoupe } from './support/serversUnderTest';
import { MB, mean, slope } from './support/stats';

// `npm run soak` — a steady 2,000 spans/s (SOAK_RATE) for 10 minutes (SOAK_SECONDS) into Loupe as the
// extension runs it, with eviction active (SOAK_MAX_TRACES, default 200); memory over time, and
// every acknowledged span accounted for as stored or evicted by policy, in memory and on disk. Run
// with --expose-gc (as `npm run soak` does) so the engine thread's heap is read after a full collection.

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const RATE = Number(process.env.SOAK_RATE ?? 2000);
const MAX_TRACES = Number(process.env.SOAK_MAX_TRACES ?? 200);
const SPANS_PER_TRACE = 100;
const SAMPLE_MS = Math.min(5000, Math.max(500, (SECONDS * 1000) / 60));

interface Sample {
  atS: number;
  rssMB: number;
  /** The engine thread's heap after a full collection (the process runs with --expose-gc). */
  engineHeapMB: number;
  heapMB: number;
  storeMB: number;
  traces: number;
}

interface Accounting {
  acknowledged: number;
  stored: number;
  evictedByPolicy: number;
  lost: number;
  evictedTraces: number;
  absentTraces: number;
}

/** Matches what the agent was told was accepted against what Loupe holds (in memory or on disk). */
function account(sent: SteadyResult['traces'], held: Map<string, number>, evictedTraces: number): Accounting {
  const result: Accounting = { acknowledged: 0, stored: 0, evictedByPolicy: 0, lost: 0, evictedTraces, absentTraces: 0 };
  const absent: number[] = [];
  for (const [traceId, acked] of sent) {
    result.acknowledged += acked;
    const count = held.get(traceId);
    if (count === undefined) {
      if (acked > 0) absent.push(acked);
      continue;
    }
    result.stored += Math.min(count, acked);
    result.lost += Math.max(0, acked - count);
  }
  result.absentTraces = absent.length;
  // Traces leave in arrival order; more absent traces than evictions means some were lost.
  for (let i = 0; i < absent.length; i++) {
    if (i < evictedTraces) result.evictedByPolicy += absent[i];
    else result.lost += absent[i];
  }
  return result;
}

/** Mean of one figure over the samples within `halfWidthS` of `atS` (single RSS samples swing with garbage collection). */
function around(samples: Sample[], atS: number, halfWidthS: number, pickValue: (s: Sample) => number): number {
  const near = samples.filter((s) => Math.abs(s.atS - atS) <= halfWidthS);
  return mean((near.length ? near : samples).map(pickValue));
}

/** The growth a trend line gives over the samples' time span, against their mean level. */
function trend(samples: Sample[], pickValue: (s: Sample) => number): { perMin: number; growth: number } {
  const perMin = slope(samples.map((s) => ({ x: s.atS / 60, y: pickValue(s) })));
  const spanMin = (samples[samples.length - 1].atS - samples[0].atS) / 60;
  return { perMin, growth: (perMin * spanMin) / mean(samples.map(pickValue)) };
}

async function main(): Promise<void> {
  const machine = machineInfo();
  console.log(
    `Soak: ${RATE} spans/s for ${SECONDS} s, ${SPANS_PER_TRACE}-span LLM traces, keeping ${MAX_TRACES} traces; load average ${machine.loadAtStart}`,
  );
  const loupe = await startWorkerLoupe({ maxTraces: MAX_TRACES });
  const agent = AgentProcess.start();
  const samples: Sample[] = [];
  let sampler: NodeJS.Timeout | undefined;
  const storeDir = loupe.storeDir!;
  try {
    await agent.call({ cmd: 'prepare', templates: [['protobuf', SPANS_PER_TRACE]] });
    const started = performance.now();
    const sample = async () => {
      const stats = await loupe.loupe.stats();
      const engine = await loupe.loupe.memory();
      const memory = process.memoryUsage();
      samples.push({
        atS: (performance.now() - started) / 1000,
        rssMB: memory.rss / MB,
        engineHeapMB: engine.heapUsed / MB,
        heapMB: memory.heapUsed / MB,
        storeMB: stats.bytes / MB,
        traces: stats.traces,
      });
    };
    sampler = setInterval(() => void sample(), SAMPLE_MS);
    let lastReport = 0;
    const progress = setInterval(() => {
      const last = samples[samples.length - 1];
      if (!last || last.atS - lastReport < 30) return;
      lastReport = last.atS;
      console.log(
        `  ${last.atS.toFixed(0)} s: RSS ${fmt(last.rssMB, 0)} MB, engine heap ${fmt(last.engineHeapMB, 0)} MB holding ${fmt(last.storeMB, 0)} MB in ${last.traces} traces, load ${loadavg()[0].toFixed(2)}`,
      );
    }, 5000);
    const run = await agent.call<SteadyResult>({
      cmd: 'steady',
      transport: 'grpc',
      port: loupe.grpcPort,
      format: 'protobuf',
      spansPerRequest: SPANS_PER_TRACE,
      spansPerSecond: RATE,
      durationMs: SECONDS * 1000,
    });
    clearInterval(progress);
    clearInterval(sampler);
    await sample();

    await loupe.loupe.flush();
    const stats = await loupe.loupe.stats();
    const listed = await loupe.loupe.listTraces({ limit: 1_000_000 });
    const inMemory = account(run.traces, new Map(listed.map((t) => [t.traceId, t.spanCount])), stats.evictedTraces);
    await loupe.loupe.close();
    // What a restart would find on disk.
    const reopened = await TraceEngine.open({ persistence: new TracePersistence(storeDir), maxTraces: MAX_TRACES });
    const onDisk = account(
      run.traces,
      new Map(reopened.listTracesNow({ limit: 1_000_000 }).map((t) => [t.traceId, t.spanCount])),
      (await reopened.stats()).evictedTraces,
    );
    await reopened.close();

    const warm = Math.min(60, SECONDS * 0.2);
    const after = samples.filter((s) => s.atS >= warm);
    const window = Math.max(SAMPLE_MS / 1000, (SECONDS - warm) / 20);
    const rss = (s: Sample) => s.rssMB;
    const heap = (s: Sample) => s.engineHeapMB;
    const at = [warm + window, (warm + SECONDS) / 2, SECONDS - window];
    const rssLevels = at.map((t) => around(samples, t, window, rss));
    const heapLevels = at.map((t) => around(samples, t, window, heap));
    const rssTrend = trend(after, rss);
    const heapTrend = trend(after, heap);
    const levels = (values: number[]) => `${values.map((v) => fmt(v, 0)).join(' / ')} MB`;
    const middleEngine = samples.find((s) => s.atS >= (warm + SECONDS) / 2) ?? samples[samples.length - 1];
    const end = samples[samples.length - 1];
    const delivered = run.ackedSpans / (run.elapsedMs / 1000);
    const section: BenchSection = {
      title: `Soak: ${RATE.toLocaleString('en-US')} spans/s for ${SECONDS} s, ${SPANS_PER_TRACE}-span LLM traces, at most ${MAX_TRACES} traces kept`,
      rows: [
        {
          measure: 'rate acknowledged',
          value: `${fmt(delivered, 0)} spans/s`,
          baseline: `asked ${RATE.toLocaleString('en-US')}`,
          target: '≥ 98% of asked',
          status: judge(delivered / RATE, '>=', 0.98),
        },
        {
          measure: 'engine heap after GC: warm-up / middle / end',
          value: levels(heapLevels),
          baseline: `means over ±${fmt(window, 0)} s at ${at.map((t) => fmt(t, 0)).join(' / ')} s`,
          status: 'info',
        },
        {
          measure: 'engine heap trend after warm-up',
          value: `${fmt(heapTrend.perMin, 2)} MB/min`,
          baseline: `${fmt(heapTrend.growth * 100, 1)} % over the run`,
          target: '≤ 10 % (flat)',
          status: judge(heapTrend.growth, '<=', 0.1),
        },
        {
          measure: 'process RSS: warm-up / middle / end',
          value: levels(rssLevels),
          baseline: `trend ${fmt(rssTrend.perMin, 1)} MB/min (${fmt(rssTrend.growth * 100, 1)} % over the run)`,
          status: 'info',
        },
        { measure: 'engine estimate, middle / end', value: `${fmt(middleEngine.storeMB, 0)} / ${fmt(end.storeMB, 0)} MB`, status: 'info' },
        {
          measure: 'acknowledged spans lost (in memory)',
          value: `${inMemory.lost}`,
          baseline: `${inMemory.acknowledged} acked = ${inMemory.stored} stored + ${inMemory.evictedByPolicy} evicted (${inMemory.evictedTraces} traces)`,
          target: '0',
          status: inMemory.lost === 0 ? 'met' : 'missed',
        },
        {
          measure: 'acknowledged spans lost (store after restart)',
          value: `${onDisk.lost}`,
          baseline: `${onDisk.stored} stored + ${onDisk.evictedByPolicy} evicted`,
          target: '0',
          status: onDisk.lost === 0 ? 'met' : 'missed',
        },
      ],
      figures: {
        seconds: SECONDS,
        rate: RATE,
        maxTraces: MAX_TRACES,
        run: { ...run, traces: run.traces.length },
        inMemory,
        onDisk,
        samples,
      },
      notes:
        run.errors || run.skipped
          ? [`${run.errors} failed requests (${run.firstError ?? ''}), ${run.skipped} not sent because the receiver fell behind`]
          : [],
    };
    machine.loadAtEnd = Number(loadavg()[0].toFixed(2));
    console.log(`\n${textTable([section])}\n(load average ${machine.loadAtStart} at start, ${machine.loadAtEnd} at end)`);
    const failed = section.rows.some((r) => r.status === 'missed' || r.status === 'failed');
    process.exitCode = failed ? 1 : 0;
  } finally {
    if (sampler) clearInterval(sampler);
    await agent.stop();
    await loupe.loupe.close().catch(() => undefined);
    rmSync(storeDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
