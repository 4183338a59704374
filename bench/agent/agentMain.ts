import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { jsonRequest, llmSpans, protobufRequest } from '../support/llmSpans';
import { randomTraceId, RequestTemplate, TEMPLATE_TRACE_ID, type WireFormat } from '../support/requestTemplate';
import { senderFor, type Transport } from './otlpSenders';
import type { AgentCommand, ExporterKind, FloodResult, SteadyResult } from './agentProtocol';

// The agent: a separate process that sends spans the way an instrumented program would, so the
// receiver under test never shares a thread (or a core's run queue) with its load.

const templates = new Map<string, Promise<RequestTemplate>>();

function templateFor(format: WireFormat, spans: number): Promise<RequestTemplate> {
  const key = `${format}:${spans}`;
  let template = templates.get(key);
  if (!template) {
    template = llmSpans({ spans, spansPerTrace: spans, traceId: TEMPLATE_TRACE_ID }).then((made) => {
      const bytes = format === 'protobuf' ? protobufRequest(made) : jsonRequest(made);
      return new RequestTemplate(Buffer.from(bytes), format, spans);
    });
    templates.set(key, template);
  }
  return template;
}

async function flood(args: {
  transport: Transport;
  port: number;
  format: WireFormat;
  spansPerRequest: number;
  concurrency: number;
  durationMs: number;
}): Promise<FloodResult> {
  const template = await templateFor(args.format, args.spansPerRequest);
  const senders = Array.from({ length: args.concurrency }, () => senderFor(args.transport, args.port, args.format));
  const result: FloodResult = { requests: 0, sentSpans: 0, ackedSpans: 0, errors: 0, elapsedMs: 0, bytes: 0 };
  const started = performance.now();
  const deadline = started + args.durationMs;
  await Promise.all(
    senders.map(async (sender) => {
      while (performance.now() < deadline) {
        const body = template.withTraceId(randomTraceId());
        result.sentSpans += template.spanCount;
        result.bytes += body.length;
        try {
          const acked = await sender.send(body, template.spanCount);
          result.ackedSpans += acked;
          result.requests++;
        } catch (error) {
          result.errors++;
          result.firstError ??= error instanceof Error ? error.message : String(error);
          if (result.errors > 50) return;
        }
      }
    }),
  );
  result.elapsedMs = performance.now() - started;
  for (const sender of senders) sender.close();
  return result;
}

let stopSteady: (() => void) | undefined;

/** Sends `spansPerSecond` on a fixed timeline, one trace per request, and remembers what each trace got acknowledged. */
async function steady(args: {
  transport: Transport;
  port: number;
  format: WireFormat;
  spansPerRequest: number;
  spansPerSecond: number;
  durationMs: number;
  maxInFlight?: number;
}): Promise<SteadyResult> {
  const template = await templateFor(args.format, args.spansPerRequest);
  const sender = senderFor(args.transport, args.port, args.format);
  const intervalMs = (1000 * args.spansPerRequest) / args.spansPerSecond;
  const maxInFlight = args.maxInFlight ?? 16;
  const result: SteadyResult = { traces: [], sentSpans: 0, ackedSpans: 0, errors: 0, skipped: 0, elapsedMs: 0 };
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  stopSteady = () => (stopped = true);
  const started = performance.now();
  for (let n = 0; !stopped && n * intervalMs < args.durationMs; n++) {
    const due = started + n * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight.size >= maxInFlight) {
      result.skipped++;
      continue;
    }
    const traceId = randomTraceId();
    const entry: [string, number] = [traceId, 0];
    result.traces.push(entry);
    result.sentSpans += template.spanCount;
    const sending = sender.send(template.withTraceId(traceId), template.spanCount).then(
      (acked) => {
        entry[1] = acked;
        result.ackedSpans += acked;
      },
      (error: unknown) => {
        result.errors++;
        result.firstError ??= error instanceof Error ? error.message : String(error);
      },
    );
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
  }
  await Promise.all(inFlight);
  stopSteady = undefined;
  result.elapsedMs = performance.now() - started;
  sender.close();
  return result;
}

let exportSpans: Promise<ReadableSpan[]> | undefined;

function exporterFor(kind: ExporterKind, port: number): SpanExporter {
  switch (kind) {
    case 'grpc':
      return new GrpcTraceExporter({ url: `http://127.0.0.1:${port}` });
    case 'http/protobuf':
      return new ProtoTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` });
    case 'http/json':
      return new JsonTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` });
  }
}

/** The real OTLP exporter sending `spans` in batches of `batch`, one export at a time as the batch processor does. */
async function exportRun(args: {
  kind: ExporterKind;
  port: number;
  spans: number;
  batch: number;
}): Promise<{ elapsedMs: number; failedBatches: number }> {
  exportSpans ??= llmSpans({ spans: args.spans, spansPerTrace: 500 });
  const spans = (await exportSpans).slice(0, args.spans);
  const exporter = exporterFor(args.kind, args.port);
  let failedBatches = 0;
  const started = performance.now();
  for (let at = 0; at < spans.length; at += args.batch) {
    const code = await new Promise<ExportResultCode>((resolve) =>
      exporter.export(spans.slice(at, at + args.batch), (result) => resolve(result.code)),
    );
    if (code !== ExportResultCode.SUCCESS) failedBatches++;
  }
  const elapsedMs = performance.now() - started;
  await exporter.shutdown();
  return { elapsedMs, failedBatches };
}

async function run(command: AgentCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'prepare':
      await Promise.all(command.templates.map(([format, spans]) => templateFor(format, spans)));
      if (command.exportSpans) exportSpans ??= llmSpans({ spans: command.exportSpans, spansPerTrace: 500 });
      await exportSpans;
      return null;
    case 'flood':
      return flood(command);
    case 'steady':
      return steady(command);
    case 'stopSteady':
      stopSteady?.();
      return null;
    case 'export':
      return exportRun(command);
  }
}

process.on('message', (message: { id: number; command: AgentCommand }) => {
  run(message.command).then(
    (result) => process.send!({ id: message.id, result }),
    (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
