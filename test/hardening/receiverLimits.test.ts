import * as assert from 'node:assert/strict';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { TraceEngine, type EngineOptions } from '../../src/core/engine/traceEngine';
import { GrpcReceiver } from '../../src/core/receiver/grpcReceiver';
import { HttpServer } from '../../src/core/host/httpListener';
import { TRUNCATED_ATTRIBUTES_KEY } from '../../src/core/engine/ingestPolicy';
import type { ExportTraceServiceRequest } from '../../src/model/otlpTypes';
import { hexId, logsRequest, span, traceRequest } from '../support/otlpBuilders';
import { send } from '../unit/receiver/httpClient';
import { RawGrpcClient, readExportResponse, toJson, toProtobuf, TRACE_EXPORT_PATH, LOGS_EXPORT_PATH } from './otlpWire';

type Transport = 'grpc' | 'http/protobuf' | 'http/json';
const TRANSPORTS: Transport[] = ['grpc', 'http/protobuf', 'http/json'];

describe('limits and partial success end to end (real engine behind both receivers)', function () {
  this.timeout(60_000);
  let engine: TraceEngine;
  let http: HttpServer;
  let grpc: GrpcReceiver;
  let httpPort: number;
  let client: RawGrpcClient;

  async function open(options: EngineOptions): Promise<void> {
    engine = await TraceEngine.open(options);
    http = new HttpServer({ sink: engine, api: engine, port: 0 });
    grpc = new GrpcReceiver({ sink: engine, port: 0 });
    httpPort = await http.start();
    client = new RawGrpcClient(await grpc.start());
  }
  afterEach(async () => {
    client?.close();
    await grpc?.stop();
    await http?.stop();
    await engine?.close();
  });

  /** Sends a trace request over one transport; resolves with the partial success it was answered. */
  async function exportTraces(
    transport: Transport,
    request: ExportTraceServiceRequest,
  ): Promise<{ rejected: number; errorMessage: string }> {
    if (transport === 'grpc') {
      const { error, response } = await client.call(TRACE_EXPORT_PATH, toProtobuf(request));
      assert.equal(error, null);
      return readExportResponse('traces', 'protobuf', response!);
    }
    const format = transport === 'http/json' ? 'json' : 'protobuf';
    const reply = await send({
      port: httpPort,
      method: 'POST',
      path: '/v1/traces',
      headers: { 'Content-Type': format === 'json' ? 'application/json' : 'application/x-protobuf' },
      body: format === 'json' ? toJson(request) : toProtobuf(request),
    });
    assert.equal(reply.status, 200, reply.text);
    return readExportResponse('traces', format, reply.body);
  }

  for (const transport of TRANSPORTS) {
    it(`reports spans with invalid ids through partial_success over ${transport} and stores the rest`, async () => {
      await open({});
      const traceId = hexId(16);
      const good = [span(traceId, hexId(8), undefined, 'root', 0, 10), span(traceId, hexId(8), undefined, 'second', 1, 2)];
      const bad = [
        span(hexId(12), hexId(8), undefined, 'short trace id', 0, 1),
        span('0'.repeat(32), hexId(8), undefined, 'zero trace id', 0, 1),
        span(traceId, hexId(4), undefined, 'short span id', 0, 1),
        span(traceId, hexId(8), hexId(3), 'short parent id', 0, 1),
      ];
      const partial = await exportTraces(transport, traceRequest([good[0], ...bad, good[1]]));
      assert.equal(partial.rejected, 4);
      assert.match(partial.errorMessage, /2 spans with an invalid trace id/);
      assert.match(partial.errorMessage, /1 spans with an invalid span id/);
      assert.match(partial.errorMessage, /1 spans with an invalid parent span id/);
      const detail = (await engine.getTrace(traceId))!;
      assert.deepEqual(detail.spans.map((s) => s.name).sort(), ['root', 'second']);
      assert.equal((await engine.stats()).rejectedSpans, 4);

      const clean = await exportTraces(transport, traceRequest([span(hexId(16), hexId(8), undefined, 'fine', 0, 1)]));
      assert.deepEqual(clean, { rejected: 0, errorMessage: '' }, 'a clean request carries no partial success');
    });
  }

  it('reports log records with invalid ids through partial_success over gRPC and HTTP', async () => {
    await open({});
    const traceId = hexId(16);
    const request = logsRequest([
      { traceId, spanId: hexId(8), attributes: [], body: { stringValue: 'kept' } },
      { traceId: hexId(5), attributes: [], body: { stringValue: 'bad trace id' } },
      { traceId, spanId: hexId(2), attributes: [], body: { stringValue: 'bad span id' } },
    ]);
    const { error, response } = await client.call(LOGS_EXPORT_PATH, toProtobuf(request));
    assert.equal(error, null);
    assert.equal(readExportResponse('logs', 'protobuf', response!).rejected, 2);
    const reply = await send({
      port: httpPort,
      method: 'POST',
      path: '/v1/logs',
      headers: { 'Content-Type': 'application/json' },
      body: toJson(request),
    });
    assert.equal(reply.status, 200);
    assert.equal(readExportResponse('logs', 'json', reply.body).rejected, 2);
  });

  it('drops and counts spans over the per-trace limit across transports, and shows the count', async () => {
    await open({ maxSpansPerTrace: 5 });
    const traceId = hexId(16);
    const spanIds = Array.from({ length: 12 }, () => hexId(8));
    const spans = spanIds.map((id, i) => span(traceId, id, i === 0 ? undefined : spanIds[0], `s${i}`, i, i + 1));
    let rejected = 0;
    rejected += (await exportTraces('grpc', traceRequest(spans.slice(0, 4)))).rejected;
    rejected += (await exportTraces('http/protobuf', traceRequest(spans.slice(4, 8)))).rejected;
    const last = await exportTraces('http/json', traceRequest(spans.slice(8)));
    rejected += last.rejected;
    assert.match(last.errorMessage, /spans over the limit of 5 spans per trace/);
    assert.equal(rejected, 7);
    // A retry of a span already held replaces it and is not counted as dropped.
    assert.equal((await exportTraces('grpc', traceRequest([{ ...spans[0], name: 'root again' }]))).rejected, 0);

    const list = (await (
      await fetch(`http://127.0.0.1:${httpPort}/api/traces`, { headers: { authorization: `Bearer ${http.accessToken}` } })
    ).json()) as { spanCount: number; droppedSpans: number }[];
    assert.equal(list[0].spanCount, 5);
    assert.equal(list[0].droppedSpans, 7);
    const stats = await engine.stats();
    assert.equal(stats.droppedSpans, 7);
    assert.equal(stats.spans, 5);
  });

  it('keeps a 10 MB prompt past the message limit sent by the real SDK over gRPC and HTTP out of the API, shortened with a marker', async () => {
    await open({ ingest: { maxMessageBytes: 64 * 1024 } });
    const prompt = 'Tell me everything. '.repeat(512 * 1024);
    const traceIds: string[] = [];
    for (const exporter of [
      new GrpcExporter({ url: `http://127.0.0.1:${grpc.port}` }),
      new ProtoExporter({ url: `http://127.0.0.1:${httpPort}/v1/traces` }),
    ]) {
      const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
      const llm = provider
        .getTracer('hardening')
        .startSpan('chat gpt-4o', { attributes: { 'gen_ai.prompt': prompt, 'gen_ai.request.model': 'gpt-4o' } });
      llm.end();
      traceIds.push(llm.spanContext().traceId);
      await provider.forceFlush();
      await provider.shutdown();
    }
    for (const traceId of traceIds) {
      const response = await fetch(`http://127.0.0.1:${httpPort}/api/traces/${traceId}`, {
        headers: { authorization: `Bearer ${http.accessToken}` },
      });
      const text = await response.text();
      assert.equal(response.status, 200);
      assert.ok(text.length < 200_000, `the trace detail is ${text.length} characters`);
      const detail = JSON.parse(text) as { spans: { attributes: Record<string, unknown> }[] };
      assert.match(
        String(detail.spans[0].attributes['gen_ai.prompt']),
        /^Tell me everything\. .*…\[truncated by Loupe: 10485760 bytes\]$/s,
      );
      assert.deepEqual(detail.spans[0].attributes[TRUNCATED_ATTRIBUTES_KEY], ['gen_ai.prompt']);
      assert.equal(detail.spans[0].attributes['gen_ai.request.model'], 'gpt-4o');
    }
  });

  it('still refuses a request over the receivers’ size limit as a whole', async () => {
    engine = await TraceEngine.open({});
    http = new HttpServer({ sink: engine, api: engine, port: 0, maxRequestBytes: 64 * 1024 });
    grpc = new GrpcReceiver({ sink: engine, port: 0, maxReceiveBytes: 64 * 1024 });
    httpPort = await http.start();
    client = new RawGrpcClient(await grpc.start());
    const big = traceRequest([span(hexId(16), hexId(8), undefined, 'x'.repeat(100 * 1024), 0, 1)]);
    const reply = await send({
      port: httpPort,
      method: 'POST',
      path: '/v1/traces',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: toProtobuf(big),
    });
    assert.equal(reply.status, 413);
    const { error } = await client.call(TRACE_EXPORT_PATH, toProtobuf(big));
    assert.equal(error?.code, GrpcStatus.RESOURCE_EXHAUSTED);
    assert.equal((await engine.stats()).spans, 0);
  });
});
