import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { HttpLoupe } from '../../src/core/host/httpLoupe';
import type { TraceChange } from '../../src/model/traceTypes';
import { AgentProcess } from '../support/agentProcess';
import { llmSpans } from '../support/llmSpans';
import { fmt, judge, type BenchRow, type BenchSection } from '../support/report';
import { startWorkerLoupe } from '../support/serversUnderTest';
import { percentile, sleep } from '../support/stats';

const SPANS_PER_TRACE = 10;
const BACKGROUND_SPANS_PER_SEC = 2000;

interface Visible {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  samples: number;
}

/** Exports one trace at a time with the real gRPC exporter and times until its change event arrives over SSE. */
async function measure(exporter: OTLPTraceExporter, client: HttpLoupe, traces: ReadableSpan[][]): Promise<Visible> {
  const waiting = new Map<string, (at: number) => void>();
  const unsubscribe = client.subscribe((change: TraceChange) => {
    const at = performance.now();
    for (const summary of change.upserted) waiting.get(summary.traceId)?.(at);
  });
  await sleep(300); // the stream is open
  const samples: number[] = [];
  for (const spans of traces) {
    const traceId = spans[0].spanContext().traceId;
    const seen = new Promise<number>((resolve) => waiting.set(traceId, resolve));
    const started = performance.now();
    exporter.export(spans, () => undefined);
    const timeout = sleep(10_000).then(() => NaN);
    const at = await Promise.race([seen, timeout]);
    waiting.delete(traceId);
    samples.push(at - started);
    // A gap that does not line up with the 50 ms coalescing window.
    await sleep(60 + Math.random() * 90);
  }
  unsubscribe();
  const seenSamples = samples.filter(Number.isFinite);
  return {
    p50Ms: percentile(seenSamples, 0.5),
    p95Ms: seenSamples.length === samples.length ? percentile(seenSamples, 0.95) : NaN,
    maxMs: Math.max(...samples),
    samples: samples.length,
  };
}

function rows(label: string, v: Visible): BenchRow[] {
  return [
    { measure: `${label}: p50`, value: `${fmt(v.p50Ms, 0)} ms`, status: 'info' },
    { measure: `${label}: p95`, value: `${fmt(v.p95Ms, 0)} ms`, target: '≤ 300 ms', status: judge(v.p95Ms, '<=', 300) },
  ];
}

/** Item 5: from the exporter's export call to the change event at an SSE subscriber. */
export async function benchVisible(quick: boolean): Promise<BenchSection> {
  const count = quick ? 20 : 60;
  const all = await llmSpans({ spans: count * 2 * SPANS_PER_TRACE, spansPerTrace: SPANS_PER_TRACE });
  const traces: ReadableSpan[][] = [];
  for (let at = 0; at < all.length; at += SPANS_PER_TRACE) traces.push(all.slice(at, at + SPANS_PER_TRACE));
  const loupe = await startWorkerLoupe();
  const agent = AgentProcess.start();
  const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${loupe.grpcPort}` });
  const client = new HttpLoupe(`http://127.0.0.1:${loupe.httpPort}`, { token: loupe.loupe.accessToken });
  try {
    // Warm the exporter's channel first.
    await new Promise((resolve) => exporter.export(traces[0], resolve));
    const idle = await measure(exporter, client, traces.slice(1, count));
    await agent.call({ cmd: 'prepare', templates: [['protobuf', 100]] });
    const background = agent.call({
      cmd: 'steady',
      transport: 'grpc',
      port: loupe.grpcPort,
      format: 'protobuf',
      spansPerRequest: 100,
      spansPerSecond: BACKGROUND_SPANS_PER_SEC,
      durationMs: 600_000,
    });
    await sleep(1000);
    const loaded = await measure(exporter, client, traces.slice(count));
    agent.tell({ cmd: 'stopSteady' });
    await background;
    return {
      title: `5. Time to visible (real gRPC exporter → SSE change event at an HttpLoupe subscriber; ${SPANS_PER_TRACE}-span traces)`,
      rows: [...rows('idle', idle), ...rows(`during ${BACKGROUND_SPANS_PER_SEC.toLocaleString('en-US')} spans/s of other traffic`, loaded)],
      figures: { idle, loaded },
    };
  } finally {
    client.close();
    await exporter.shutdown();
    await agent.stop();
    await loupe.close();
  }
}
