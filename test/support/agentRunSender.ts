import { context, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';

/** One step of a simulated agent run: a span with explicit times, so 30 runs take milliseconds to send. */
export interface RunStep {
  name: string;
  durationMs: number;
  attributes?: Attributes;
  /** Steps run one after another under this one. */
  children?: RunStep[];
}

/**
 * A real OpenTelemetry SDK (TracerProvider, batch processor, OTLP/HTTP protobuf exporter) sending
 * agent runs of one service version to a real receiver.
 */
export class AgentRunSender {
  private readonly provider: TracerProvider;
  private readonly tracer: Tracer;

  constructor(endpoint: string, resource: Attributes) {
    this.provider = new TracerProvider({
      resource: resourceFromAttributes(resource),
      spanProcessors: [
        new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: endpoint }), scheduledDelayMillis: 10, maxExportBatchSize: 512 }),
      ],
    });
    this.tracer = this.provider.getTracer('agent-run-sender');
  }

  /** Sends one run starting at `startMs`; returns its trace id. */
  run(root: RunStep, startMs: number): string {
    return this.step(root, startMs, undefined).spanContext().traceId;
  }

  private step(step: RunStep, startMs: number, parent: Span | undefined): Span {
    const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
    const span = this.tracer.startSpan(step.name, { startTime: startMs, attributes: step.attributes, root: !parent }, ctx);
    let t = startMs;
    for (const child of step.children ?? []) {
      this.step(child, t, span);
      t += child.durationMs;
    }
    span.end(startMs + step.durationMs);
    return span;
  }

  async flush(): Promise<void> {
    await this.provider.forceFlush();
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}
