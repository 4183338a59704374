import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, startServe, type ServeProcess } from '../support/cliProcess';
import { hexId, span, traceRequest } from '../support/otlpBuilders';
import { toJson } from './otlpWire';

async function sendTrace(port: number): Promise<string> {
  const traceId = hexId(16);
  const reply = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: toJson(traceRequest([span(traceId, hexId(8), undefined, 'kept', 0, 1)])).toString(),
  });
  assert.equal(reply.status, 200);
  return traceId;
}

async function eventually(test: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('loupe serve does not lose traces silently', function () {
  this.timeout(60_000);
  let root: string;
  let serve: ServeProcess | undefined;
  beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'loupe-loss-'))));
  afterEach(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    serve = undefined;
    await rm(root, { recursive: true, force: true });
  });

  it('refuses to start on a --store that is a file, saying so', async () => {
    const file = join(root, 'not-a-folder');
    await writeFile(file, 'x');
    await assert.rejects(
      startServe(['--grpc-port', '0', '--http-port', '0', '--store', file]),
      /exited with 1[\s\S]*not-a-folder is not a folder/,
    );
  });

  it('exits non-zero and says so when the store cannot take the traces at shutdown', async () => {
    const store = join(root, 'store');
    serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store]);
    // The traces folder becomes a file: nothing can be written any more.
    await rm(join(store, 'traces'), { recursive: true, force: true });
    await writeFile(join(store, 'traces'), 'in the way');
    await sendTrace(serve.httpPort);
    await eventually(async () => {
      const stats = (await (await fetch(`http://127.0.0.1:${serve!.httpPort}/api/stats`, { headers: bearer(serve!.token) })).json()) as {
        persistenceError?: string;
      };
      return /traces/.test(String(stats.persistenceError));
    });
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 1, serve.output());
    assert.match(serve.output(), /Error: \d+ trace changes? could not be written to .*store.* lost/);
    assert.doesNotMatch(serve.output(), /^Stopped\.$/m);
  });

  it('writes every trace again when the traces folder is removed while it runs', async () => {
    const store = join(root, 'store');
    serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store]);
    const first = await sendTrace(serve.httpPort);
    const second = await sendTrace(serve.httpPort);
    const traces = join(store, 'traces');
    const files = async () => (await readdir(traces).catch(() => [] as string[])).filter((name) => name.endsWith('.json'));
    await eventually(async () => (await files()).length === 2);
    await rm(traces, { recursive: true, force: true });
    // A new trace makes the store write; it notices the folder is gone and writes all three.
    const third = await sendTrace(serve.httpPort);
    await eventually(async () => (await files()).length === 3);
    assert.deepEqual((await files()).sort(), [first, second, third].map((id) => `${id}.json`).sort());
    await rm(traces, { recursive: true, force: true });
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0, serve.output());
    assert.equal((await files()).length, 3, 'shutdown writes them again too');
  });
});
