import { ok, rejects, strictEqual } from 'node:assert';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { HttpServer } from '../../../src/core/host/httpListener';
import { PortUnavailableError } from '../../../src/core/receiver/listenError';
import { probeLoupe } from '../../../src/core/host/probeLoupe';
import { RecordingSink } from './recordingSink';

function listen(server: Server | NetServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

function close(server: Server | NetServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('a port held by another program', () => {
  let other: Server;
  let otherPort = 0;

  before(async () => {
    // Another program that even answers /api/health, but is not Loupe.
    other = createHttpServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ status: 'ok', product: 'something-else' }));
    });
    otherPort = await listen(other);
  });
  after(() => close(other));

  it('makes start() fail with a message naming the port and the way out', async () => {
    const server = new HttpServer({ sink: new RecordingSink(), port: otherPort });
    await rejects(server.start(), (error: unknown) => {
      ok(error instanceof PortUnavailableError);
      strictEqual(error.listener, 'http');
      strictEqual(error.failure, 'in-use');
      strictEqual(error.systemCode, 'EADDRINUSE');
      strictEqual(
        error.message,
        `Port ${otherPort} is already in use by another program. Stop it, or set loupe.receiver.httpPort (CLI: --http-port) to another port; 0 picks a free one.`,
      );
      return true;
    });
    await server.stop();
  });

  it('is not mistaken for Loupe by probeLoupe', async () => {
    strictEqual(await probeLoupe('127.0.0.1', otherPort), undefined);
  });
});

describe('probeLoupe', () => {
  it('recognises a running Loupe and reads its health', async () => {
    const engine = await TraceEngine.open({ version: '9.9.9' });
    const server = new HttpServer({ sink: engine, api: engine, port: 0 });
    const port = await server.start();
    engine.setPorts({ grpcPort: null, httpPort: port });
    try {
      const answer = await probeLoupe('127.0.0.1', port, { tokens: [server.accessToken] });
      const health = answer?.joinable ? answer.health : undefined;
      strictEqual(health?.product, 'loupe');
      strictEqual(health?.httpPort, port);
      strictEqual(health?.version, '9.9.9');
      strictEqual(health?.pid, process.pid);
    } finally {
      await server.stop();
      await engine.close();
    }
  });

  it('answers undefined when nothing listens', async () => {
    const server = createNetServer();
    const port = await listen(server);
    await close(server);
    strictEqual(await probeLoupe('127.0.0.1', port), undefined);
  });

  it('gives up on a listener that never answers, within its timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createNetServer((socket) => sockets.add(socket));
    const port = await listen(silent);
    try {
      const started = performance.now();
      strictEqual(await probeLoupe('127.0.0.1', port, { timeoutMs: 300 }), undefined);
      const elapsed = performance.now() - started;
      ok(elapsed >= 250 && elapsed < 2_000, `took ${elapsed.toFixed(0)} ms`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await close(silent);
    }
  });

  it('answers undefined for a listener that speaks something other than HTTP', async () => {
    const garbage = createNetServer((socket) => {
      socket.resume();
      socket.end('SSH-2.0-OpenSSH_9.6\r\n');
    });
    const port = await listen(garbage);
    try {
      strictEqual(await probeLoupe('127.0.0.1', port), undefined);
    } finally {
      await close(garbage);
    }
  });
});
