import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { bearer, startServe, type ServeProcess } from '../support/cliProcess';
import { hexId, logsRequest, span, str, traceRequest } from '../support/otlpBuilders';
import { SECRET_FORMATS, SECRET_KEYS } from '../support/secretSamples';
import { toJson } from './otlpWire';

const SECRETS = Array.from({ length: 10 }, (_, i) => `sk-live-SECRET${i}-${'x'.repeat(8)}`);

/** Every file under `dir`, with its contents. */
async function filesUnder(dir: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ path, text: await readFile(path, 'utf8') });
  }
  return out;
}

function assertNoSecret(where: string, text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} holds ${secret}`);
}

describe('loupe.redact end to end: secrets never reach the store, the REST API or an OTLP export', function () {
  this.timeout(60_000);
  let store: string;
  let serve: ServeProcess | undefined;
  beforeEach(async () => (store = await mkdtemp(join(tmpdir(), 'loupe-redact-'))));
  afterEach(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    serve = undefined;
    await rm(store, { recursive: true, force: true });
  });

  it('masks credentials in spans, events, resources, log records and nested lists from real SDK clients', async () => {
    serve = await startServe([
      '--grpc-port',
      '0',
      '--http-port',
      '0',
      '--store',
      store,
      '--redact',
      'customer.ssn',
      '--redact',
      '/^internal\\..*\\.pin$/',
    ]);
    const base = `http://127.0.0.1:${serve.httpPort}`;

    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'redact-agent', 'deployment.api_token': SECRETS[0] }),
      spanProcessors: [
        new BatchSpanProcessor({ exporter: new GrpcExporter({ url: `http://127.0.0.1:${serve.grpcPort}` }), scheduledDelayMillis: 10 }),
      ],
    });
    const tracer = provider.getTracer('redact-test');
    const llm = tracer.startSpan('chat gpt-4o', {
      attributes: {
        'http.request.header.authorization': [`Bearer ${SECRETS[1]}`],
        'openai.api_key': SECRETS[2],
        'customer.ssn': SECRETS[3],
        'internal.card.pin': SECRETS[9],
        'gen_ai.usage.input_tokens': 42,
        'gen_ai.usage.output_tokens': 12,
        'llm.token_count.total': 54,
        'gen_ai.request.model': 'gpt-4o',
      },
    });
    llm.addEvent('login', { password: SECRETS[4], user: 'ada' });
    llm.end();
    const traceId = llm.spanContext().traceId;
    await provider.forceFlush();
    await provider.shutdown();

    const logs = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'redact-agent' }),
      processors: [new SimpleLogRecordProcessor({ exporter: new ProtoLogExporter({ url: `${base}/v1/logs` }) })],
    });
    logs.getLogger('redact-test').emit({
      eventName: 'gen_ai.user.message',
      context: trace.setSpanContext(context.active(), { traceId, spanId: llm.spanContext().spanId, traceFlags: TraceFlags.SAMPLED }),
      body: { content: 'hello', api_key: SECRETS[5] },
      attributes: { 'http.response.header.set-cookie': SECRETS[6] },
    });
    await logs.forceFlush();
    await logs.shutdown();

    // Nested key-value lists, which the span API cannot make, sent as OTLP/JSON.
    const nestedTrace = hexId(16);
    const nested = traceRequest([
      span(nestedTrace, hexId(8), undefined, 'http call', 0, 5, [
        {
          key: 'http.request',
          value: {
            kvlistValue: {
              values: [{ key: 'headers', value: { kvlistValue: { values: [str('Cookie', SECRETS[7]), str('X-Api-Key', SECRETS[8])] } } }],
            },
          },
        },
      ]),
    ]);
    const posted = await fetch(`${base}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: toJson(nested).toString(),
    });
    assert.equal(posted.status, 200);

    const reads: string[] = [];
    for (const path of ['/api/traces', `/api/traces?q=${SECRETS[2]}`, '/api/breakdown']) reads.push(path);
    for (const id of [traceId, nestedTrace]) {
      for (const suffix of ['', '/waterfall', '/breakdown', '/otlp']) reads.push(`/api/traces/${id}${suffix}`);
    }
    for (const path of reads) {
      const response: Response = await fetch(`${base}${path}`, { headers: bearer(serve!.token) });
      assert.equal(response.status, 200, path);
      assertNoSecret(path, await response.text());
    }
    const searched = (await (await fetch(`${base}/api/traces?q=${SECRETS[2]}`, { headers: bearer(serve.token) })).json()) as unknown[];
    assert.deepEqual(searched, [], 'a secret cannot even be searched for');

    const detail = (await (await fetch(`${base}/api/traces/${traceId}`, { headers: bearer(serve.token) })).json()) as {
      spans: { attributes: Record<string, unknown>; events: { attributes: Record<string, unknown> }[]; tokens: { input: number } }[];
    };
    const [llmSpan] = detail.spans;
    assert.equal(llmSpan.attributes['openai.api_key'], '[redacted]');
    assert.equal(llmSpan.attributes['http.request.header.authorization'], '[redacted]');
    assert.equal(llmSpan.attributes['customer.ssn'], '[redacted]', 'an added --redact pattern applies');
    assert.equal(llmSpan.attributes['internal.card.pin'], '[redacted]', 'a /regex/ pattern applies');
    assert.equal(llmSpan.attributes['gen_ai.usage.input_tokens'], 42, 'token counts are not credentials');
    assert.equal(llmSpan.tokens.input, 42);
    const otlp = await (await fetch(`${base}/api/traces/${traceId}/otlp`, { headers: bearer(serve.token) })).text();
    assert.match(otlp, /\[redacted\]/);

    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0, serve.output());
    const files = await filesUnder(store);
    assert.ok(
      files.some((file) => file.text.includes('[redacted]')),
      'the traces were written',
    );
    for (const file of files) assertNoSecret(file.path, file.text);
    assertNoSecret('the process output', serve.output());
  });
  it('masks every default secret key and every secret format in the store, REST, the live stream, exports and logs', async () => {
    serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store]);
    const base = `http://127.0.0.1:${serve.httpPort}`;
    const keyValue = (key: string) => `value-of-${key}-Zq9`;
    const secrets = [...SECRET_KEYS.map(keyValue), ...SECRET_FORMATS.map((sample) => sample.secret)];
    const assertClean = (where: string, text: string) => {
      for (const secret of secrets) assert.ok(!text.includes(secret), `${where} holds ${secret}`);
    };

    // The live stream is open before anything arrives, so it sees every change.
    const stream = await fetch(`${base}/api/traces/stream`, { headers: bearer(serve.token) });
    const reader = stream.body!.getReader();
    let streamed = '';
    const reading = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        streamed += Buffer.from(value).toString('utf8');
      }
    })();

    const traceIds: string[] = [];
    const spans = SECRET_FORMATS.map((sample) => {
      const traceId = hexId(16);
      traceIds.push(traceId);
      return span(traceId, hexId(8), undefined, sample.text, 0, 5, [
        str('note', sample.text),
        ...SECRET_KEYS.map((key) => str(key, keyValue(key))),
      ]);
    });
    const posted = await fetch(`${base}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: toJson(traceRequest(spans)).toString(),
    });
    assert.equal(posted.status, 200);
    const records = SECRET_FORMATS.map((sample, i) => ({
      timeUnixNano: '1795279085000000000',
      traceId: traceIds[i],
      spanId: spans[i].spanId,
      body: { stringValue: sample.text },
      attributes: SECRET_KEYS.map((key) => str(key, keyValue(key))),
    }));
    const logged = await fetch(`${base}/v1/logs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: toJson(logsRequest(records)).toString(),
    });
    assert.equal(logged.status, 200);

    const reads = ['/api/traces', '/api/breakdown'];
    for (const [i, id] of traceIds.entries()) {
      for (const suffix of ['', '/waterfall', '/breakdown', '/otlp', `/spans/${spans[i].spanId}`]) reads.push(`/api/traces/${id}${suffix}`);
    }
    for (const path of reads) {
      const response: Response = await fetch(`${base}${path}`, { headers: bearer(serve!.token) });
      assert.equal(response.status, 200, path);
      const text = await response.text();
      assertClean(path, text);
    }
    const detail = (await (await fetch(`${base}/api/traces/${traceIds[0]}`, { headers: bearer(serve.token) })).json()) as {
      spans: { attributes: Record<string, unknown> }[];
    };
    for (const key of SECRET_KEYS) assert.equal(detail.spans[0].attributes[key], '[redacted]', key);
    assert.match(String(detail.spans[0].attributes.note), /\[redacted\]/);
    for (const sample of SECRET_FORMATS) {
      const kept = sample.kept;
      if (kept)
        assert.ok(
          reads.length > 0 &&
            (await (
              await fetch(`${base}/api/traces?q=${encodeURIComponent(kept)}`, { headers: bearer(serve.token) })
            ).ok),
          kept,
        );
    }

    await new Promise((resolve) => setTimeout(resolve, 300));
    await reader.cancel();
    await reading.catch(() => undefined);
    assert.ok(streamed.includes('event: change'), 'the stream carried the changes');
    assertClean('the live stream', streamed);

    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0, serve.output());
    const files = await filesUnder(store);
    assert.ok(files.length > 0, 'the traces were written');
    for (const file of files) assertClean(file.path, file.text);
    assertClean('the process output', serve.output());
  });
});
