import * as assert from 'node:assert/strict';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { TracePersistence } from '../../../src/core/store/tracePersistence';
import { GrpcReceiver } from '../../../src/core/receiver/grpcReceiver';
import { HttpServer } from '../../../src/core/host/httpListener';
import type { ExportTraceServiceRequest } from '../../../src/model/otlpTypes';
import { useTempDirs } from './storeTestDirs';

/** About 1 MB of varied text: multi-byte characters, quotes, newlines, a lone backslash. */
function bigPrompt(seed: number): string {
  const words = ['naïve', 'café', '数据', '🚀', '"quoted"', 'back\\slash', 'tab\there', 'line\nbreak', 'plain', 'ascii'];
  let out = '';
  for (let i = 0; out.length < 1_000_000; i++) out += words[(i * 7 + seed) % words.length] + (i % 13 === 0 ? '\n' : ' ');
  return out;
}

describe('A 1 MB prompt sent by the real OpenTelemetry SDK', function () {
  this.timeout(60_000);
  const tempDir = useTempDirs();

  it('reads back byte for byte over REST, from memory and after a restart from the store', async () => {
    const dir = await tempDir();
    let engine = await TraceEngine.open({ persistence: new TracePersistence(dir, { flushDelayMs: 5 }) });
    let http = new HttpServer({ sink: engine, api: engine, port: 0 });
    const grpc = new GrpcReceiver({ sink: engine, port: 0 });
    let httpPort = await http.start();
    const grpcPort = await grpc.start();
    const sent: { traceId: string; spanId: string; prompt: string; messages: string }[] = [];
    try {
      for (const [i, exporter] of [
        new GrpcExporter({ url: `http://127.0.0.1:${grpcPort}` }),
        new ProtoExporter({ url: `http://127.0.0.1:${httpPort}/v1/traces` }),
      ].entries()) {
        const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
        const prompt = bigPrompt(i);
        const messages = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: prompt }] }]);
        const llm = provider.getTracer('round-trip').startSpan('chat gpt-4o', {
          attributes: { 'gen_ai.prompt': prompt, 'gen_ai.input.messages': messages, 'gen_ai.request.model': 'gpt-4o' },
        });
        llm.end();
        sent.push({ traceId: llm.spanContext().traceId, spanId: llm.spanContext().spanId, prompt, messages });
        await provider.forceFlush();
        await provider.shutdown();
      }

      const readBack = async (label: string) => {
        for (const { traceId, spanId, prompt, messages } of sent) {
          const span = (await (
            await fetch(`http://127.0.0.1:${httpPort}/api/traces/${traceId}/spans/${spanId}`, {
              headers: { authorization: `Bearer ${http.accessToken}` },
            })
          ).json()) as {
            attributes: Record<string, unknown>;
            messages: { input: { parts: { content?: string }[] }[] };
          };
          assert.ok(Buffer.from(String(span.attributes['gen_ai.prompt'])).equals(Buffer.from(prompt)), `${label}: the prompt attribute`);
          assert.ok(
            Buffer.from(String(span.attributes['gen_ai.input.messages'])).equals(Buffer.from(messages)),
            `${label}: the messages attribute`,
          );
          assert.equal(span.messages.input[0].parts[0].content, prompt, `${label}: the parsed message`);
          const otlp = (await (
            await fetch(`http://127.0.0.1:${httpPort}/api/traces/${traceId}/otlp`, {
              headers: { authorization: `Bearer ${http.accessToken}` },
            })
          ).json()) as ExportTraceServiceRequest;
          const attributes = otlp.resourceSpans[0].scopeSpans[0].spans[0].attributes;
          assert.equal(attributes.find((kv) => kv.key === 'gen_ai.input.messages')?.value.stringValue, messages, `${label}: the export`);
        }
      };
      await readBack('in memory');
      await http.stop();
      await engine.close();

      engine = await TraceEngine.open({ persistence: new TracePersistence(dir) });
      assert.equal(engine.residentTraces, 0);
      http = new HttpServer({ sink: engine, api: engine, port: 0 });
      httpPort = await http.start();
      await readBack('after a restart');
    } finally {
      await grpc.stop();
      await http.stop();
      await engine.close();
    }
  });
});
