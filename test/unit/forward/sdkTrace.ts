import { context, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { decodeTraceRequest } from '../../../src/core/otlp/decode';
import type { ExportTraceServiceRequest } from '../../../src/model/otlpTypes';
import { emitSampleSpans, REMOTE_PARENT } from '../receiver/sampleSpans';

export const SDK_SERVICE_NAME = 'agent-under-test';
/** Every span of the SDK trace is in this trace (its root has a remote parent). */
export const SDK_TRACE_ID = REMOTE_PARENT.traceId;
export const SDK_SPAN_COUNT = 6;

/**
 * A trace made by the real OpenTelemetry SDK, as Loupe decodes it: the receiver tests' sample
 * run (remote parent, every kind, events, links, statuses, dropped counts) plus a span whose
 * attributes use every OTLP value type, maps, bytes, mixed and nested arrays and empty values.
 */
export async function sdkTraceRequest(): Promise<ExportTraceServiceRequest> {
  const sent = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes(
      { 'service.name': SDK_SERVICE_NAME, 'deployment.id': 7, 'host.ok': true, 'host.tags': ['a', 'b'] },
      { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' },
    ),
    spanLimits: { attributeCountLimit: 32 },
    spanProcessors: [new SimpleSpanProcessor({ exporter: sent })],
  });
  const tracer = provider.getTracer('loupe-test', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
  emitSampleSpans(tracer);
  const sameTrace = trace.setSpanContext(context.active(), { ...REMOTE_PARENT, traceFlags: TraceFlags.SAMPLED, isRemote: true });
  const structured = tracer.startSpan(
    'retrieve documents',
    {
      kind: SpanKind.CLIENT,
      startTime: [1_700_000_002, 1],
      attributes: {
        'a.map': { model: 'gpt-4o', usage: { input: 3, output: 4.5 }, tags: ['x', 'y'], ok: false },
        'a.bytes': new Uint8Array([0, 1, 2, 253, 254, 255]),
        'a.mixed': [1, 'two', true, 2.5],
        'a.nested': [[1, 2], ['x'], [{ deep: 'value' }]],
        'a.empty_list': [],
        'a.empty_map': {},
        'a.with_null': ['x', null, 'z'],
        'a.null': null,
        'a.negative_big': -9_007_199_254_740_991,
      },
    },
    sameTrace,
  );
  structured.addEvent('chunk', { 'chunk.bytes': new Uint8Array([9, 8]), 'chunk.meta': { n: 1 } }, [1_700_000_002, 5]);
  structured.setStatus({ code: SpanStatusCode.ERROR, message: 'index unavailable' });
  structured.end([1_700_000_002, 999_999_999]);
  await provider.forceFlush();
  const bytes = ProtobufTraceSerializer.serializeRequest(sent.getFinishedSpans());
  await provider.shutdown();
  if (!bytes) throw new Error('the SDK serialized nothing');
  return decodeTraceRequest(bytes, 'protobuf');
}
