import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type ServeProcess } from '../support/cliProcess';
import { hexId, span, str, traceRequest } from '../support/otlpBuilders';
import { send } from '../unit/receiver/httpClient';
import { toProtobuf } from './otlpWire';

async function waitForFile(dir: string): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 50) {
    if ((await readdir(dir).catch(() => [])).length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('loupe serve network exposure (the real process)', function () {
  this.timeout(60_000);
  let store: string;
  let serve: ServeProcess | undefined;
  before(async () => {
    store = await mkdtemp(join(tmpdir(), 'loupe-exposure-'));
    serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store]);
  });
  after(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    await rm(store, { recursive: true, force: true });
  });

  it('listens on loopback by default and says nothing about exposure', async () => {
    // The exposure warning would follow the last listener line; wait for that line first.
    for (let waited = 0; !/UI and REST API on /.test(serve!.output()) && waited < 5_000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(serve!.output(), /UI and REST API on http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(serve!.output(), /OTLP\/gRPC listening on 127\.0\.0\.1:\d+/);
    assert.match(serve!.output(), /OTLP\/HTTP listening on http:\/\/127\.0\.0\.1:\d+\//);
    assert.doesNotMatch(serve!.output(), /exposes your traces/);
  });

  it('refuses a rebound Host, a cross-origin export and sends no CORS headers from /api', async () => {
    const port = serve!.httpPort;
    const body = toProtobuf(traceRequest([span(hexId(16), hexId(8), undefined, 'from a web page', 0, 1)]));
    const rebound = await send({
      port,
      method: 'POST',
      path: '/v1/traces',
      headers: { Host: `attacker.example:${port}`, 'Content-Type': 'application/x-protobuf' },
      body,
    });
    assert.equal(rebound.status, 403);
    const reboundApi = await send({ port, token: serve!.token, path: '/api/traces', headers: { Host: 'attacker.example' } });
    assert.equal(reboundApi.status, 403);
    const crossOrigin = await send({
      port,
      method: 'POST',
      path: '/v1/traces',
      headers: { Origin: 'https://attacker.example', 'Content-Type': 'application/x-protobuf' },
      body,
    });
    assert.equal(crossOrigin.status, 403);
    const api = await send({ port, token: serve!.token, path: '/api/health', headers: { Origin: 'https://attacker.example' } });
    assert.equal(api.status, 200);
    assert.equal(api.headers['access-control-allow-origin'], undefined);
    const health = JSON.parse(api.text) as { spans: number };
    assert.equal(health.spans, 0, 'nothing from the refused requests was stored');
  });

  it('lets another local user neither read nor delete: REST needs the token, the store is owner-only', async () => {
    // As the red team did it: curl a span list and a DELETE, with no credentials.
    const port = serve!.httpPort;
    const sent = await send({
      port,
      method: 'POST',
      path: '/v1/traces',
      headers: { 'Content-Type': 'application/x-protobuf' },
      // A prompt long enough (≥ 1 KiB) to go to the content store too, so its files are checked below.
      body: toProtobuf(
        traceRequest([span(hexId(16), hexId(8), undefined, 'private run', 0, 1, [str('gen_ai.prompt', 'private '.repeat(300))])]),
      ),
    });
    assert.equal(sent.status, 200, 'exporters still need no token');
    for (const [method, path] of [
      ['GET', '/api/traces'],
      ['DELETE', '/api/traces'],
      ['GET', '/metrics'],
      ['GET', '/api/traces/stream'],
    ]) {
      const reply = await send({ port, method, path });
      assert.equal(reply.status, 401, `${method} ${path}`);
      assert.doesNotMatch(reply.text, /private run/);
    }
    const listed = await send({ port, token: serve!.token, path: '/api/traces' });
    assert.match(listed.text, /private run/, 'the DELETE without a token deleted nothing');
    await waitForFile(join(store, 'traces'));
    await waitForFile(join(store, 'content'));
    const names = await readdir(store, { recursive: true });
    assert.ok(names.some((name) => name.startsWith('content/')) && names.includes('index.jsonl'), names.join(', '));
    for (const name of await readdir(store, { recursive: true })) {
      const path = join(store, name);
      const mode = (await stat(path)).mode & 0o777;
      assert.equal(mode, (await stat(path)).isDirectory() ? 0o700 : 0o600, name);
    }
    assert.equal((await stat(store)).mode & 0o777, 0o700);
    assert.ok((await readdir(store)).includes('auth-token'));
  });
});
