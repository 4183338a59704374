import { strict as assert } from 'node:assert';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { LoupeRuntime } from '../../../src/core/host/loupeRuntime';
import {
  isTokenProof,
  LEGACY_MCP_TOKEN_FILE,
  readAccessToken,
  readOrCreateAccessToken,
  tokenProof,
} from '../../../src/core/host/accessToken';
import { probeLoupe } from '../../../src/core/host/probeLoupe';
import { HttpLoupe } from '../../../src/core/host/httpLoupe';
import { send, type HttpReply } from '../receiver/httpClient';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;
const MCP_INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } },
});

async function exportOneTrace(exporter: GrpcExporter | ProtoExporter, name: string): Promise<string> {
  const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 10 })] });
  const span = provider.getTracer('access-test').startSpan(name);
  span.end();
  await provider.forceFlush();
  await provider.shutdown();
  return span.spanContext().traceId;
}

describe('the access token on every read and control face', () => {
  let storeDir: string;
  let runtime: LoupeRuntime;
  let port: number;
  let grpcPort: number;
  let token: string;

  /** Every face that reads or changes data, as a request without credentials. */
  const FACES: { name: string; method: string; path: string; headers?: Record<string, string>; body?: string }[] = [
    { name: 'health', method: 'GET', path: '/api/health' },
    { name: 'trace list', method: 'GET', path: '/api/traces' },
    { name: 'event stream', method: 'GET', path: '/api/traces/stream' },
    { name: 'delete all', method: 'DELETE', path: '/api/traces' },
    { name: 'import', method: 'POST', path: '/api/import', headers: { 'content-type': 'application/json' }, body: '{}' },
    { name: 'metrics', method: 'GET', path: '/metrics' },
    {
      name: 'mcp',
      method: 'POST',
      path: '/mcp',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: MCP_INITIALIZE,
    },
  ];

  function call(face: (typeof FACES)[number], extra: { headers?: Record<string, string>; query?: string } = {}): Promise<HttpReply> {
    return send({
      port,
      method: face.method,
      path: `${face.path}${extra.query ?? ''}`,
      headers: { ...face.headers, ...extra.headers },
      body: face.body,
    });
  }

  before(async () => {
    storeDir = await mkdtemp(join(tmpdir(), 'loupe-access-'));
    runtime = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, storeDir, version: '0.0.0-test' });
    const status = await runtime.startReceivers();
    port = status.http.state === 'listening' ? status.http.port : 0;
    grpcPort = status.grpc.state === 'listening' ? status.grpc.port : 0;
    token = runtime.accessToken;
  });

  after(async () => {
    await runtime?.close();
    await rm(storeDir, { recursive: true, force: true });
  });

  it('keeps the token in the store folder: 43 characters of base64url (256 bits), 0600 in a 0700 folder', async () => {
    const file = join(storeDir, 'auth-token');
    assert.equal((await readFile(file, 'utf8')).trim(), token);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(await modeOf(file), 0o600);
    assert.equal(await modeOf(storeDir), 0o700);
  });

  it('answers 401 on each face without the token, saying where it is, and changes nothing', async () => {
    await exportOneTrace(new ProtoExporter({ url: `http://127.0.0.1:${port}/v1/traces` }), 'kept');
    for (const face of FACES) {
      const reply = await call(face);
      assert.equal(reply.status, 401, `${face.name}: ${reply.text}`);
      assert.equal(reply.headers['www-authenticate'], 'Bearer realm="loupe"', face.name);
      const body = JSON.parse(reply.text) as { error: string; tokenFile: string; product: string };
      assert.equal(body.tokenFile, join(storeDir, 'auth-token'), face.name);
      assert.match(body.error, /Authorization: Bearer/);
      assert.ok(body.error.includes(join(storeDir, 'auth-token')), face.name);
      assert.ok(!reply.text.includes(token), 'the answer never holds the token');
    }
    assert.equal((await runtime.engine.listTraces({})).length, 1, 'the unauthenticated DELETE deleted nothing');
  });

  it('takes the token as a Bearer header, a token query parameter or this port’s cookie', async () => {
    const forms: Record<string, { headers?: Record<string, string>; query?: string }> = {
      bearer: { headers: { authorization: `Bearer ${token}` } },
      query: { query: `?token=${token}` },
      cookie: { headers: { cookie: `theme=dark; loupe_token_${port}=${token}` } },
    };
    const readable = FACES.filter((face) => face.method === 'GET' && face.name !== 'event stream');
    for (const [form, extra] of Object.entries(forms)) {
      for (const face of readable) {
        const reply = await call(face, extra);
        assert.equal(reply.status, 200, `${face.name} with ${form}: ${reply.text}`);
      }
      const mcp = await call(
        FACES.find((face) => face.name === 'mcp')!,
        extra,
      );
      assert.equal(mcp.status, 200, `mcp with ${form}: ${mcp.text}`);
    }
  });

  it('finds the real cookie behind one a page on another port of this host set with the same name', async () => {
    // Cookies are not port-scoped: any local page can set `loupe_token_<port>`, but not hide the real one.
    const reply = await call(FACES[0], { headers: { cookie: `loupe_token_${port}=${'x'.repeat(43)}; loupe_token_${port}=${token}` } });
    assert.equal(reply.status, 200);
  });

  it('opens the event stream with the token (a cookie, as the browser UI sends it)', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/traces/stream`, { headers: { cookie: `loupe_token_${port}=${token}` } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    await response.body?.cancel();
  });

  it('refuses a wrong token of the same length in every form, and another port’s cookie', async () => {
    const wrong = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    assert.equal(wrong.length, token.length);
    const health = FACES[0];
    const attempts: { headers?: Record<string, string>; query?: string }[] = [
      { headers: { authorization: `Bearer ${wrong}` } },
      { query: `?token=${wrong}` },
      { headers: { cookie: `loupe_token_${port}=${wrong}` } },
      { headers: { cookie: `loupe_token_${port + 1}=${token}` } },
      { headers: { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` } },
      { headers: { authorization: `Bearer ${token} ${token}` } },
    ];
    for (const extra of attempts) {
      const reply = await call(health, extra);
      assert.equal(reply.status, 401, JSON.stringify(extra));
    }
  });

  it('checks the Host header first: a foreign Host is refused even with the token', async () => {
    const reply = await send({ port, path: '/api/health', headers: { host: 'attacker.example', authorization: `Bearer ${token}` } });
    assert.equal(reply.status, 403);
    const noToken = await send({ port, path: '/api/health', headers: { host: 'attacker.example' } });
    assert.equal(noToken.status, 403);
  });

  it('leaves the OTLP receive paths open, over HTTP and gRPC, as a collector’s are', async () => {
    const viaHttp = await exportOneTrace(new ProtoExporter({ url: `http://127.0.0.1:${port}/v1/traces` }), 'over http');
    const viaGrpc = await exportOneTrace(new GrpcExporter({ url: `http://127.0.0.1:${grpcPort}` }), 'over grpc');
    const ids = (await runtime.engine.listTraces({})).map((trace) => trace.traceId);
    assert.ok(ids.includes(viaHttp) && ids.includes(viaGrpc));
    const json = await send({ port, method: 'POST', path: '/v1/logs', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(json.status, 200);
  });

  it('serves the UI’s files without the token, and turns the printed address into a cookie', async () => {
    const page = await send({ port, path: '/' });
    assert.equal(page.status, 200);
    const opened = await send({ port, path: `/?token=${token}` });
    assert.equal(opened.status, 303);
    assert.equal(opened.headers.location, './');
    assert.deepEqual(opened.headers['set-cookie'], [`loupe_token_${port}=${token}; Path=/; HttpOnly; SameSite=Strict`]);
    const replay = await send({ port, path: `/replay.html?trace=ab&token=${token}&span=cd` });
    assert.equal(replay.headers.location, './replay.html?trace=ab&span=cd');
    // A last segment that looks like another address stays a path on this server.
    const odd = await send({ port, path: `/x/http:%2F%2Fexample.com?token=${token}` });
    assert.equal(odd.headers.location, './http:%2F%2Fexample.com');
    const wrong = await send({ port, path: `/?token=${'A'.repeat(token.length)}` });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers['set-cookie'], undefined);
  });

  it('uses the same token after a restart, and a new one once the file is deleted', async () => {
    await runtime.close();
    runtime = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, storeDir, version: '0.0.0-test' });
    assert.equal(runtime.accessToken, token);
    await runtime.close();
    await rm(join(storeDir, 'auth-token'));
    runtime = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, storeDir, version: '0.0.0-test' });
    assert.notEqual(runtime.accessToken, token);
    const status = await runtime.startReceivers();
    port = status.http.state === 'listening' ? status.http.port : 0;
    assert.equal((await send({ port, path: '/api/health', headers: { authorization: `Bearer ${token}` } })).status, 401);
    token = runtime.accessToken;
    assert.equal((await send({ port, path: '/api/health', headers: { authorization: `Bearer ${token}` } })).status, 200);
  });

  it('is what a joining client sends: HttpLoupe reads and follows the stream with it', async () => {
    const client = new HttpLoupe(`http://127.0.0.1:${port}`, { token });
    const changed = new Promise<void>((resolve) => {
      const stop = client.subscribe(() => {
        stop();
        resolve();
      });
    });
    // Give the stream a moment to open, then make a change it must carry.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await exportOneTrace(new ProtoExporter({ url: `http://127.0.0.1:${port}/v1/traces` }), 'seen live');
    await changed;
    assert.equal((await client.health()).product, 'loupe');
    client.close();
    await assert.rejects(new HttpLoupe(`http://127.0.0.1:${port}`).health(), /401/);
  });
});

