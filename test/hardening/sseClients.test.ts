import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type ServeProcess } from '../support/cliProcess';
import { hexId, span, traceRequest } from '../support/otlpBuilders';
import { send } from '../unit/receiver/httpClient';
import { toProtobuf } from './otlpWire';
import { processMemory } from './processMemory';

const CLIENTS = 1_000;
const UPDATES = 50;
const NAME_BYTES = 60 * 1024;

/** A stream client that sends its request and then never reads (the socket stays paused). */
function idleStreamClient(port: number, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write(
        `GET /api/traces/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      );
      socket.pause();
      resolve(socket);
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

async function healthMs(port: number, token: string): Promise<number> {
  const started = performance.now();
  const reply = await send({ port, token, path: '/api/health' });
  assert.equal(reply.status, 200);
  return performance.now() - started;
}

describe('event stream: 1,000 idle clients and 50 updates with 60 KB span names (loupe serve)', function () {
  this.timeout(180_000);
  let store: string;
  let serve: ServeProcess | undefined;
  const sockets: Socket[] = [];

  before(async () => {
    store = await mkdtemp(join(tmpdir(), 'loupe-sse-'));
    serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store]);
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    await rm(store, { recursive: true, force: true });
  });

  it('keeps the server small and answering, and gives the memory back when the clients go', async () => {
    const { child, httpPort, token } = serve!;
    await healthMs(httpPort, token);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const startRss = (await processMemory(child.pid!))!.rssMb;

    for (let i = 0; i < CLIENTS; i += 100) {
      sockets.push(...(await Promise.all(Array.from({ length: 100 }, () => idleStreamClient(httpPort, token)))));
    }

    let peakRss = 0;
    const healthTimes: number[] = [];
    for (let update = 0; update < UPDATES; update++) {
      const traceId = hexId(16);
      const spans = Array.from({ length: 4 }, (_, i) => span(traceId, hexId(8), undefined, `${i}${'n'.repeat(NAME_BYTES)}`, i, i + 1));
      const reply = await send({
        port: httpPort,
        method: 'POST',
        path: '/v1/traces',
        headers: { 'Content-Type': 'application/x-protobuf' },
        body: toProtobuf(traceRequest(spans)),
      });
      assert.equal(reply.status, 200);
      if (update % 5 === 4) {
        healthTimes.push(await healthMs(httpPort, token));
        peakRss = Math.max(peakRss, (await processMemory(child.pid!))!.rssMb);
      }
    }
    // Let the engine publish the last changes to every stream.
    for (let i = 0; i < 8; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      healthTimes.push(await healthMs(httpPort, token));
      peakRss = Math.max(peakRss, (await processMemory(child.pid!))!.rssMb);
    }
    const busyRss = (await processMemory(child.pid!))!.rssMb;

    for (const socket of sockets.splice(0)) socket.destroy();
    // What the clients cost is compared, not the traces: those are cleared.
    assert.equal((await send({ port: httpPort, token, method: 'DELETE', path: '/api/traces' })).status, 204);
    let endRss = Infinity;
    for (let i = 0; i < 120 && endRss > startRss * 1.2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      endRss = (await processMemory(child.pid!))!.rssMb;
    }
    const slowest = Math.max(...healthTimes);
    console.log(
      `      start ${startRss} MB, peak ${peakRss} MB, with clients ${busyRss} MB, after ${endRss} MB; slowest /api/health ${Math.round(slowest)} ms`,
    );
    assert.ok(peakRss < 600, `peak RSS ${peakRss} MB`);
    assert.ok(slowest < 1000, `/api/health took ${Math.round(slowest)} ms`);
    assert.ok(endRss <= startRss * 1.2, `RSS after ${endRss} MB vs ${startRss} MB at start`);
  });
});
