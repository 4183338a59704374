import { context, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** A tracer provider exporting OTLP/HTTP protobuf to a Loupe listener, as an agent program would. */
export function agentTracerProvider(baseUrl: string, service = 'weather-agent'): TracerProvider {
  return new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${baseUrl}/v1/traces` }), scheduledDelayMillis: 20 }),
    ],
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface SentAgentTrace {
  traceId: string;
  rootSpanId: string;
  llmSpanId: string;
  spanCount: number;
  /** A context under the root, to add spans to the same trace later. */
  rootContext: Context;
}

const INPUT_MESSAGES = [
  { role: 'system', parts: [{ type: 'text', content: 'You are a weather assistant.' }] },
  { role: 'user', parts: [{ type: 'text', content: 'What is the weather in Paris today?' }] },
];
const OUTPUT_MESSAGES = [
  {
    role: 'assistant',
    parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
    finish_reason: 'tool_calls',
  },
];

/**
 * Sends a small agent run with the OpenTelemetry SDK and the GenAI conventions:
 * invoke_agent → chat (messages, tokens) → execute_tool → chat, plus a failing tool with an exception.
 */
export async function sendAgentTrace(provider: TracerProvider, name = 'invoke_agent weather'): Promise<SentAgentTrace> {
  const tracer = provider.getTracer('loupe-browser-test');
  const root = tracer.startSpan(name, { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'weather' } });
  const rootContext = trace.setSpan(context.active(), root);
  const child = (spanName: string, attributes: Attributes, parent: Context = rootContext): Span =>
    tracer.startSpan(spanName, { attributes }, parent);

  const llm = child('chat gpt-4o-mini', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': 420,
    'gen_ai.usage.output_tokens': 37,
    'gen_ai.input.messages': JSON.stringify(INPUT_MESSAGES),
    'gen_ai.output.messages': JSON.stringify(OUTPUT_MESSAGES),
    'code.file.path': '/workspace/agent/weather.ts',
    'code.line.number': 42,
  });
  await sleep(15);
  llm.end();
  const tool = child('execute_tool get_weather', {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'get_weather',
    'gen_ai.tool.call.id': 'call_1',
    'gen_ai.tool.call.arguments': '{"city":"Paris"}',
    'gen_ai.tool.call.result': '{"tempC":18,"sky":"clear"}',
  });
  const http = child('GET /weather', { 'http.request.method': 'GET' }, trace.setSpan(context.active(), tool));
  await sleep(10);
  http.end();
  tool.end();
  const failing = child('execute_tool get_forecast', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_forecast' });
  const error = new Error('forecast service unavailable');
  error.stack =
    'Error: forecast service unavailable\n    at getForecast (/workspace/agent/tools/forecast.ts:17:11)\n    at async runTool (/workspace/node_modules/agent-kit/dist/index.js:88:5)';
  failing.recordException(error);
  failing.setStatus({ code: SpanStatusCode.ERROR, message: 'forecast service unavailable' });
  await sleep(5);
  failing.end();
  const answer = child('chat gpt-4o-mini', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.usage.input_tokens': 510,
    'gen_ai.usage.output_tokens': 64,
    'gen_ai.output.messages': JSON.stringify([
      { role: 'assistant', parts: [{ type: 'text', content: 'It is 18 °C and clear in Paris.' }], finish_reason: 'stop' },
    ]),
  });
  await sleep(12);
  answer.end();
  root.end();
  await provider.forceFlush();
  return {
    traceId: root.spanContext().traceId,
    rootSpanId: root.spanContext().spanId,
    llmSpanId: llm.spanContext().spanId,
    spanCount: 6,
    rootContext,
  };
}

/** Adds `count` spans to an existing trace (the agent keeps working). */
export async function growTrace(provider: TracerProvider, parent: Context, count: number, name = 'late step'): Promise<void> {
  const tracer = provider.getTracer('loupe-browser-test');
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan(
      `${name} ${i}`,
      { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'late' } },
      parent,
    );
    await sleep(2);
    span.end();
  }
  await provider.forceFlush();
}
