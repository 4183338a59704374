import { deepStrictEqual, match, ok, rejects, strictEqual } from 'node:assert';
import { createServer, type Server } from 'node:net';
import { Client, credentials, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { GrpcReceiver } from '../../../src/core/receiver/grpcReceiver';
import { PortUnavailableError } from '../../../src/core/receiver/listenError';
import { encodeExportResponse } from '../../../src/core/otlp/encodeResponse';
import { RecordingSink } from './recordingSink';
import { sdkTraceRequest, TRUNCATED_PROTOBUF } from './otlpPayloads';

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const LOGS_EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

function rawClient(port: number, gzip = false): Client {
  return new Client(`127.0.0.1:${port}`, credentials.createInsecure(), {
    'grpc.max_send_message_length': -1,
    ...(gzip ? { 'grpc.default_compression_algorithm': 2 } : {}),
  });
}

function call(client: Client, path: string, body: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      (bytes: Buffer) => bytes,
      (bytes: Buffer) => bytes,
      body,
      { deadline: Date.now() + 10_000 },
      (error: ServiceError | null, response?: Buffer) => (error ? reject(error) : resolve(response ?? Buffer.alloc(0))),
    );
  });
}

async function callError(client: Client, path: string, body: Buffer): Promise<ServiceError> {
  try {
    await call(client, path, body);
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('the call succeeded');
}

describe('GrpcReceiver', () => {
  const sink = new RecordingSink();
  const receiver = new GrpcReceiver({ sink, port: 0 });
  let client: Client;
  let port = 0;

  before(async () => {
    port = await receiver.start();
    client = rawClient(port);
  });
  after(async () => {
    client.close();
    await receiver.stop();
  });
  beforeEach(() => {
    sink.traces.length = 0;
    sink.logs.length = 0;
    sink.partial = undefined;
    sink.failure = undefined;
  });

  it('binds a free port when asked for port 0', () => {
    ok(port > 0);
    strictEqual(receiver.port, port);
  });

  it('answers malformed protobuf with INVALID_ARGUMENT and the decoder message, then keeps serving', async () => {
    const error = await callError(client, TRACE_EXPORT, TRUNCATED_PROTOBUF);
    strictEqual(error.code, GrpcStatus.INVALID_ARGUMENT);
    ok(error.details.length > 10, `details: ${error.details}`);
    strictEqual(sink.traces.length, 0);

    const logsError = await callError(client, LOGS_EXPORT, Buffer.from([0x0a, 0x03, 0x0a, 0x01]));
    strictEqual(logsError.code, GrpcStatus.INVALID_ARGUMENT);

    await call(client, TRACE_EXPORT, await sdkTraceRequest('protobuf'));
    strictEqual(sink.spanCount(), 1);
  });

  it('accepts gzip-compressed calls and rejects malformed gzip-compressed ones', async () => {
    const gzipClient = rawClient(port, true);
    try {
      await call(gzipClient, TRACE_EXPORT, await sdkTraceRequest('protobuf', { 'gen_ai.request.model': 'gpt-4o' }));
      strictEqual(sink.traces[0].resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.stringValue, 'gpt-4o');
      const error = await callError(gzipClient, TRACE_EXPORT, TRUNCATED_PROTOBUF);
      strictEqual(error.code, GrpcStatus.INVALID_ARGUMENT);
    } finally {
      gzipClient.close();
    }
  });

  it('accepts messages above grpc-js’ 4 MiB default', async () => {
    const body = await sdkTraceRequest('protobuf', { 'gen_ai.prompt': 'p'.repeat(6 * 1024 * 1024) });
    ok(body.length > 6 * 1024 * 1024);
    await call(client, TRACE_EXPORT, body);
    strictEqual(sink.spanCount(), 1);
  });

  it('answers with partial_success when the sink rejects some spans', async () => {
    sink.partial = { rejected: 2, errorMessage: '2 spans with an invalid span id' };
    const response = await call(client, TRACE_EXPORT, await sdkTraceRequest('protobuf'));
    deepStrictEqual(response, Buffer.from(encodeExportResponse('traces', 'protobuf', sink.partial)));
    ok(response.includes(Buffer.from('invalid span id')));
  });

  it('answers an empty response when everything was accepted', async () => {
    const response = await call(client, TRACE_EXPORT, await sdkTraceRequest('protobuf'));
    strictEqual(response.length, 0);
  });

  it('answers INTERNAL when the sink fails, and stays up', async () => {
    sink.failure = new Error('disk on fire');
    const error = await callError(client, TRACE_EXPORT, await sdkTraceRequest('protobuf'));
    strictEqual(error.code, GrpcStatus.INTERNAL);
    match(error.details, /disk on fire/);
    sink.failure = undefined;
    await call(client, TRACE_EXPORT, await sdkTraceRequest('protobuf'));
  });

  it('answers UNIMPLEMENTED for other services', async () => {
    const error = await callError(client, '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export', Buffer.alloc(0));
    strictEqual(error.code, GrpcStatus.UNIMPLEMENTED);
  });
});

describe('GrpcReceiver limits', () => {
  const sink = new RecordingSink();
  const receiver = new GrpcReceiver({ sink, port: 0, maxReceiveBytes: 64 * 1024 });
  let port = 0;

  before(async () => {
    port = await receiver.start();
  });
  after(() => receiver.stop());

  for (const gzip of [false, true]) {
    it(`answers an oversized ${gzip ? 'gzip-compressed ' : ''}message with RESOURCE_EXHAUSTED, then keeps serving`, async () => {
      const client = rawClient(port, gzip);
      try {
        // Compresses to a few hundred bytes: the limit must apply to the inflated size.
        const body = await sdkTraceRequest('protobuf', { big: 'x'.repeat(1024 * 1024) });
        const error = await callError(client, TRACE_EXPORT, body);
        strictEqual(error.code, GrpcStatus.RESOURCE_EXHAUSTED);
        strictEqual(sink.traces.length, 0);
        await call(client, TRACE_EXPORT, await sdkTraceRequest('protobuf'));
        strictEqual(sink.traces.length, 1);
        sink.traces.length = 0;
      } finally {
        client.close();
      }
    });
  }
});

describe('GrpcReceiver on a busy port', () => {
  let blocker: Server;
  let busyPort = 0;

  before(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    busyPort = (blocker.address() as { port: number }).port;
  });
  after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('fails with a message naming the port and the way out', async () => {
    const receiver = new GrpcReceiver({ sink: new RecordingSink(), port: busyPort });
    await rejects(receiver.start(), (error: unknown) => {
      ok(error instanceof PortUnavailableError);
      strictEqual(error.failure, 'in-use');
      strictEqual(error.port, busyPort);
      strictEqual(
        error.message,
        `Port ${busyPort} is already in use by another program. Stop it, or set loupe.receiver.grpcPort (CLI: --grpc-port) to another port; 0 picks a free one.`,
      );
      return true;
    });
    await receiver.stop();
  });
});
