import { context, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { HttpServer } from '../../../src/core/host/httpListener';
import { GrpcReceiver } from '../../../src/core/receiver/grpcReceiver';
import type { Span, TraceDetail } from '../../../src/model/traceTypes';

export type Transport = 'http/protobuf' | 'grpc';

/**
 * A real Loupe (engine behind its OTLP HTTP and gRPC receivers on free loopback ports) and a real
 * OpenTelemetry SDK (traces and logs) exporting to it, with async context so instrumented calls
 * nest under the test's own spans.
 */
export class LiveLoupeTelemetry {
  engine!: TraceEngine;
  provider!: TracerProvider;
  loggerProvider!: LoggerProvider;
  /** What the SDK handed to the exporters, to check that the instrumentation made spans at all. */
  readonly sent = new InMemorySpanExporter();
  private http!: HttpServer;
  private grpc!: GrpcReceiver;
  private readonly contextManager = new AsyncLocalStorageContextManager();

  constructor(
    private readonly serviceName: string,
    private readonly transport: Transport,
  ) {}

  async start(): Promise<void> {
    this.engine = await TraceEngine.open({ changeDelayMs: 10, version: '0.0.0-test' });
    this.http = new HttpServer({ sink: this.engine, api: this.engine, port: 0, shutdownGraceMs: 200 });
    this.grpc = new GrpcReceiver({ sink: this.engine, port: 0, shutdownGraceMs: 200 });
    const httpPort = await this.http.start();
    const grpcPort = await this.grpc.start();
    const exporter: SpanExporter =
      this.transport === 'grpc'
        ? new GrpcTraceExporter({ url: `http://127.0.0.1:${grpcPort}` })
        : new ProtoTraceExporter({ url: `http://127.0.0.1:${httpPort}/v1/traces` });
    const resource = resourceFromAttributes({ 'service.name': this.serviceName });
    this.provider = new TracerProvider({
      resource,
      spanProcessors: [new SimpleSpanProcessor({ exporter: this.sent }), new SimpleSpanProcessor({ exporter })],
    });
    this.loggerProvider = new LoggerProvider({
      resource,
      processors: [new SimpleLogRecordProcessor({ exporter: new ProtoLogExporter({ url: `http://127.0.0.1:${httpPort}/v1/logs` }) })],
    });
    context.setGlobalContextManager(this.contextManager.enable());
  }

  async stop(): Promise<void> {
    context.disable();
    await this.provider?.shutdown();
    await this.loggerProvider?.shutdown();
    await this.grpc?.stop();
    await this.http?.stop();
    await this.engine?.close();
  }

  tracer(name = 'loupe-test'): Tracer {
    return this.provider.getTracer(name);
  }

  /** Runs `work` under a new root span; returns the trace id. */
  async scenario(name: string, attributes: Attributes, work: () => Promise<unknown>): Promise<string> {
    return this.tracer().startActiveSpan(name, { attributes }, async (span) => {
      try {
        await work();
      } finally {
        span.end();
      }
      return span.spanContext().traceId;
    });
  }

  /** Flushes both SDK pipelines and reads the trace back from the engine once it holds `minSpans`. */
  async received(traceId: string, minSpans: number): Promise<TraceDetail> {
    await this.provider.forceFlush();
    await this.loggerProvider.forceFlush();
    for (let attempt = 0; attempt < 100; attempt++) {
      const detail = await this.engine.getTrace(traceId);
      if (detail && detail.spans.length >= minSpans) return detail;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const detail = await this.engine.getTrace(traceId);
    throw new Error(`trace ${traceId} has ${detail?.spans.length ?? 0} spans in Loupe, expected ${minSpans}`);
  }

  /** Spans the SDK finished for `traceId` (before export). */
  sentFor(traceId: string) {
    return this.sent.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  }
}

/** The spans of a trace under its root, in display order. */
export function childrenOf(detail: TraceDetail, parent: Span): Span[] {
  return detail.spans.filter((s) => s.parentSpanId === parent.spanId);
}

export { trace };
