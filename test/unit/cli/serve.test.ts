import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { context, trace } from '@opentelemetry/api';
import { bearer, runCli, startServe, type ServeProcess } from '../../support/cliProcess';

async function sendTrace(exporter: GrpcExporter | ProtoExporter, service: string): Promise<string> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 10 })],
  });
  const tracer = provider.getTracer('cli-test');
  const root = tracer.startSpan('agent run');
  // No context manager is registered here, so the parent is passed explicitly.
  tracer.startSpan('step', {}, trace.setSpan(context.active(), root)).end();
  root.end();
  const traceId = root.spanContext().traceId;
  await provider.forceFlush();
  await provider.shutdown();
  return traceId;
}

async function getJson(serve: ServeProcess, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${serve.httpPort}${path}`, { headers: bearer(serve.token) });
  return { status: response.status, body: await response.json() };
}

describe('loupe serve (the real process)', function () {
  this.timeout(60_000);
  let store: string;
  let serve: ServeProcess | undefined;
  beforeEach(async () => (store = await mkdtemp(join(tmpdir(), 'loupe-cli-'))));
  afterEach(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    serve = undefined;
    await rm(store, { recursive: true, force: true });
  });

  it('receives gRPC and HTTP exports, answers the REST API, and keeps traces across a SIGTERM restart', async () => {
    serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store]);
    const viaGrpc = await sendTrace(new GrpcExporter({ url: `http://127.0.0.1:${serve.grpcPort}` }), 'grpc-agent');
    const viaHttp = await sendTrace(new ProtoExporter({ url: `http://127.0.0.1:${serve.httpPort}/v1/traces` }), 'http-agent');

    const health = await getJson(serve, '/api/health');
    assert.equal(health.body.product, 'loupe');
    assert.equal(health.body.grpcPort, serve.grpcPort);
    assert.equal(health.body.traces, 2);
    assert.equal(health.body.spans, 4);
    const list = await getJson(serve, '/api/traces');
    assert.deepEqual(list.body.map((t: any) => t.traceId).sort(), [viaGrpc, viaHttp].sort());
    const detail = await getJson(serve, `/api/traces/${viaGrpc}`);
    assert.deepEqual(
      detail.body.spans.map((s: any) => s.name),
      ['agent run', 'step'],
    );
    assert.equal(detail.body.spans[0].service, 'grpc-agent');

    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0, serve.output());
    assert.match(serve.output(), /Stopped\./);

    serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store]);
    const again = await getJson(serve, '/api/traces');
    // `version` counts changes within one run; everything else must come back as it was.
    const withoutVersion = (traces: any[]) => traces.map(({ version: _version, ...rest }) => rest);
    assert.deepEqual(withoutVersion(again.body), withoutVersion(list.body));
    serve.child.kill('SIGINT');
    assert.equal(await serve.exited, 0);
  });

  it('logs a line when spend crosses a --budget level, and serves /metrics', async () => {
    serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store, '--budget', 'daily=0.01']);
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'priced-agent' }),
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: new ProtoExporter({ url: `http://127.0.0.1:${serve.httpPort}/v1/traces` }),
          scheduledDelayMillis: 10,
        }),
      ],
    });
    const span = provider.getTracer('cli-test').startSpan('chat', {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 3,
        'gen_ai.usage.cost': 0.02,
      },
    });
    span.end();
    await provider.forceFlush();
    await provider.shutdown();
    for (let i = 0; i < 100 && !/Budget critical/.test(serve.output()); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(serve.output(), /Budget critical: Daily budget limit reached: \$0\.02 spent of \$0\.01 \(200%\)\./);
    const metrics = await (await fetch(`http://127.0.0.1:${serve.httpPort}/metrics`, { headers: bearer(serve.token) })).text();
    assert.match(metrics, /loupe_cost_usd_total\{service="priced-agent",agent="\(none\)",model="gpt-4o"\} 0\.02/);
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0);
  });

  it('keeps its access token in the store (0600), prints it in the UI address, and keeps it across a restart', async () => {
    serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store]);
    const file = join(store, 'auth-token');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await readFile(file, 'utf8')).trim(), serve.token);
    assert.match(serve.token, /^[\w-]{43}$/, '32 random bytes, base64url');
    assert.equal(serve.uiUrl, `http://127.0.0.1:${serve.httpPort}/?token=${serve.token}`);
    assert.match(serve.output(), new RegExp(`kept in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

    const refused = await fetch(`http://127.0.0.1:${serve.httpPort}/api/traces`);
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="loupe"');
    assert.ok(((await refused.json()) as { error: string }).error.includes(file), 'the answer says where the token is');

    // Opening the printed address: the token becomes a cookie and leaves the address.
    const opened = await fetch(serve.uiUrl, { redirect: 'manual' });
    assert.equal(opened.status, 303);
    assert.equal(opened.headers.get('location'), './');
    assert.equal(opened.headers.get('set-cookie'), `loupe_token_${serve.httpPort}=${serve.token}; Path=/; HttpOnly; SameSite=Strict`);

    const token = serve.token;
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0, serve.output());
    serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store]);
    assert.equal(serve.token, token, 'the same token after a restart');
    assert.equal((await getJson(serve, '/api/health')).status, 200);

    // Rotating: delete the file and restart.
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0, serve.output());
    await rm(file);
    serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store]);
    assert.notEqual(serve.token, token);
    const stale = await fetch(`http://127.0.0.1:${serve.httpPort}/api/health`, { headers: bearer(token) });
    assert.equal(stale.status, 401);
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0);
  });

  it('--open hands the browser an owner-only page, never the token on a command line others can read', async () => {
    // A stand-in for xdg-open that records how it was called.
    const bin = join(store, 'bin');
    await mkdir(bin);
    const calls = join(store, 'opened.txt');
    await writeFile(join(bin, 'xdg-open'), `#!/bin/sh\necho "$@" >> '${calls}'\n`, { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', join(store, 'data'), '--open']);
    } finally {
      process.env.PATH = path;
    }
    let opened = '';
    for (let i = 0; i < 100 && !opened; i++) {
      opened = await readFile(calls, 'utf8').catch(() => '');
      if (!opened) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const page = join(store, 'data', 'open-ui.html');
    assert.equal(opened.trim(), `file://${page}`);
    assert.ok(!opened.includes(serve.token));
    assert.equal((await stat(page)).mode & 0o777, 0o600);
    assert.ok((await readFile(page, 'utf8')).includes(`url=${serve.uiUrl}"`));
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0);
    await assert.rejects(stat(page), { code: 'ENOENT' }, 'removed at exit');
  });

  it('names the busy port and the way out, and exits 1', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, output } = await runCli(['serve', '--grpc-port', '0', '--http-port', String(port), '--store', store]);
      assert.equal(code, 1);
      assert.match(output, new RegExp(`Port ${port} is already in use`));
      assert.match(output, /--http-port/);
    } finally {
      blocker.close();
    }
  });

  it('exits 2 with usage on bad flags', async () => {
    const { code, output } = await runCli(['serve', '--grpc-port', 'x']);
    assert.equal(code, 2);
    assert.match(output, /Usage: loupe serve/);
  });
});
