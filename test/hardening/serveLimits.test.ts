import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { parseCli } from '../../src/cli/serveArgs';
import { bearer, startServe, type ServeProcess } from '../support/cliProcess';
import { hexId, span, traceRequest } from '../support/otlpBuilders';
import { send } from '../unit/receiver/httpClient';
import { RawGrpcClient, toProtobuf, TRACE_EXPORT_PATH } from './otlpWire';

describe('loupe serve limits flags', () => {
  it('reads --max-request-mb and repeated --redact', () => {
    const parsed = parseCli(['serve', '--max-request-mb', '1.5', '--redact', '*.ssn', '--redact', '/^x-.*$/']);
    assert.equal(parsed.command, 'serve');
    if (parsed.command !== 'serve') return;
    assert.equal(parsed.options.maxRequestBytes, 1.5 * 1024 * 1024);
    assert.deepEqual(parsed.options.redact, ['*.ssn', '/^x-.*$/']);
    const plain = parseCli(['serve']);
    assert.ok(plain.command === 'serve' && !('maxRequestBytes' in plain.options) && !('redact' in plain.options));
  });

  it('reads --max-mb, the disk bound that evicts before --max-traces is reached', () => {
    const parsed = parseCli(['serve', '--max-mb', '512', '--max-traces', '5000']);
    assert.ok(parsed.command === 'serve');
    if (parsed.command !== 'serve') return;
    assert.equal(parsed.options.maxBytes, 512 * 1024 * 1024);
    assert.equal(parsed.options.maxTraces, 5000);
    assert.equal(parseCli(['serve', '--max-mb', '0']).command, 'usage-error');
  });

  for (const [args, message] of [
    [['serve', '--max-request-mb', '0'], /--max-request-mb must be/],
    [['serve', '--max-request-mb', 'lots'], /--max-request-mb must be/],
    [['serve', '--max-request-mb', '99999'], /--max-request-mb must be/],
    [['serve', '--redact', '/[oops/'], /--redact: .*not a valid regular expression/],
    [['serve', '--redact', ''], /--redact: .*it is empty/],
  ] as const) {
    it(`refuses ${JSON.stringify(args)}`, () => {
      const parsed = parseCli(args);
      assert.equal(parsed.command, 'usage-error');
      if (parsed.command === 'usage-error') assert.match(parsed.message, message);
    });
  }
});

describe('loupe serve --max-request-mb (the real process)', function () {
  this.timeout(60_000);
  let store: string;
  let serve: ServeProcess | undefined;
  before(async () => {
    store = await mkdtemp(join(tmpdir(), 'loupe-limits-'));
    serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store, '--max-request-mb', '1']);
  });
  after(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    await rm(store, { recursive: true, force: true });
  });

  const sized = (bytes: number) => toProtobuf(traceRequest([span(hexId(16), hexId(8), undefined, 'n'.repeat(bytes), 0, 1)]));

  it('refuses a larger request with 413 and RESOURCE_EXHAUSTED, raw or gzip-inflated, and keeps serving', async () => {
    const big = sized(1024 * 1024 + 10);
    const reply = await send({
      port: serve!.httpPort,
      method: 'POST',
      path: '/v1/traces',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: big,
    });
    assert.equal(reply.status, 413);
    const inflated = await send({
      port: serve!.httpPort,
      method: 'POST',
      path: '/v1/traces',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' },
      body: gzipSync(big),
    });
    assert.equal(inflated.status, 413);
    const client = new RawGrpcClient(serve!.grpcPort);
    try {
      const { error } = await client.call(TRACE_EXPORT_PATH, big);
      assert.equal(error?.code, GrpcStatus.RESOURCE_EXHAUSTED);
      const fits = await client.call(TRACE_EXPORT_PATH, sized(900 * 1024));
      assert.equal(fits.error, null);
    } finally {
      client.close();
    }
    const ok = await send({
      port: serve!.httpPort,
      method: 'POST',
      path: '/v1/traces',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: sized(900 * 1024),
    });
    assert.equal(ok.status, 200, ok.text);
    const health = (await (await fetch(`http://127.0.0.1:${serve!.httpPort}/api/health`, { headers: bearer(serve!.token) })).json()) as {
      spans: number;
    };
    assert.equal(health.spans, 2, 'only the requests within the limit were stored');
  });
});
