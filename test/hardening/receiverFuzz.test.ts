import { ok, strictEqual } from 'node:assert';
import { gzipSync } from 'node:zlib';
import { Client, credentials, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { TraceEngine } from '../../src/core/engine/traceEngine';
import { GrpcReceiver } from '../../src/core/receiver/grpcReceiver';
import { HttpServer } from '../../src/core/host/httpListener';
import { send } from '../unit/receiver/httpClient';

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const LIMIT = 256 * 1024;

/** Small deterministic PRNG (mulberry32) so a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ValidRequest {
  traceId: string;
  protobuf: Buffer;
  json: Buffer;
}

/** One real single-span request per trace, in both encodings. */
async function validRequests(count: number): Promise<ValidRequest[]> {
  const sent = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: sent })] });
  const tracer = provider.getTracer('fuzz');
  for (let index = 0; index < count; index++) {
    tracer.startSpan(`valid ${index}`, { attributes: { index, text: 'ünïcødé ✓', list: [1, 2, 3] } }).end();
  }
  await provider.forceFlush();
  const out = sent.getFinishedSpans().map((span) => ({
    traceId: span.spanContext().traceId,
    protobuf: Buffer.from(ProtobufTraceSerializer.serializeRequest([span])!),
    json: Buffer.from(JsonTraceSerializer.serializeRequest([span])!),
  }));
  await provider.shutdown();
  return out;
}

/** Hostile payloads: random bytes, truncations, bit flips, huge lengths, deep nesting, bad UTF-8. */
function hostileProtobuf(random: () => number, valid: Buffer): Buffer {
  const pick = Math.floor(random() * 7);
  switch (pick) {
    case 0:
      return Buffer.from(Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256)));
    case 1:
      return valid.subarray(0, Math.floor(random() * valid.length));
    case 2: {
      const copy = Buffer.from(valid);
      for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--)
        copy[Math.floor(random() * copy.length)] ^= 1 << Math.floor(random() * 8);
      return copy;
    }
    case 3:
      // A length-delimited field that claims far more bytes than follow.
      return Buffer.concat([Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), valid]);
    case 4: {
      // resource_spans > scope_spans > spans nested in themselves many times over.
      let inner = Buffer.from([0x0a, 0x00]);
      for (let depth = 0; depth < 2_000 && inner.length < LIMIT / 2; depth++)
        inner = Buffer.concat([Buffer.from([0x0a]), varint(inner.length), inner]);
      return inner;
    }
    case 5:
      // A truncated varint.
      return Buffer.from([0x08, 0xff, 0xff, 0xff]);
    default: {
      // Invalid UTF-8 where a span name goes.
      const copy = Buffer.from(valid);
      const at = copy.indexOf('valid');
      if (at >= 0) copy[at] = 0xc3;
      if (at >= 0) copy[at + 1] = 0x28;
      return copy;
    }
  }
}

function hostileJson(random: () => number, valid: Buffer): Buffer {
  const text = valid.toString('utf8');
  const pick = Math.floor(random() * 6);
  switch (pick) {
    case 0:
      return Buffer.from(text.slice(0, Math.floor(random() * text.length)));
    case 1: {
      const at = Math.floor(random() * text.length);
      return Buffer.from(text.slice(0, at) + '{}[]",:0x'[Math.floor(random() * 9)] + text.slice(at + 1));
    }
    case 2:
      return Buffer.from(`{"resourceSpans":${'['.repeat(50_000)}${']'.repeat(50_000)}}`);
    case 3:
      return Buffer.from(text.replace(/"traceId":"[0-9a-f]+"/, '"traceId":"not-hex"'));
    case 4:
      return Buffer.concat([
        Buffer.from('{"resourceSpans":[{"resource":{"attributes":[{"key":"'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}]}}]}'),
      ]);
    default:
      return Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 7, kind: 'x', attributes: {} }] }] }] }));
  }
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

describe('receivers under hostile traffic', function () {
  this.timeout(120_000);
  let engine: TraceEngine;
  let http: HttpServer;
  let grpc: GrpcReceiver;
  let httpPort = 0;
  let grpcClient: Client;

  before(async () => {
    engine = await TraceEngine.open({ maxTraces: 10_000 });
    http = new HttpServer({ sink: engine, api: engine, port: 0, maxRequestBytes: LIMIT });
    grpc = new GrpcReceiver({ sink: engine, port: 0, maxReceiveBytes: LIMIT });
    httpPort = await http.start();
    grpcClient = new Client(`127.0.0.1:${await grpc.start()}`, credentials.createInsecure(), { 'grpc.max_send_message_length': -1 });
  });
  after(async () => {
    grpcClient.close();
    await grpc.stop();
    await http.stop();
    await engine.close();
  });

  it('answers every bad HTTP request with 400/413/415 and stores every valid one in between', async () => {
    const random = prng(0x10c0e);
    const valid = await validRequests(60);
    const statuses = new Map<number, number>();
    for (const [index, request] of valid.entries()) {
      for (let bad = 0; bad < 8; bad++) {
        const useJson = random() < 0.5;
        const body = useJson ? hostileJson(random, request.json) : hostileProtobuf(random, request.protobuf);
        const headers: Record<string, string> = { 'Content-Type': useJson ? 'application/json' : 'application/x-protobuf' };
        const twist = random();
        if (twist < 0.1) headers['Content-Type'] = 'text/plain';
        else if (twist < 0.2) headers['Content-Encoding'] = 'gzip';
        const reply = await send({
          port: httpPort,
          method: 'POST',
          path: '/v1/traces',
          headers,
          body: twist >= 0.2 && twist < 0.3 ? gzipSync(body) : body,
        });
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        ok([200, 400, 413, 415].includes(reply.status), `status ${reply.status}: ${reply.text}`);
      }
      const format = index % 2 === 0 ? 'json' : 'protobuf';
      const reply = await send({
        port: httpPort,
        method: 'POST',
        path: '/v1/traces',
        headers: { 'Content-Type': format === 'json' ? 'application/json' : 'application/x-protobuf' },
        body: format === 'json' ? request.json : request.protobuf,
      });
      strictEqual(reply.status, 200, reply.text);
    }
    for (const request of valid) ok(await engine.getTrace(request.traceId), `trace ${request.traceId} was not stored`);
    ok((statuses.get(400) ?? 0) > 100, `too few rejections: ${JSON.stringify([...statuses])}`);
  });

  it('answers every bad gRPC call with INVALID_ARGUMENT/RESOURCE_EXHAUSTED and stores every valid one in between', async () => {
    const random = prng(0x9e3779b9);
    const valid = await validRequests(60);
    const call = (body: Buffer) =>
      new Promise<ServiceError | null>((resolve) => {
        grpcClient.makeUnaryRequest(
          TRACE_EXPORT,
          (b: Buffer) => b,
          (b: Buffer) => b,
          body,
          { deadline: Date.now() + 10_000 },
          (error) => resolve(error),
        );
      });
    for (const request of valid) {
      for (let bad = 0; bad < 8; bad++) {
        const error = await call(hostileProtobuf(random, request.protobuf));
        if (error) ok([GrpcStatus.INVALID_ARGUMENT, GrpcStatus.RESOURCE_EXHAUSTED].includes(error.code), `${error.code}: ${error.details}`);
      }
      strictEqual(await call(request.protobuf), null);
    }
    for (const request of valid) ok(await engine.getTrace(request.traceId), `trace ${request.traceId} was not stored`);
  });
});
