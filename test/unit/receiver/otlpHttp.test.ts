import { deepStrictEqual, match, ok, strictEqual } from 'node:assert';
import { request as httpRequest } from 'node:http';
import { deflateSync, gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { HttpServer } from '../../../src/core/host/httpListener';
import { RecordingSink } from './recordingSink';
import { send } from './httpClient';
import { sdkTraceRequest, TRUNCATED_PROTOBUF } from './otlpPayloads';

const RpcStatus = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));

const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

describe('OTLP/HTTP endpoints', () => {
  const sink = new RecordingSink();
  const server = new HttpServer({ sink, port: 0 });
  let port = 0;
  let validProtobuf: Buffer;
  let validJson: Buffer;

  const post = (path: string, headers: Record<string, string>, body: Buffer | string) =>
    send({ port, method: 'POST', path, headers, body });

  async function stillServes(): Promise<void> {
    const before = sink.spanCount();
    const reply = await post('/v1/traces', PROTOBUF, validProtobuf);
    strictEqual(reply.status, 200);
    strictEqual(sink.spanCount(), before + 1);
  }

  before(async () => {
    port = await server.start();
    validProtobuf = await sdkTraceRequest('protobuf', { 'gen_ai.request.model': 'gpt-4o' });
    validJson = await sdkTraceRequest('json', { 'gen_ai.request.model': 'gpt-4o' });
  });
  after(() => server.stop());
  beforeEach(() => {
    sink.traces.length = 0;
    sink.partial = undefined;
    sink.failure = undefined;
  });

  it('accepts protobuf and answers an empty protobuf ExportTraceServiceResponse', async () => {
    const reply = await post('/v1/traces', PROTOBUF, validProtobuf);
    strictEqual(reply.status, 200);
    strictEqual(reply.headers['content-type'], 'application/x-protobuf');
    strictEqual(reply.body.length, 0);
    strictEqual(sink.traces[0].resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.stringValue, 'gpt-4o');
  });

  it('reads a body of declared length sent in many small pieces byte for byte', async () => {
    const long = await sdkTraceRequest('protobuf', { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.input.messages': '“x”'.repeat(100_000) });
    const reply = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/traces',
          agent: false,
          headers: { ...PROTOBUF, 'Content-Length': long.length },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', reject);
      for (let at = 0; at < long.length; at += 1000) request.write(long.subarray(at, at + 1000));
      request.end();
    });
    strictEqual(reply, 200);
    const attributes = sink.traces[0].resourceSpans[0].scopeSpans[0].spans[0].attributes;
    strictEqual(attributes.find((kv) => kv.key === 'gen_ai.input.messages')?.value.stringValue, '“x”'.repeat(100_000));
  });

  it('accepts JSON, with a charset parameter, and answers JSON', async () => {
    const reply = await post('/v1/traces', { 'Content-Type': 'application/json; charset=utf-8' }, validJson);
    strictEqual(reply.status, 200);
    strictEqual(reply.headers['content-type'], 'application/json');
    deepStrictEqual(JSON.parse(reply.text), {});
    deepStrictEqual(sink.traces[0].resourceSpans[0].scopeSpans[0].spans[0].attributes[0], {
      key: 'gen_ai.request.model',
      value: { stringValue: 'gpt-4o' },
    });
  });

  it('undoes gzip, x-gzip, deflate and identity content encodings', async () => {
    for (const [encoding, body] of [
      ['gzip', gzipSync(validProtobuf)],
      ['x-gzip', gzipSync(validProtobuf)],
      ['deflate', deflateSync(validProtobuf)],
      ['identity', validProtobuf],
      ['GZIP', gzipSync(validProtobuf)],
    ] as const) {
      const reply = await post('/v1/traces', { ...PROTOBUF, 'Content-Encoding': encoding }, body);
      strictEqual(reply.status, 200, `${encoding}: ${reply.text}`);
    }
    strictEqual(sink.spanCount(), 5);
  });

  it('accepts logs on /v1/logs', async () => {
    const body = JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000000000000', body: { stringValue: 'hello' } }] }] }],
    });
    const reply = await post('/v1/logs', JSON_TYPE, body);
    strictEqual(reply.status, 200, reply.text);
    strictEqual(sink.logs.at(-1)?.resourceLogs[0].scopeLogs[0].logRecords[0].body?.stringValue, 'hello');
  });

  it('answers malformed protobuf with 400 and a protobuf google.rpc.Status, then keeps serving', async () => {
    const reply = await post('/v1/traces', PROTOBUF, TRUNCATED_PROTOBUF);
    strictEqual(reply.status, 400);
    strictEqual(reply.headers['content-type'], 'application/x-protobuf');
    const status = RpcStatus.toObject(RpcStatus.decode(reply.body)) as { code: number; message: string };
    strictEqual(status.code, 3);
    match(status.message, /protobuf/);
    await stillServes();
  });

  it('answers malformed JSON with 400 and a JSON status, then keeps serving', async () => {
    for (const body of ['{"resourceSpans": [', '[1,2]', '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]}']) {
      const reply = await post('/v1/traces', JSON_TYPE, body);
      strictEqual(reply.status, 400, body);
      strictEqual(reply.headers['content-type'], 'application/json');
      const status = JSON.parse(reply.text) as { code: number; message: string };
      strictEqual(status.code, 3);
      ok(status.message.length > 0);
    }
    await stillServes();
  });

  it('answers a body that is not the gzip it claims with 400', async () => {
    const reply = await post('/v1/traces', { ...PROTOBUF, 'Content-Encoding': 'gzip' }, validProtobuf);
    strictEqual(reply.status, 400);
    match((RpcStatus.decode(reply.body) as unknown as { message: string }).message, /gzip/);
    await stillServes();
  });

  it('answers other media types and content encodings with 415', async () => {
    const cases: Record<string, string>[] = [
      { 'Content-Type': 'text/plain' },
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      {},
      { ...PROTOBUF, 'Content-Encoding': 'br' },
    ];
    for (const headers of cases) {
      const reply = await post('/v1/traces', headers, validProtobuf);
      strictEqual(reply.status, 415, JSON.stringify(headers));
    }
    strictEqual(sink.spanCount(), 0);
    await stillServes();
  });

  it('answers other methods with 405 and unknown signals with 404', async () => {
    const get = await send({ port, path: '/v1/traces' });
    strictEqual(get.status, 405);
    strictEqual(get.headers.allow, 'POST');
    const unknown = await post('/v1/spans', PROTOBUF, validProtobuf);
    strictEqual(unknown.status, 404);
  });

  it('reports the sink’s partial success in the response', async () => {
    sink.partial = { rejected: 3, errorMessage: '3 spans with an invalid trace id' };
    const json = await post('/v1/traces', JSON_TYPE, validJson);
    strictEqual(json.status, 200);
    deepStrictEqual(JSON.parse(json.text), {
      partialSuccess: { rejectedSpans: '3', errorMessage: '3 spans with an invalid trace id' },
    });
    const proto = await post('/v1/traces', PROTOBUF, validProtobuf);
    const Partial = new protobuf.Type('P').add(new protobuf.Field('rejected', 1, 'int64')).add(new protobuf.Field('message', 2, 'string'));
    const Response = new protobuf.Type('R').add(new protobuf.Field('partial', 1, 'P')).add(Partial);
    const decoded = Response.toObject(Response.decode(proto.body), { longs: Number }) as { partial: { rejected: number; message: string } };
    deepStrictEqual(decoded.partial, { rejected: 3, message: '3 spans with an invalid trace id' });
  });

  it('answers 500 when the sink fails, and stays up', async () => {
    sink.failure = new Error('store exploded');
    const reply = await post('/v1/traces', JSON_TYPE, validJson);
    strictEqual(reply.status, 500);
    match(reply.text, /store exploded/);
    sink.failure = undefined;
    await stillServes();
  });
});

