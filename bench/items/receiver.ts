import type { ExporterKind, FloodResult } from '../agent/agentProtocol';
import type { Transport } from '../agent/otlpSenders';
import { AgentProcess } from '../support/agentProcess';
import type { WireFormat } from '../support/requestTemplate';
import { fmt, judge, ratio, type BenchRow, type BenchSection } from '../support/report';
import { startDiscard, startWorkerLoupe } from '../support/serversUnderTest';
import { median } from '../support/stats';

const SPANS_PER_REQUEST = 512;
const CONCURRENCY = 4;
const EXPORT_SPANS = 20_000;

const TRANSPORTS: { label: string; transport: Transport; format: WireFormat }[] = [
  { label: 'gRPC', transport: 'grpc', format: 'protobuf' },
  { label: 'HTTP protobuf', transport: 'http', format: 'protobuf' },
  { label: 'HTTP JSON', transport: 'http', format: 'json' },
];
const EXPORTERS: ExporterKind[] = ['grpc', 'http/protobuf', 'http/json'];

interface Capacity {
  label: string;
  discardSpansPerSec: number;
  acceptedSpansPerSec: number;
  storedSpansPerSec: number;
  ackedSpans: number;
  storedSpans: number;
  flushMs: number;
  errors: number;
  firstError?: string;
  /** CPU time of this process (the server's thread and its GC helpers; the agent is another process) per span. */
  discardCpuUsPerSpan: number;
  loupeCpuUsPerSpan: number;
}

/** Runs `work` and returns its result with this process's CPU time (µs) spent meanwhile. */
async function withCpu<T>(work: () => Promise<T>): Promise<[T, number]> {
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  return [result, used.user + used.system];
}

function rate(result: FloodResult): number {
  return result.ackedSpans / (result.elapsedMs / 1000);
}

async function measureCapacity(agent: AgentProcess, durationMs: number): Promise<Capacity[]> {
  const out: Capacity[] = [];
  for (const { label, transport, format } of TRANSPORTS) {
    const flood = (port: number) =>
      agent.call<FloodResult>({
        cmd: 'flood',
        transport,
        port,
        format,
        spansPerRequest: SPANS_PER_REQUEST,
        concurrency: CONCURRENCY,
        durationMs,
      });
    const discard = await startDiscard();
    const [base, baseCpu] = await withCpu(() => flood(transport === 'grpc' ? discard.grpcPort : discard.httpPort));
    await discard.close();

    const loupe = await startWorkerLoupe();
    let flushMs = 0;
    const [result, loupeCpu] = await withCpu(async () => {
      const flooded = await flood(transport === 'grpc' ? loupe.grpcPort : loupe.httpPort);
      const flushStart = performance.now();
      await loupe.loupe.flush();
      flushMs = performance.now() - flushStart;
      return flooded;
    });
    const stats = await loupe.loupe.stats();
    await loupe.close();
    // One trace per request, so every evicted trace took exactly one request's spans with it.
    const storedSpans = stats.spans + stats.evictedTraces * SPANS_PER_REQUEST;
    out.push({
      label,
      discardSpansPerSec: rate(base),
      acceptedSpansPerSec: rate(result),
      storedSpansPerSec: storedSpans / ((result.elapsedMs + flushMs) / 1000),
      ackedSpans: result.ackedSpans,
      storedSpans,
      flushMs,
      errors: result.errors + base.errors,
      firstError: result.firstError ?? base.firstError,
      discardCpuUsPerSpan: baseCpu / base.ackedSpans,
      loupeCpuUsPerSpan: loupeCpu / result.ackedSpans,
    });
  }
  return out;
}

interface ExportTiming {
  kind: ExporterKind;
  discardMs: number;
  loupeMs: number;
  failedBatches: number;
}

