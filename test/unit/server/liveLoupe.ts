import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { HttpServer } from '../../../src/core/host/httpListener';
import type { TraceStreamOptions } from '../../../src/core/server/traceStream';
import type { LoupeApi } from '../../../src/model/api';
import { emitSampleSpans } from '../receiver/sampleSpans';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'otlp');

export function readFixture(name: string): Promise<Buffer> {
  return readFile(join(FIXTURES, name));
}

/** A real engine behind a real HTTP server on a free loopback port. */
export async function startLoupe(
  options: { stream?: TraceStreamOptions; wrapApi?: (engine: TraceEngine) => LoupeApi } = {},
): Promise<{ engine: TraceEngine; server: HttpServer; port: number; token: string; stop: () => Promise<void> }> {
  const engine = await TraceEngine.open({ changeDelayMs: 10, version: '0.0.0-test' });
  const server = new HttpServer({
    sink: engine,
    api: options.wrapApi ? options.wrapApi(engine) : engine,
    port: 0,
    stream: options.stream,
    shutdownGraceMs: 200,
  });
  const port = await server.start();
  engine.setPorts({ grpcPort: null, httpPort: port });
  return {
    engine,
    server,
    port,
    token: server.accessToken,
    stop: async () => {
      await server.stop();
      await engine.close();
    },
  };
}

/** Sends the sample agent run through the real OTLP/HTTP protobuf exporter; returns what was sent. */
export async function sendSampleRun(port: number): Promise<ReadableSpan[]> {
  const sent = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'agent-under-test' }),
    spanProcessors: [
      new SimpleSpanProcessor({ exporter: sent }),
      new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` }) }),
    ],
  });
  emitSampleSpans(provider.getTracer('loupe-test', '1.0.0'));
  await provider.forceFlush();
  const spans = [...sent.getFinishedSpans()];
  await provider.shutdown();
  return spans;
}
