import { strict as assert } from 'node:assert';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { HttpServer } from '../../../src/core/host/httpListener';

describe('refused exports are reported for the log, with the reason the exporter was told', () => {
  let engine: TraceEngine;
  let server: HttpServer;
  let port: number;
  const refused: string[] = [];

  before(async () => {
    engine = await TraceEngine.open({ changeDelayMs: 10, version: '0.0.0-test' });
    server = new HttpServer({
      sink: engine,
      port: 0,
      shutdownGraceMs: 200,
      maxRequestBytes: 1024,
      onRefused: (detail) => refused.push(detail),
    });
    port = await server.start();
  });

  after(async () => {
    await server.stop();
    await engine.close();
  });

  const post = (body: string | Uint8Array<ArrayBuffer>, contentType: string) =>
    fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('an unsupported media type (415)', async () => {
    refused.length = 0;
    assert.equal((await post('hello', 'text/plain')).status, 415);
    assert.equal(refused.length, 1);
    assert.match(refused[0], /^OTLP\/HTTP \/v1\/traces refused with 415: Content-Type "text\/plain" is not supported/);
  });

  it('data that does not decode (400) and a body over the limit (413)', async () => {
    refused.length = 0;
    assert.equal((await post('{"resourceSpans": 7}', 'application/json')).status, 400);
    assert.equal((await post(new Uint8Array(4096).fill(1), 'application/x-protobuf')).status, 413);
    assert.equal(refused.length, 2);
    assert.match(refused[0], /refused with 400: /);
    assert.match(refused[1], /refused with 413: /);
  });

  it('says nothing about an accepted export', async () => {
    refused.length = 0;
    assert.equal((await post('{"resourceSpans": []}', 'application/json')).status, 200);
    assert.deepEqual(refused, []);
  });
});
