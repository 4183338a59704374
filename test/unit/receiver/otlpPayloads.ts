import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

/** A real export request for one span, as the SDK's own serializers encode it. */
export async function sdkTraceRequest(
  format: 'protobuf' | 'json',
  attributes: Record<string, string | number> = {},
  spanName = 'valid span',
): Promise<Buffer> {
  const sent = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: sent })] });
  provider.getTracer('payloads').startSpan(spanName, { attributes }).end();
  await provider.forceFlush();
  const spans = sent.getFinishedSpans();
  const bytes = format === 'json' ? JsonTraceSerializer.serializeRequest(spans) : ProtobufTraceSerializer.serializeRequest(spans);
  await provider.shutdown();
  if (!bytes) throw new Error('the SDK serializer produced nothing');
  return Buffer.from(bytes);
}

/** Protobuf that claims a 2 GiB resource_spans field in a 6-byte body. */
export const TRUNCATED_PROTOBUF = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x07]);