describe('the token file', () => {
  let root: string;
  beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'loupe-token-'))));
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('adopts the MCP token of a store from an earlier version, once', async () => {
    const legacy = 'L'.repeat(43);
    await writeFile(join(root, LEGACY_MCP_TOKEN_FILE), legacy, { mode: 0o600 });
    // A reader that does not write finds it before any start has moved it.
    assert.equal(await readAccessToken(root), legacy);
    assert.equal(await readOrCreateAccessToken(root), legacy);
    assert.deepEqual((await readdir(root)).sort(), ['auth-token']);
    assert.equal(await modeOf(join(root, 'auth-token')), 0o600);
    // Deleting it then makes a new one, as rotation should.
    await rm(join(root, 'auth-token'));
    assert.notEqual(await readOrCreateAccessToken(root), legacy);
  });

  it('gives every one of several simultaneous starts the same token', async () => {
    const tokens = await Promise.all(Array.from({ length: 8 }, () => readOrCreateAccessToken(root)));
    assert.equal(new Set(tokens).size, 1);
    assert.deepEqual(await readdir(root), ['auth-token']);
  });

  it('replaces a file that holds no token, and narrows a copy that lost its mode', async () => {
    await writeFile(join(root, 'auth-token'), 'not a token\n');
    const made = await readOrCreateAccessToken(root);
    assert.match(made, /^[A-Za-z0-9_-]{43}$/);
    await writeFile(join(root, 'auth-token'), made, { mode: 0o644 });
    assert.equal(await readOrCreateAccessToken(root), made);
    assert.equal(await modeOf(join(root, 'auth-token')), 0o600);
  });

  it('is only read, never created, by a reader', async () => {
    assert.equal(await readAccessToken(root), undefined);
    assert.deepEqual(await readdir(root), []);
  });
});

