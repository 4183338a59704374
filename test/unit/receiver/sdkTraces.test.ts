import { deepStrictEqual, strictEqual } from 'node:assert';
import { InMemorySpanExporter, BatchSpanProcessor, SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { receiversUnderTest, TRANSPORTS } from './sdkExportSetup';
import { emitSampleSpans, REMOTE_PARENT } from './sampleSpans';
import { spansById } from './otlpCanonical';

describe('spans from the OpenTelemetry JS SDK arrive intact', () => {
  const { sink, exporterFor } = receiversUnderTest<SpanExporter>('traces', {
    grpc: GrpcTraceExporter,
    'http/protobuf': ProtoTraceExporter,
    'http/json': JsonTraceExporter,
  });

  for (const transport of TRANSPORTS) {
    for (const gzip of [false, true]) {
      it(`over ${transport}${gzip ? ' with gzip' : ''}`, async () => {
        sink.traces.length = 0;
        const sent = new InMemorySpanExporter();
        const provider = new TracerProvider({
          resource: resourceFromAttributes({ 'service.name': 'agent-under-test', 'deployment.id': 7, 'host.ok': true }),
          spanLimits: { attributeCountLimit: 32 },
          spanProcessors: [
            new SimpleSpanProcessor({ exporter: sent }),
            new BatchSpanProcessor({ exporter: exporterFor(transport, gzip), scheduledDelayMillis: 10 }),
          ],
        });
        emitSampleSpans(provider.getTracer('loupe-test', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' }));
        await provider.forceFlush();
        // Read before shutdown, which empties the in-memory exporter.
        const serialized = JsonTraceSerializer.serializeRequest(sent.getFinishedSpans());
        await provider.shutdown();

        const expected = spansById([JSON.parse(new TextDecoder().decode(serialized))]);
        const received = spansById(sink.traces);
        strictEqual(received.size, 5);
        deepStrictEqual(received, expected);

        // Spot checks that the comparison itself sees the details that matter.
        const root = [...sink.traces.flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)))].find(
          (span) => span.name === 'invoke_agent planner',
        );
        strictEqual(root?.parentSpanId, REMOTE_PARENT.spanId);
        strictEqual(root?.traceId, REMOTE_PARENT.traceId);
        strictEqual(root?.startTimeUnixNano, '1700000000123456789');
        strictEqual(root?.traceState, 'vendor=abc,other=1');
      });
    }
  }
});