describe('OTLP/HTTP size limits', () => {
  const sink = new RecordingSink();
  const limit = 256 * 1024;
  const server = new HttpServer({ sink, port: 0, maxRequestBytes: limit });
  let port = 0;
  let validProtobuf: Buffer;

  before(async () => {
    port = await server.start();
    validProtobuf = await sdkTraceRequest('protobuf');
  });
  after(() => server.stop());

  async function expectTooLarge(headers: Record<string, string>, body: Buffer, chunked = false): Promise<number> {
    const started = performance.now();
    const reply = await send({ port, method: 'POST', path: '/v1/traces', headers: { ...PROTOBUF, ...headers }, body, chunked });
    strictEqual(reply.status, 413, reply.text);
    match((RpcStatus.decode(reply.body) as unknown as { message: string }).message, /larger than the limit/);
    const ok = await send({ port, method: 'POST', path: '/v1/traces', headers: PROTOBUF, body: validProtobuf });
    strictEqual(ok.status, 200);
    return performance.now() - started;
  }

  it('answers 413 for a body over the limit with a Content-Length', async () => {
    await expectTooLarge({}, await sdkTraceRequest('protobuf', { big: 'x'.repeat(limit) }));
  });

  it('answers 413 for a chunked body that grows over the limit', async () => {
    await expectTooLarge({}, Buffer.alloc(4 * limit, 1), true);
  });

  it('answers 413 for a small gzip body that inflates over the limit', async () => {
    const body = gzipSync(await sdkTraceRequest('protobuf', { big: 'x'.repeat(2 * limit) }));
    ok(body.length < limit / 10);
    await expectTooLarge({ 'Content-Encoding': 'gzip' }, body);
  });

  it('stops a gzip bomb while inflating it, quickly and without filling memory', async () => {
    // 64 gzip members of 16 MiB of zeros each: 1 GiB once inflated, about 1 MB on the wire.
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));
    ok(bomb.length < 2 * 1024 * 1024, `bomb is ${bomb.length} bytes`);
    const server2 = new HttpServer({ sink, port: 0, maxRequestBytes: 4 * 1024 * 1024 });
    const port2 = await server2.start();
    try {
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const reply = await send({
        port: port2,
        method: 'POST',
        path: '/v1/traces',
        headers: { ...PROTOBUF, 'Content-Encoding': 'gzip' },
        body: bomb,
      });
      const elapsed = performance.now() - started;
      strictEqual(reply.status, 413);
      ok(elapsed < 2_000, `took ${elapsed.toFixed(0)} ms`);
      ok(process.memoryUsage().rss - rssBefore < 256 * 1024 * 1024, 'memory grew by more than 256 MiB');
    } finally {
      await server2.stop();
    }
  });
});
