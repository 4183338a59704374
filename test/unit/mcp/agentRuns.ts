import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** A credential the agent put on a span; redaction must keep it out of every answer. */
export const SECRET = 'sk-live-DO-NOT-LEAK-7f3a9c';

export interface SentRuns {
  olderTraceId: string;
  newestTraceId: string;
  erroredSpanId: string;
}

/**
 * Two runs of a small agent, exported by the real OpenTelemetry SDK over OTLP/HTTP protobuf:
 * an older run whose model call failed, and a newer one whose weather tool threw, with the
 * source location recorded on the tool span.
 */
export async function sendAgentRuns(httpPort: number): Promise<SentRuns> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'weather-agent' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${httpPort}/v1/traces` }) })],
  });
  const tracer = provider.getTracer('agent-test');
  const base = Date.now() - 60_000;

  const older = tracer.startSpan('invoke_agent weather', {
    startTime: base,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'weather' },
  });
  const olderCtx = trace.setSpan(context.active(), older);
  const failedCall = tracer.startSpan(
    'chat gpt-4o',
    { startTime: base + 10, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' } },
    olderCtx,
  );
  failedCall.setStatus({ code: SpanStatusCode.ERROR, message: '429 rate limited' });
  failedCall.end(base + 200);
  older.end(base + 210);

  const start = base + 30_000;
  const root = tracer.startSpan('invoke_agent weather', {
    startTime: start,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'weather' },
  });
  const rootCtx = trace.setSpan(context.active(), root);
  const call = tracer.startSpan(
    'chat gpt-4o',
    {
      startTime: start + 5,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 30,
        'llm.api_key': SECRET,
        'gen_ai.system_instructions': JSON.stringify([
          { type: 'text', content: 'You answer weather questions with the get_weather tool.' },
        ]),
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Atlantis?' }] }]),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Atlantis' } }] },
        ]),
      },
    },
    rootCtx,
  );
  call.end(start + 400);
  const tool = tracer.startSpan(
    'execute_tool get_weather',
    {
      startTime: start + 410,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'code.filepath': '/home/dev/agent/tools/weather.py',
        'code.lineno': 42,
        'code.function': 'get_weather',
      },
    },
    rootCtx,
  );
  const erroredSpanId = tool.spanContext().spanId;
  tool.recordException({ name: 'LookupError', message: 'City not found: Atlantis' });
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'City not found: Atlantis' });
  tool.end(start + 450);
  root.end(start + 500);

  await provider.forceFlush();
  await provider.shutdown();
  return { olderTraceId: older.spanContext().traceId, newestTraceId: root.spanContext().traceId, erroredSpanId };
}
