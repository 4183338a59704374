import * as assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { BytesInFlight, ReceiverBusyError } from '../../../src/core/receiver/bytesInFlight';
import { GrpcReceiver } from '../../../src/core/receiver/grpcReceiver';
import { HttpServer } from '../../../src/core/host/httpListener';
import type { IngestSink } from '../../../src/core/receiver/ingestSink';
import { hexId, span, str, traceRequest } from '../../support/otlpBuilders';
import { RawGrpcClient, toProtobuf, TRACE_EXPORT_PATH } from '../../hardening/otlpWire';
import { send } from './httpClient';

describe('BytesInFlight', () => {
  it('grows reservations up to the bound and gives room back on release', () => {
    const bound = new BytesInFlight(100);
    const a = bound.open();
    const b = bound.open();
    assert.equal(a.grow(60), true);
    assert.equal(b.grow(50), false);
    assert.equal(b.grow(40), true);
    assert.equal(bound.inUse, 100);
    a.release();
    a.release();
    assert.equal(bound.inUse, 40);
    assert.equal(b.resize(10), true);
    assert.equal(bound.inUse, 10);
  });

  it('admits a waiting call when room is given back, and refuses it after the wait', async () => {
    const bound = new BytesInFlight(100);
    const first = await bound.admit(80, 0);
    const waiting = bound.admit(80, 1_000);
    const refused = bound.admit(80, 10, 1);
    await assert.rejects(refused, ReceiverBusyError);
    first.release();
    const second = await waiting;
    assert.equal(bound.inUse, 80);
    await assert.rejects(bound.admit(80, 20), ReceiverBusyError);
    second.release();
    assert.equal(bound.inUse, 0);
  });

  it('tells when a large reservation is given back', () => {
    let told = 0;
    const bound = new BytesInFlight(100, () => told++, 50);
    const small = bound.open();
    small.grow(10);
    small.release();
    const large = bound.open();
    large.grow(60);
    large.release();
    assert.equal(told, 1);
  });
});

describe('receivers share one bound on bytes in flight', () => {
  const stored: number[] = [];
  const sink: IngestSink = {
    ingestTraces: (request) => void stored.push(request.resourceSpans.length),
    ingestLogs: () => undefined,
    ingestMetrics: () => undefined,
  };
  const body = toProtobuf(traceRequest([span(hexId(16), hexId(8), undefined, 'x', 0, 1, [str('p', 'a'.repeat(300 * 1024))])]));

  it('answers 503 with Retry-After and RESOURCE_EXHAUSTED over HTTP, and RESOURCE_EXHAUSTED with RetryInfo over gRPC, while the bound is held', async () => {
    const bound = new BytesInFlight(1024 * 1024);
    const http = new HttpServer({ sink, port: 0, bytesInFlight: bound });
    const grpc = new GrpcReceiver({ sink, port: 0, bytesInFlight: bound, admissionWaitMs: 50, maxReceiveBytes: 512 * 1024 });
    const [httpPort, grpcPort] = await Promise.all([http.start(), grpc.start()]);
    const client = new RawGrpcClient(grpcPort);
    try {
      const held = bound.open();
      assert.ok(held.grow(900 * 1024));
      const refused = await send({
        port: httpPort,
        method: 'POST',
        path: '/v1/traces',
        headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' },
        body: gzipSync(body),
      });
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['retry-after'], '1');
      assert.equal(refused.body[0], 0x08);
      assert.equal(refused.body[1], 8);
      // A body of declared length takes its whole size from the bound before it is read.
      const declared = await send({
        port: httpPort,
        method: 'POST',
        path: '/v1/traces',
        headers: { 'Content-Type': 'application/x-protobuf' },
        body,
      });
      assert.equal(declared.status, 503);
      assert.equal(bound.inUse, 900 * 1024);
      const busy = await client.call(TRACE_EXPORT_PATH, body);
      assert.equal(busy.error?.code, GrpcStatus.RESOURCE_EXHAUSTED);
      const details = busy.error?.metadata.get('grpc-status-details-bin')[0] as Buffer;
      assert.ok(details.includes(Buffer.from('type.googleapis.com/google.rpc.RetryInfo')));

      held.release();
      const accepted = await send({
        port: httpPort,
        method: 'POST',
        path: '/v1/traces',
        headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' },
        body: gzipSync(body),
      });
      assert.equal(accepted.status, 200);
      assert.equal((await client.call(TRACE_EXPORT_PATH, body)).error, null);
      assert.equal(bound.inUse, 0);
    } finally {
      client.close();
      await Promise.all([http.stop(), grpc.stop()]);
    }
  });
});
