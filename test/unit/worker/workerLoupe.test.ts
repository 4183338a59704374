import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerLoupe } from '../../../src/core/host/workerLoupe';
import { LoupeRuntime } from '../../../src/core/host/loupeRuntime';
import type { TraceChange } from '../../../src/model/traceTypes';
import { buildEngineWorker } from '../../support/buildWorker';
import { hexId, span, traceRequest } from '../../support/otlpBuilders';
import { startBlackHole } from '../forward/testServers';

describe('the engine in a worker thread', function () {
  this.timeout(30_000);
  let script: string;
  let store: string;
  before(async () => (script = await buildEngineWorker()));
  beforeEach(async () => (store = await mkdtemp(join(tmpdir(), 'loupe-worker-store-'))));
  afterEach(async () => rm(store, { recursive: true, force: true }));

  const options = () => ({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, storeDir: store, version: 'test' });

  it('receives over HTTP inside the thread and answers queries and change events by message', async () => {
    const loupe = await WorkerLoupe.start(script, options());
    try {
      const status = await loupe.startReceivers();
      assert.equal(status.http.state, 'listening');
      assert.equal(status.grpc.state, 'listening');
      const httpPort = status.http.state === 'listening' ? status.http.port : 0;
      const changes: TraceChange[] = [];
      loupe.subscribe((c) => changes.push(c));

      const t = hexId(16);
      const response = await fetch(`http://127.0.0.1:${httpPort}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(traceRequest([span(t, hexId(8), undefined, 'in the worker', 0, 3)])),
      });
      assert.equal(response.status, 200);
      for (let i = 0; i < 50 && changes.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(changes[0]?.upserted[0]?.traceId, t);
      assert.equal((await loupe.listTraces())[0].name, 'in the worker');
      assert.equal((await loupe.getTrace(t))?.spans.length, 1);
      assert.equal(await loupe.getTrace(hexId(16)), undefined);
      assert.equal((await loupe.health()).httpPort, httpPort);

      const stopped = await loupe.stopReceivers();
      assert.equal(stopped.http.state, 'stopped');
      assert.equal((await loupe.listTraces()).length, 1, 'stored traces stay readable with the receiver off');
    } finally {
      await loupe.close();
    }
    assert.equal((await readdir(join(store, 'traces'))).filter((f) => f.endsWith('.json')).length, 1, 'close writes the store');
  });

  it('reports a busy port per listener without failing the other', async () => {
    const first = await WorkerLoupe.start(script, options());
    const second = await WorkerLoupe.start(script, { ...options(), storeDir: join(store, 'second') });
    try {
      const taken = await first.startReceivers();
      const grpcPort = taken.grpc.state === 'listening' ? taken.grpc.port : 0;
      const status = await second.startReceivers();
      assert.equal(status.grpc.state, 'listening', 'port 0 is always free');
      await second.stopReceivers();
      const third = await WorkerLoupe.start(script, { ...options(), grpcPort, storeDir: join(store, 'third') });
      try {
        const clash = await third.startReceivers();
        assert.equal(clash.grpc.state, 'failed');
        if (clash.grpc.state === 'failed') assert.match(clash.grpc.message, new RegExp(`Port ${grpcPort} is already in use`));
        assert.equal(clash.http.state, 'listening');
      } finally {
        await third.close();
      }
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('forwards a stored trace from inside the thread to another OTLP receiver', async () => {
    const target = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, version: 'target' });
    const loupe = await WorkerLoupe.start(script, options());
    try {
      const targetStatus = await target.startReceivers();
      const grpcPort = targetStatus.grpc.state === 'listening' ? targetStatus.grpc.port : 0;
      const t = hexId(16);
      const root = hexId(8);
      await loupe.importOtlp(
        JSON.stringify(traceRequest([span(t, root, undefined, 'forward me', 0, 9), span(t, hexId(8), root, 'child', 1, 4)])),
      );
      const result = await loupe.forwardTrace(
        t,
        { name: 'other', protocol: 'otlp-grpc', endpoint: `http://127.0.0.1:${grpcPort}`, uiUrl: 'http://127.0.0.1:1/trace/{traceId}' },
        { timeoutMs: 5_000 },
      );
      assert.deepEqual(result, { ok: true, spanCount: 2, traceUrl: `http://127.0.0.1:1/trace/${t}` });
      const arrived = await target.engine.getTrace(t);
      assert.deepEqual(arrived?.spans.map((s) => s.name).sort(), ['child', 'forward me']);
      assert.equal(
        await loupe.forwardTrace(hexId(16), { name: 'other', protocol: 'otlp-grpc', endpoint: `http://127.0.0.1:${grpcPort}` }),
        undefined,
      );
      const refused = await loupe.forwardTrace(t, { name: 'bad', protocol: 'otlp-http', endpoint: 'not a url' });
      assert.equal(refused?.ok, false);
    } finally {
      await loupe.close();
      await target.close();
    }
  });

  it('cancels a forward in flight in the thread when the caller aborts', async () => {
    const hole = await startBlackHole();
    const loupe = await WorkerLoupe.start(script, options());
    try {
      const t = hexId(16);
      await loupe.importOtlp(JSON.stringify(traceRequest([span(t, hexId(8), undefined, 'never answered', 0, 9)])));
      const controller = new AbortController();
      const started = performance.now();
      setTimeout(() => controller.abort(), 150);
      const result = await loupe.forwardTrace(
        t,
        { name: 'silent', protocol: 'otlp-http', endpoint: `http://127.0.0.1:${hole.port}` },
        { timeoutMs: 10_000, signal: controller.signal },
      );
      const ms = performance.now() - started;
      assert.equal(result?.ok, false);
      assert.equal(result?.ok === false && result.error.kind, 'cancelled');
      assert.ok(ms < 2_000, `cancelled after ${Math.round(ms)} ms, not at the 10 s limit`);
      assert.equal((await loupe.health()).product, 'loupe', 'the engine thread keeps answering');
    } finally {
      await loupe.close();
      await hole.close();
    }
  });

  it('fails pending calls and reports a crash when the thread dies', async () => {
    let crashed = '';
    const loupe = await WorkerLoupe.start(script, options(), { onCrash: (m) => (crashed = m) });
    await (loupe as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await assert.rejects(loupe.listTraces(), /not running|exited/);
    assert.match(crashed, /exited/);
  });
});
