import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoupeRuntime } from '../../../src/core/host/loupeRuntime';
import type { TraceChange } from '../../../src/model/traceTypes';
import { EngineConnection, type ConnectionOptions, type ConnectionState } from '../../../src/vscode/engine/engineConnection';
import { OWNER_FILE_NAME } from '../../../src/vscode/engine/ownerLock';
import { buildEngineWorker } from '../../support/buildWorker';
import { hexId, span, traceRequest } from '../../support/otlpBuilders';

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function role(connection: EngineConnection): ConnectionState['role'] {
  return connection.state.role;
}

describe('engine connection: one window owns the store, others join and take over', function () {
  this.timeout(60_000);
  let script: string;
  let store: string;
  const open: EngineConnection[] = [];
  before(async () => (script = await buildEngineWorker()));
  beforeEach(async () => (store = await mkdtemp(join(tmpdir(), 'loupe-connection-'))));
  afterEach(async () => {
    for (const connection of open.splice(0)) await connection.close();
    await rm(store, { recursive: true, force: true });
  });

  const options = (extra: Partial<ConnectionOptions['engine']> = {}, autoStart = true): ConnectionOptions => ({
    workerScript: script,
    engine: { host: '127.0.0.1', grpcPort: 0, httpPort: 0, storeDir: store, version: 'test', ...extra },
    autoStart,
    retryMs: 200,
  });
  const connect = (o: ConnectionOptions): EngineConnection => {
    const connection = EngineConnection.open(o);
    open.push(connection);
    return connection;
  };

  it('owns a free store, listens, and publishes its ports in the owner file', async () => {
    const first = connect(options());
    await first.settled();
    const state = first.state;
    assert.equal(state.role, 'owner');
    assert.ok(state.role === 'owner' && state.receiver.http.state === 'listening');
    const endpoint = first.endpoint();
    const record = JSON.parse(await readFile(join(store, OWNER_FILE_NAME), 'utf8'));
    assert.equal(record.pid, process.pid);
    assert.equal(record.httpPort, endpoint?.httpPort);
    assert.equal((await first.health()).httpPort, endpoint?.httpPort);
  });

  it('a second window joins the owner: same traces, live, and takes over when the owner closes', async () => {
    const first = connect(options());
    await first.settled();
    const second = connect(options());
    await second.settled();
    assert.equal(role(second), 'joined');
    assert.equal(second.endpoint()?.httpPort, first.endpoint()?.httpPort, 'agents keep one endpoint');

    const changes: TraceChange[] = [];
    second.subscribe((change) => changes.push(change));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const t = hexId(16);
    await first.importOtlp(JSON.stringify(traceRequest([span(t, hexId(8), undefined, 'seen by both', 0, 5)])));
    await until(() => changes.some((c) => c.upserted.some((s) => s.traceId === t)), 'the change in the joined window');
    assert.equal((await second.listTraces())[0].traceId, t);

    const resets: number[] = [];
    second.onDidReset(() => resets.push(Date.now()));
    await first.close();
    await until(() => role(second) === 'owner' || undefined, 'the takeover');
    await second.settled();
    assert.ok(resets.length > 0, 'views are told to reload');
    assert.equal((await second.getTrace(t))?.spans[0].name, 'seen by both', 'the store written by the first window is loaded');
    const record = JSON.parse(await readFile(join(store, OWNER_FILE_NAME), 'utf8'));
    assert.equal(record.httpPort, second.endpoint()?.httpPort);
  });

  it('takes over a store whose owner process is gone', async () => {
    await writeFile(
      join(store, OWNER_FILE_NAME),
      JSON.stringify({ pid: 2 ** 22 + 12345, instance: 'gone', host: '127.0.0.1', httpPort: 9, grpcPort: null, since: 1 }),
    );
    const connection = connect(options());
    await connection.settled();
    assert.equal(role(connection), 'owner');
  });

  it('waits while the owner is alive but unreachable, then joins when it listens', async () => {
    const first = connect(options({}, false));
    await first.settled();
    assert.ok(first.state.role === 'owner' && first.state.receiver.http.state === 'stopped');
    const second = connect(options());
    await second.settled();
    assert.equal(role(second), 'waiting');
    await assert.rejects(second.listTraces(), /Another VS Code window/);
    await first.startReceivers();
    await until(() => role(second) === 'joined' || undefined, 'the join once the owner listens');
  });

  it('reports a port held by another program, naming the port and the setting', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const connection = connect(options({ httpPort: port, storeDir: undefined }));
      await connection.settled();
      const state = connection.state;
      assert.ok(state.role === 'owner' && state.receiver.http.state === 'failed');
      if (state.role === 'owner' && state.receiver.http.state === 'failed') {
        assert.match(state.receiver.http.message, new RegExp(`Port ${port} is already in use.*loupe\\.receiver\\.httpPort`));
      }
      assert.equal(state.role === 'owner' && state.receiver.grpc.state, 'listening', 'the other listener still runs');
    } finally {
      blocker.close();
    }
  });

  it('joins a Loupe that holds the HTTP port (loupe serve) and forwards from there', async () => {
    // `loupe serve` keeps its own store (and token); the window finds the token file its 401 names.
    const serveStore = await mkdtemp(join(tmpdir(), 'loupe-connection-serve-'));
    const serve = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, storeDir: serveStore, version: 'serve' });
    const target = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, version: 'target' });
    try {
      const status = await serve.startReceivers();
      const targetStatus = await target.startReceivers();
      const httpPort = status.http.state === 'listening' ? status.http.port : 0;
      const targetHttp = targetStatus.http.state === 'listening' ? targetStatus.http.port : 0;
      const t = hexId(16);
      await serve.engine.importOtlp(JSON.stringify(traceRequest([span(t, hexId(8), undefined, 'served', 0, 5)])));
      const connection = connect(options({ httpPort }));
      await connection.settled();
      assert.equal(role(connection), 'joined');
      assert.equal((await connection.listTraces())[0].name, 'served');
      const result = await connection.forwardTrace(t, {
        name: 'target',
        protocol: 'otlp-http',
        endpoint: `http://127.0.0.1:${targetHttp}`,
      });
      assert.deepEqual(result, { ok: true, spanCount: 1 });
      assert.equal((await target.engine.getTrace(t))?.spans[0].name, 'served');
    } finally {
      for (const connection of open.splice(0)) await connection.close();
      await serve.close();
      await target.close();
      await rm(serveStore, { recursive: true, force: true });
    }
  });

  it('says so when the Loupe on its port is one whose token it cannot read', async () => {
    // No store folder: its token is nowhere this window can read (as another user's would be).
    const serve = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, version: 'serve' });
    try {
      const status = await serve.startReceivers();
      const httpPort = status.http.state === 'listening' ? status.http.port : 0;
      const connection = connect(options({ httpPort }));
      await connection.settled();
      const state = connection.state;
      assert.equal(state.role, 'owner');
      assert.equal(state.role === 'owner' && state.receiver.http.state, 'failed');
      assert.match(
        state.role === 'owner' && state.receiver.http.state === 'failed' ? state.receiver.http.message : '',
        /another Loupe, whose access token this window cannot read/,
      );
    } finally {
      for (const connection of open.splice(0)) await connection.close();
      await serve.close();
    }
  });

  it('restarts its engine on new listener settings without losing stored traces', async () => {
    const connection = connect(options());
    await connection.settled();
    const t = hexId(16);
    await connection.importOtlp(JSON.stringify(traceRequest([span(t, hexId(8), undefined, 'kept', 0, 5)])));
    const before = connection.endpoint()?.httpPort;
    await connection.reconfigure(options({ maxAttributeBytes: 1024 }));
    assert.equal(role(connection), 'owner');
    assert.ok(connection.endpoint()?.httpPort, 'listening again');
    assert.notEqual(connection.endpoint()?.httpPort, undefined);
    assert.equal((await connection.getTrace(t))?.spans[0].name, 'kept');
    assert.ok(before);
  });
});
