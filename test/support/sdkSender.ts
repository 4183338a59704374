import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { context, trace, type Attributes } from '@opentelemetry/api';

/**
 * An agent instrumented with the real OpenTelemetry SDK, exporting to Loupe over OTLP/HTTP
 * (protobuf) or OTLP/gRPC with the SDK's own batch processor and exporter.
 */
export class SdkSender {
  private readonly provider: TracerProvider;

  constructor(protocol: 'http' | 'grpc', port: number, service = 'forwarded-agent') {
    const exporter =
      protocol === 'http'
        ? new ProtoExporter({ url: `http://127.0.0.1:${port}/v1/traces` })
        : new GrpcExporter({ url: `http://127.0.0.1:${port}` });
    this.provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 20, maxExportBatchSize: 256 })],
    });
  }

  /** A run: a root span with `children` child spans; answers every span id, root first. */
  run(name: string, children: number, attributes: Attributes = {}): string[] {
    const tracer = this.provider.getTracer('loupe-forwarding-test');
    const root = tracer.startSpan(name, { attributes });
    const ids = [root.spanContext().spanId];
    const parent = trace.setSpan(context.active(), root);
    for (let i = 0; i < children; i++) {
      const child = tracer.startSpan(`${name} step ${i}`, { attributes }, parent);
      ids.push(child.spanContext().spanId);
      child.end();
    }
    root.end();
    return ids;
  }

  /** Sends everything ended so far. */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}
