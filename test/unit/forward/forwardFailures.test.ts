import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ForwardError, ForwardResult } from '../../../src/model/forwardResult';
import { forwardTrace } from '../../../src/core/forward/forwardTrace';
import type { ForwardProtocol, ForwardTarget } from '../../../src/model/forwardTarget';
import type { ExportTraceServiceRequest } from '../../../src/model/otlpTypes';
import { otlpType } from '../otlp/protobufjsOtlpSchema';
import { sdkTraceRequest } from './sdkTrace';
import { closedPort, startBlackHole, startGrpcCapture, startHttpCapture, timed, type BlackHole } from './testServers';

const PROTOCOLS: readonly ForwardProtocol[] = ['otlp-grpc', 'otlp-http', 'zipkin'];
/** Short limits keep the suite quick; the bound is the same code path as the 10 s default. */
const TIMEOUT_MS = 700;
/** Scheduling slack on a loaded 2-core machine. */
const SLACK_MS = 400;

function targetAt(protocol: ForwardProtocol, port: number): ForwardTarget {
  return { name: `test ${protocol}`, protocol, endpoint: `http://127.0.0.1:${port}` };
}

function errorOf(result: ForwardResult): ForwardError {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result.error;
}

async function until(condition: () => boolean, limitMs: number): Promise<boolean> {
  const end = Date.now() + limitMs;
  while (!condition() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
}

describe('forward failures: clear errors within a bounded time, nothing retried, nothing changed', () => {
  let trace: ExportTraceServiceRequest;
  let untouched: ExportTraceServiceRequest;

  before(async () => {
    trace = await sdkTraceRequest();
    untouched = structuredClone(trace);
  });
  after(() => deepStrictEqual(trace, untouched, 'failed forwards leave the trace as it was'));

  for (const protocol of PROTOCOLS) {
    describe(protocol, () => {
      it('a closed port is unreachable, reported at once', async () => {
        const port = await closedPort();
        const { result, ms } = await timed(() => forwardTrace(trace, targetAt(protocol, port), { timeoutMs: 5_000 }));
        const error = errorOf(result);
        strictEqual(error.kind, 'unreachable');
        ok(error.message.startsWith(`Could not reach "test ${protocol}" (http://127.0.0.1:${port}): `), error.message);
        ok(/ECONNREFUSED|connection refused/.test(error.message), error.message);
        ok(ms < 2_000, `took ${Math.round(ms)} ms`);
      });

      it('a server that accepts the connection and never answers times out within the limit, and the connection is closed', async () => {
        const hole: BlackHole = await startBlackHole();
        try {
          const { result, ms } = await timed(() => forwardTrace(trace, targetAt(protocol, hole.port), { timeoutMs: TIMEOUT_MS }));
          const error = errorOf(result);
          strictEqual(error.kind, 'timeout');
          ok(error.message.includes('gave no answer'), error.message);
          ok(ms >= TIMEOUT_MS - 50 && ms < TIMEOUT_MS + SLACK_MS, `took ${Math.round(ms)} ms`);
          strictEqual(hole.accepted(), 1, 'one connection, no retries');
          // grpc-js never abandons a connection whose HTTP/2 handshake is still pending (it unrefs it,
          // so it keeps no process alive); the HTTP transports close theirs.
          if (protocol !== 'otlp-grpc') ok(await until(() => hole.open() === 0, 1_000), 'the forwarder closed its connection');
        } finally {
          await hole.close();
        }
      });

      it('an AbortSignal cancels a forward in flight', async () => {
        const hole = await startBlackHole();
        try {
          const controller = new AbortController();
          setTimeout(() => controller.abort(), 100);
          const { result, ms } = await timed(() =>
            forwardTrace(trace, targetAt(protocol, hole.port), { timeoutMs: 10_000, signal: controller.signal }),
          );
          strictEqual(errorOf(result).kind, 'cancelled');
          ok(ms < 100 + SLACK_MS, `took ${Math.round(ms)} ms`);
          const already = await forwardTrace(trace, targetAt(protocol, hole.port), { signal: AbortSignal.abort() });
          strictEqual(errorOf(already).kind, 'cancelled');
        } finally {
          await hole.close();
        }
      });
    });
  }

  describe('HTTP answers (OTLP/HTTP and Zipkin)', () => {
    const rpcStatus = otlpType('RpcStatus');
    const answers: { status: number; type: string; body: Buffer; expected: string | undefined }[] = [
      {
        status: 400,
        type: 'application/x-protobuf',
        body: Buffer.from(rpcStatus.encode(rpcStatus.fromObject({ code: 3, message: 'span 7 has no name' })).finish()),
        expected: 'span 7 has no name',
      },
      {
        status: 400,
        type: 'application/json',
        body: Buffer.from(JSON.stringify({ code: 3, message: 'bad trace id' })),
        expected: 'bad trace id',
      },
      {
        status: 401,
        type: 'application/json',
        body: Buffer.from(JSON.stringify({ error: 'missing api key' })),
        expected: 'missing api key',
      },
      { status: 413, type: 'text/plain', body: Buffer.from('request entity too large\n'), expected: 'request entity too large' },
      { status: 503, type: 'text/plain', body: Buffer.from('upstream overloaded'), expected: 'upstream overloaded' },
      {
        status: 502,
        type: 'text/html',
        body: Buffer.from('<html><head><style>p{}</style></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>'),
        expected: '502 Bad Gateway nginx',
      },
      { status: 500, type: 'application/x-protobuf', body: Buffer.from([0xff, 0xff, 0xff]), expected: undefined },
      { status: 404, type: 'text/plain', body: Buffer.alloc(0), expected: undefined },
    ];

    for (const protocol of ['otlp-http', 'zipkin'] as const) {
      for (const answer of answers) {
        it(`${protocol}: HTTP ${answer.status} (${answer.type}) is rejected with its status and message, sent once`, async () => {
          const server = await startHttpCapture((_request, response) => {
            response.writeHead(answer.status, { 'Content-Type': answer.type, 'Retry-After': '1' });
            response.end(answer.body);
          });
          try {
            const { result, ms } = await timed(() => forwardTrace(trace, targetAt(protocol, server.port), { timeoutMs: 5_000 }));
            const error = errorOf(result);
            strictEqual(error.kind, 'rejected');
            strictEqual(error.httpStatus, answer.status);
            ok(error.status?.startsWith(`HTTP ${answer.status} `), error.status);
            strictEqual(error.serverMessage, answer.expected);
            const where = `"test ${protocol}" (http://127.0.0.1:${server.port})`;
            strictEqual(error.message, `${where} refused the trace: ${error.status}${answer.expected ? `: ${answer.expected}` : '.'}`);
            strictEqual(server.requests.length, 1, 'no retries');
            ok(ms < 1_000, `took ${Math.round(ms)} ms`);
          } finally {
            await server.close();
          }
        });
      }
    }

    it('a body that never ends after the status line still times out', async () => {
      const server = await startHttpCapture((_request, response) => {
        response.writeHead(200, { 'Content-Type': 'application/x-protobuf' });
        response.write(Buffer.from([0x0a]));
      });
      try {
        const { result, ms } = await timed(() => forwardTrace(trace, targetAt('otlp-http', server.port), { timeoutMs: TIMEOUT_MS }));
        strictEqual(errorOf(result).kind, 'timeout');
        ok(ms < TIMEOUT_MS + SLACK_MS, `took ${Math.round(ms)} ms`);
      } finally {
        await server.close();
      }
    });

    it('an endless error body is read only as far as its message needs', async () => {
      const server = await startHttpCapture((_request, response) => {
        response.writeHead(400, { 'Content-Type': 'text/plain' });
        const chunk = Buffer.alloc(16 * 1024, 'x');
        const pump = () => {
          while (response.write(chunk));
          response.once('drain', pump);
        };
        response.on('close', () => response.removeAllListeners('drain'));
        pump();
      });
      try {
        const { result, ms } = await timed(() => forwardTrace(trace, targetAt('otlp-http', server.port), { timeoutMs: 5_000 }));
        const error = errorOf(result);
        strictEqual(error.kind, 'rejected');
        strictEqual(error.httpStatus, 400);
        ok((error.serverMessage ?? '').length <= 501);
        ok(ms < 1_000, `took ${Math.round(ms)} ms`);
      } finally {
        await server.close();
      }
    });
  });

  describe('gRPC answers', () => {
    const refusals = [
      { code: GrpcStatus.INVALID_ARGUMENT, details: 'span 3 has an empty trace id' },
      { code: GrpcStatus.UNAUTHENTICATED, details: 'missing bearer token' },
      { code: GrpcStatus.RESOURCE_EXHAUSTED, details: 'message larger than max (5242880 vs. 4194304)' },
      { code: GrpcStatus.UNAVAILABLE, details: 'the queue is full, try later' },
    ];
    for (const refusal of refusals) {
      it(`${GrpcStatus[refusal.code]} from the server is rejected with its code and details, sent once`, async () => {
        const server = await startGrpcCapture(() => ({ error: refusal }));
        try {
          const result = await forwardTrace(trace, targetAt('otlp-grpc', server.port), { timeoutMs: 5_000 });
          const error = errorOf(result);
          strictEqual(error.kind, 'rejected');
          strictEqual(error.grpcCode, refusal.code);
          strictEqual(error.status, `gRPC ${GrpcStatus[refusal.code]} (${refusal.code})`);
          strictEqual(error.serverMessage, refusal.details);
          strictEqual(server.calls.length, 1, 'no retries');
        } finally {
          await server.close();
        }
      });
    }

    it('a gRPC target pointed at a plain HTTP server fails within the limit', async () => {
      const server = await startHttpCapture();
      try {
        const { result, ms } = await timed(() => forwardTrace(trace, targetAt('otlp-grpc', server.port), { timeoutMs: TIMEOUT_MS }));
        ok(!result.ok);
        ok(ms < TIMEOUT_MS + SLACK_MS, `took ${Math.round(ms)} ms`);
      } finally {
        await server.close();
      }
    });
  });

  describe('before anything is sent', () => {
    it('an invalid target is refused with the reason, without touching the network', async () => {
      const port = await closedPort();
      const cases: [unknown, RegExp][] = [
        [
          { name: 'x', protocol: 'jaeger-thrift', endpoint: `http://127.0.0.1:${port}` },
          /protocol must be one of otlp-grpc, otlp-http, zipkin/,
        ],
        [{ name: 'x', protocol: 'otlp-http', endpoint: '127.0.0.1:4318' }, /endpoint must be an http:\/\/ or https:\/\/ URL/],
        [{ name: 'x', protocol: 'otlp-http', endpoint: 'ftp://example.test' }, /endpoint must be an http/],
        [
          { name: 'x', protocol: 'otlp-grpc', endpoint: `http://127.0.0.1:${port}/v1/traces` },
          /a gRPC endpoint is just scheme, host and port/,
        ],
        [
          { name: 'x', protocol: 'zipkin', endpoint: `http://127.0.0.1:${port}`, headers: { 'X-Token': 'a\r\nInjected: 1' } },
          /control character/,
        ],
        [{ name: '', protocol: 'zipkin', endpoint: `http://127.0.0.1:${port}` }, /needs a name/],
      ];
      for (const [target, reason] of cases) {
        const { result, ms } = await timed(() => forwardTrace(trace, target as ForwardTarget));
        const error = errorOf(result);
        strictEqual(error.kind, 'invalid-target');
        ok(reason.test(error.message), error.message);
        ok(ms < 50, `took ${Math.round(ms)} ms`);
      }
    });

    it('a trace with no spans or malformed ids is refused with the reason', async () => {
      const target = targetAt('otlp-http', await closedPort());
      const empty = errorOf(await forwardTrace({ resourceSpans: [] }, target));
      deepStrictEqual(empty, { kind: 'invalid-trace', message: 'Cannot forward this trace: it has no spans.' });
      const broken = structuredClone(trace);
      broken.resourceSpans[0].scopeSpans[0].spans[0].spanId = 'not-hex';
      const malformed = errorOf(await forwardTrace(broken, target));
      strictEqual(malformed.kind, 'invalid-trace');
      ok(malformed.message.includes('invalid span id: "not-hex"'), malformed.message);
    });

    it('a request of the wrong shape (it may come over HTTP) is refused, not thrown', async () => {
      const target = targetAt('otlp-grpc', await closedPort());
      const span = trace.resourceSpans[0].scopeSpans[0].spans[0];
      const shapes: unknown[] = [
        null,
        'text',
        { resourceSpans: 5 },
        { resourceSpans: [{ scopeSpans: [{ spans: [{ ...span, attributes: { not: 'a list' } }] }] }] },
        { resourceSpans: [{ scopeSpans: [{ spans: [{ ...span, name: undefined }] }] }] },
      ];
      for (const shape of shapes) {
        const error = errorOf(await forwardTrace(shape as ExportTraceServiceRequest, target));
        strictEqual(error.kind, 'invalid-trace', JSON.stringify(shape));
        ok(error.message.startsWith('Cannot forward this trace: '), error.message);
      }
    });
  });
});