describe('finding the token of a Loupe without handing one to a stranger', () => {
  it('proves knowledge of a token for one port only', () => {
    const proof = tokenProof('T'.repeat(43), 'challenge-challenge', 4318);
    assert.ok(isTokenProof(proof, 'T'.repeat(43), 'challenge-challenge', 4318));
    assert.ok(!isTokenProof(proof, 'T'.repeat(43), 'challenge-challenge', 4319), 'a relayed answer for another port fails');
    assert.ok(!isTokenProof(proof, 'U'.repeat(43), 'challenge-challenge', 4318));
  });

  it('sends no token to a server that answers like Loupe but cannot prove it holds it', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const root = await mkdtemp(join(tmpdir(), 'loupe-squat-'));
    const victimToken = await readOrCreateAccessToken(root);
    // It names the victim's token file, hoping the client reads it and sends what it holds.
    const squatter: Server = createServer((request, response) => {
      seen.push(request.headers);
      const body = JSON.stringify({ error: 'token please', product: 'loupe', tokenFile: join(root, 'auth-token') });
      response.writeHead(401, { 'content-type': 'application/json', 'x-loupe-proof': 'made-up' }).end(body);
    });
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    try {
      const squatPort = (squatter.address() as { port: number }).port;
      const answer = await probeLoupe('127.0.0.1', squatPort, { tokens: [victimToken, 'x'.repeat(43)] });
      assert.deepEqual(answer, { joinable: false, tokenFile: join(root, 'auth-token') });
      assert.equal(seen.length, 1);
      assert.equal(seen[0].authorization, undefined);
      assert.ok(!JSON.stringify(seen).includes(victimToken));
    } finally {
      squatter.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('joins a real Loupe with its own token, or with the file it names, and reports one it cannot read', async () => {
    const storeDir = await mkdtemp(join(tmpdir(), 'loupe-probe-'));
    const runtime = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, storeDir, version: 'probe' });
    try {
      const status = await runtime.startReceivers();
      const port = status.http.state === 'listening' ? status.http.port : 0;
      const direct = await probeLoupe('127.0.0.1', port, { tokens: ['w'.repeat(43), runtime.accessToken] });
      assert.equal(direct?.joinable && direct.token, runtime.accessToken);
      assert.equal(direct?.joinable && direct.health.httpPort, port);
      const hinted = await probeLoupe('127.0.0.1', port, { tokens: [] });
      assert.equal(hinted?.joinable && hinted.token, runtime.accessToken, 'read from the file the 401 names');
      // Another user's Loupe: the file it names cannot be read (here: it is gone).
      await rm(join(storeDir, 'auth-token'));
      assert.deepEqual(await probeLoupe('127.0.0.1', port, { tokens: ['w'.repeat(43)] }), {
        joinable: false,
        tokenFile: join(storeDir, 'auth-token'),
      });
    } finally {
      await runtime.close();
      await rm(storeDir, { recursive: true, force: true });
    }
  });
});
