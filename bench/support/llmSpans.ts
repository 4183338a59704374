import { context, trace, type Attributes } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type IdGenerator, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

const WORDS = 'the agent reads the ticket, plans three tool calls, searches the docs and drafts a careful answer for the user. ';
const TEXT = WORDS.repeat(Math.ceil(4096 / WORDS.length) + 60);

/** The 15 attributes of one LLM call span, with a 2 KB prompt and a 2 KB completion. */
export function llmAttributes(i: number): Attributes {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.request.temperature': 0.2,
    'gen_ai.request.max_tokens': 1024,
    'gen_ai.usage.input_tokens': 1200 + (i % 500),
    'gen_ai.usage.output_tokens': 300 + (i % 200),
    'server.address': 'api.openai.com',
    'server.port': 443,
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.response.id': `chatcmpl-${i.toString(36)}x7Qa`,
    'gen_ai.prompt': TEXT.slice(i % 61, (i % 61) + 2048),
    'gen_ai.completion': TEXT.slice(200 + (i % 53), 200 + (i % 53) + 2048),
    'session.id': `session-${Math.floor(i / 1000)}`,
  };
}

export interface LlmSpanOptions {
  spans: number;
  /** Spans per trace: one root and children under it. */
  spansPerTrace: number;
  /** Fixed trace id for every span (a template to be patched); random ids otherwise. */
  traceId?: string;
  serviceName?: string;
}

/** LLM-call spans made by the real OpenTelemetry SDK, finished and ready to export. */
export async function llmSpans(options: LlmSpanOptions): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  let fixedIds: IdGenerator | undefined;
  if (options.traceId) {
    let next = 0;
    const traceId = options.traceId;
    fixedIds = { generateTraceId: () => traceId, generateSpanId: () => (++next).toString(16).padStart(12, '0').padStart(16, 'a') };
  }
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'bench-agent', 'service.version': '1.0.0' }),
    idGenerator: fixedIds,
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('bench-agent', '1.0.0');
  const start = Date.now() - 60_000;
  let root: ReturnType<typeof tracer.startSpan> | undefined;
  let parent = context.active();
  for (let i = 0; i < options.spans; i++) {
    const first = i % options.spansPerTrace === 0;
    if (first) {
      root?.end(start + 50_000);
      parent = context.active();
    }
    const span = tracer.startSpan(
      `chat gpt-4o-mini`,
      { attributes: llmAttributes(i), startTime: start + (i % 1000) * 20 },
      first ? context.active() : parent,
    );
    if (first) {
      root = span;
      parent = trace.setSpan(context.active(), span);
    } else span.end(start + (i % 1000) * 20 + 15);
  }
  root?.end(start + 50_000);
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

export function protobufRequest(spans: ReadableSpan[]): Uint8Array {
  const bytes = ProtobufTraceSerializer.serializeRequest(spans);
  if (!bytes) throw new Error('the SDK serializer produced nothing');
  return bytes;
}

export function jsonRequest(spans: ReadableSpan[]): Uint8Array {
  const bytes = JsonTraceSerializer.serializeRequest(spans);
  if (!bytes) throw new Error('the SDK serializer produced nothing');
  return bytes;
}