async function measureExporters(agent: AgentProcess, rounds: number): Promise<ExportTiming[]> {
  const discard = await startDiscard();
  const loupe = await startWorkerLoupe();
  const out: ExportTiming[] = [];
  try {
    for (const kind of EXPORTERS) {
      const port = (server: { grpcPort: number; httpPort: number }) => (kind === 'grpc' ? server.grpcPort : server.httpPort);
      const run = (p: number) =>
        agent.call<{ elapsedMs: number; failedBatches: number }>({
          cmd: 'export',
          kind,
          port: p,
          spans: EXPORT_SPANS,
          batch: SPANS_PER_REQUEST,
        });
      const discardMs: number[] = [];
      const loupeMs: number[] = [];
      let failedBatches = 0;
      await run(port(discard)); // warm-up: connections, JIT
      await run(port(loupe));
      for (let r = 0; r < rounds; r++) {
        const a = await run(port(discard));
        const b = await run(port(loupe));
        discardMs.push(a.elapsedMs);
        loupeMs.push(b.elapsedMs);
        failedBatches += a.failedBatches + b.failedBatches;
      }
      out.push({ kind, discardMs: median(discardMs), loupeMs: median(loupeMs), failedBatches });
    }
  } finally {
    await discard.close();
    await loupe.close();
  }
  return out;
}

/** Item 2: receiver capacity against transport-only servers, and the real exporters' export time. */
export async function benchReceiver(quick: boolean): Promise<BenchSection[]> {
  const agent = AgentProcess.start();
  try {
    await agent.call({
      cmd: 'prepare',
      templates: [
        ['protobuf', SPANS_PER_REQUEST],
        ['json', SPANS_PER_REQUEST],
      ],
      exportSpans: EXPORT_SPANS,
    });
    const capacity = await measureCapacity(agent, quick ? 3000 : 8000);
    const exporters = await measureExporters(agent, quick ? 1 : 3);

    const fastest = Math.max(...exporters.map((e) => EXPORT_SPANS / (e.discardMs / 1000)));
    const capacityRows: BenchRow[] = capacity.flatMap((c) => [
      {
        measure: `${c.label}: accepted`,
        value: `${fmt(c.acceptedSpansPerSec, 0)} spans/s`,
        baseline: `discard ${fmt(c.discardSpansPerSec, 0)} spans/s`,
        ratio: ratio(c.acceptedSpansPerSec / c.discardSpansPerSec),
        status: 'info' as const,
      },
      {
        measure: `${c.label}: CPU per span (server process)`,
        value: `${fmt(c.loupeCpuUsPerSpan, 1)} µs`,
        baseline: `discard ${fmt(c.discardCpuUsPerSpan, 1)} µs`,
        ratio: ratio(c.loupeCpuUsPerSpan / c.discardCpuUsPerSpan),
        status: 'info' as const,
      },
      {
        measure: `${c.label}: stored (incl. writing the store)`,
        value: `${fmt(c.storedSpansPerSec, 0)} spans/s${c.storedSpans !== c.ackedSpans ? ` (${c.ackedSpans - c.storedSpans} acknowledged spans missing)` : ''}`,
        baseline: `fastest exporter ${fmt(fastest, 0)} spans/s`,
        ratio: ratio(c.storedSpansPerSec / fastest),
        target: '≥ 3× fastest exporter',
        status: c.storedSpans !== c.ackedSpans || c.errors > 0 ? 'failed' : judge(c.storedSpansPerSec / fastest, '>=', 3),
      },
    ]);
    const exporterRows: BenchRow[] = exporters.map((e) => ({
      measure: `${e.kind} exporter, ${EXPORT_SPANS.toLocaleString('en-US')} spans`,
      value: `${fmt(e.loupeMs, 0)} ms to Loupe`,
      baseline: `${fmt(e.discardMs, 0)} ms to discard`,
      ratio: ratio(e.loupeMs / e.discardMs),
      target: '≤ 1.1×',
      status: e.failedBatches > 0 ? 'failed' : judge(e.loupeMs / e.discardMs, '<=', 1.1),
    }));
    const errors = capacity.filter((c) => c.errors > 0).map((c) => `${c.label}: ${c.errors} failed requests (${c.firstError})`);
    return [
      {
        title: `2. Receiver capacity (${CONCURRENCY} concurrent clients, pre-encoded ${SPANS_PER_REQUEST}-span LLM requests, Loupe in its worker thread)`,
        rows: capacityRows,
        figures: { spansPerRequest: SPANS_PER_REQUEST, concurrency: CONCURRENCY, capacity, fastestExporterSpansPerSec: fastest },
        notes: errors,
      },
      {
        title: `2. Real OpenTelemetry exporter (${EXPORT_SPANS.toLocaleString('en-US')} LLM spans in ${SPANS_PER_REQUEST}-span batches, median of ${quick ? 1 : 3})`,
        rows: exporterRows,
        figures: { exporters },
      },
    ];
  } finally {
    await agent.stop();
  }
}
