import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { FloodResult } from '../agent/agentProtocol';
import { AgentProcess } from '../support/agentProcess';
import { fmt, judge, type BenchRow, type BenchSection } from '../support/report';
import { startDiscard, startInProcessLoupe, startWorkerLoupe, type ServerUnderTest } from '../support/serversUnderTest';
import { sleep } from '../support/stats';
import { syntheticTraceRequest } from '../../test/browser/support/syntheticTrace';

const SPANS_PER_REQUEST = 512;
const RESOLUTION_MS = 1;

interface Delay {
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

function read(histogram: IntervalHistogram): Delay {
  return { p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6, meanMs: histogram.mean / 1e6 };
}

interface Phases {
  ingest: Delay;
  persisting: Delay;
  persistMs: number;
  ackedSpans: number;
  changes: number;
}

/**
 * Event-loop delay of this thread while the agent floods `server` over gRPC, then while the
 * store writes what is pending. This thread does what a viewer in the extension host does:
 * it hears every change and lists the traces again.
 */
async function phases(server: ServerUnderTest, agent: AgentProcess, durationMs: number): Promise<Phases> {
  const api = server.api;
  let changes = 0;
  const unsubscribe = api?.subscribe(() => {
    changes++;
    void api.listTraces({ limit: 100 });
  });
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  await sleep(200);
  histogram.enable();
  const flood = await agent.call<FloodResult>({
    cmd: 'flood',
    transport: 'grpc',
    port: server.grpcPort,
    format: 'protobuf',
    spansPerRequest: SPANS_PER_REQUEST,
    concurrency: 4,
    durationMs,
  });
  histogram.disable();
  const ingest = read(histogram);
  histogram.reset();

  histogram.enable();
  const started = performance.now();
  await api?.flush?.();
  const persistMs = performance.now() - started;
  // At least a second of samples, so a short flush still gives a p99.
  await sleep(Math.max(0, 1000 - persistMs));
  histogram.disable();
  const persisting = read(histogram);
  unsubscribe?.();
  return { ingest, persisting, persistMs, ackedSpans: flood.ackedSpans, changes };
}

function rows(label: string, p: Phases, judged: boolean, control: Phases): BenchRow[] {
  const row = (phase: string, d: Delay, base: Delay): BenchRow[] => [
    {
      measure: `${label}, ${phase}: p99`,
      value: `${fmt(d.p99Ms, 1)} ms`,
      baseline: `discard-only ${fmt(base.p99Ms, 1)} ms`,
      target: judged ? '≤ 20 ms' : undefined,
      status: judged ? judge(d.p99Ms, '<=', 20) : 'info',
    },
    {
      measure: `${label}, ${phase}: max`,
      value: `${fmt(d.maxMs, 1)} ms`,
      baseline: `discard-only ${fmt(base.maxMs, 1)} ms`,
      target: judged ? '≤ 50 ms' : undefined,
      status: judged ? judge(d.maxMs, '<=', 50) : 'info',
    },
  ];
  return [
    ...row('full-capacity ingest', p.ingest, control.ingest),
    ...row(`persisting (${fmt(p.persistMs, 0)} ms)`, p.persisting, control.persisting),
  ];
}

const BIG_TRACE = 100_000;

/** This thread's delay while a trace view asks the engine thread for a very large trace's waterfall (as the extension does: one columns string). */
async function openBigTrace(server: ServerUnderTest): Promise<Delay & { ms: number }> {
  const { request, traceId } = syntheticTraceRequest({ spanCount: BIG_TRACE, seed: 3 });
  await server.api!.importOtlp(JSON.stringify(request));
  await server.api!.waterfallColumns(traceId); // once, so the measured call is not the first
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const started = performance.now();
  const columns = await server.api!.waterfallColumns(traceId);
  const ms = performance.now() - started;
  await sleep(100);
  histogram.disable();
  const count = columns === undefined ? undefined : (JSON.parse(columns) as { count: number }).count;
  if (count !== BIG_TRACE) throw new Error(`waterfall has ${count} rows`);
  return { ...read(histogram), ms };
}

/** Item 3: event-loop delay of the extension host's thread with the engine in its worker (and, as contrast, in-process). */
export async function benchResponsiveness(quick: boolean): Promise<BenchSection> {
  const agent = AgentProcess.start();
  const durationMs = quick ? 4000 : 10_000;
  try {
    await agent.call({ cmd: 'prepare', templates: [['protobuf', SPANS_PER_REQUEST]] });
    // The same flood into a discard-only server on a worker: what the machine alone does to this thread.
    const discard = await startDiscard();
    let control: Phases;
    try {
      control = await phases(discard, agent, durationMs);
    } finally {
      await discard.close();
    }
    const worker = await startWorkerLoupe();
    let inWorker: Phases;
    let opening: Delay & { ms: number };
    try {
      inWorker = await phases(worker, agent, durationMs);
      opening = await openBigTrace(worker);
    } finally {
      await worker.close();
    }
    const inProcess = await startInProcessLoupe();
    let onThread: Phases;
    try {
      onThread = await phases(inProcess, agent, durationMs);
    } finally {
      await inProcess.close();
    }
    return {
      title: `3. Editor responsiveness (event-loop delay of the extension host's thread, ${RESOLUTION_MS} ms resolution; gRPC flood, 4 clients)`,
      rows: [
        ...rows('engine in worker (as shipped)', inWorker, true, control),
        {
          measure: `engine in worker, opening a ${BIG_TRACE.toLocaleString('en-US')}-span waterfall (${fmt(opening.ms, 0)} ms): max`,
          value: `${fmt(opening.maxMs, 1)} ms`,
          baseline: 'columns text crosses from the engine thread',
          status: 'info',
        },
        ...rows('engine in-process (contrast)', onThread, false, control),
      ],
      figures: {
        resolutionMs: RESOLUTION_MS,
        durationMs,
        inWorker,
        inProcess: onThread,
        discardOnly: control,
        openingBigWaterfall: opening,
      },
      notes: [`the thread lists the traces again on every change (${inWorker.changes} changes in the worker run)`],
    };
  } finally {
    await agent.stop();
  }
}
