import { context, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import * as vscode from 'vscode';
import type { LoupeExtensionApi } from '../../../src/vscode/extension';

export const EXTENSION_ID = 'loupe-dev.loupe';

/** The running extension's API (activating it if needed). */
export async function loupe(): Promise<LoupeExtensionApi> {
  const extension = vscode.extensions.getExtension<LoupeExtensionApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this extension host`);
  const api = await extension.activate();
  await api.connection.settled();
  return api;
}

/** Polls until `probe` gives a value; bounded, with the wait's purpose in the failure. */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The ports this window's receiver listens on (port 0 in the test settings picks free ones). */
export function listeningPorts(api: LoupeExtensionApi): { httpPort: number; grpcPort: number } {
  const state = api.connection.state;
  if (state.role !== 'owner' || state.receiver.http.state !== 'listening' || state.receiver.grpc.state !== 'listening') {
    throw new Error(`the receiver is not listening: ${JSON.stringify(state)}`);
  }
  return { httpPort: state.receiver.http.port, grpcPort: state.receiver.grpc.port };
}

export type Transport = 'http' | 'grpc';

/** A tracer provider exporting to this window's receiver exactly as an agent program would. */
export function agentProvider(api: LoupeExtensionApi, transport: Transport, service = 'weather-agent'): TracerProvider {
  const ports = listeningPorts(api);
  const exporter =
    transport === 'http'
      ? new ProtoTraceExporter({ url: `http://127.0.0.1:${ports.httpPort}/v1/traces` })
      : new GrpcTraceExporter({ url: `http://127.0.0.1:${ports.grpcPort}` });
  return new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
}

export interface SentRun {
  traceId: string;
  rootSpanId: string;
  llmSpanId: string;
  toolSpanId: string;
  spanCount: number;
}

/** An agent run: invoke_agent → chat (tokens, code location on another machine) → execute_tool (failed). */
export async function sendRun(provider: TracerProvider, name: string, extra: Attributes = {}): Promise<SentRun> {
  const tracer = provider.getTracer('loupe-integration');
  const root = tracer.startSpan(name, {
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'weather', ...extra },
  });
  const parent = trace.setSpan(context.active(), root);
  const llm = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 420,
        'gen_ai.usage.output_tokens': 37,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]),
        // Recorded in a CI container: only the path suffix matches the workspace.
        'code.file.path': '/home/ci/build/agent/tools/weather.py',
        'code.line.number': 6,
        'code.function.name': 'get_weather',
      },
    },
    parent,
  );
  llm.end();
  const tool = tracer.startSpan(
    'execute_tool get_weather',
    { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' } },
    parent,
  );
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'weather service unavailable' });
  tool.end();
  root.end();
  await provider.forceFlush();
  return {
    traceId: root.spanContext().traceId,
    rootSpanId: root.spanContext().spanId,
    llmSpanId: llm.spanContext().spanId,
    toolSpanId: tool.spanContext().spanId,
    spanCount: 3,
  };
}

/** Waits until the Traces view's model holds the trace with at least `spanCount` spans. */
export function traceInTree(api: LoupeExtensionApi, traceId: string, spanCount: number): Promise<void> {
  return waitFor(
    () => (api.tree.model.summary(traceId)?.spanCount ?? 0) >= spanCount,
    `trace ${traceId} with ${spanCount} spans in the tree`,
  ).then(() => undefined);
}
