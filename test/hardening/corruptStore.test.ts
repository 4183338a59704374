import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, startServe, type ServeProcess } from '../support/cliProcess';
import { buildSentTrace, OtlpHttpSender, type SentTrace } from './sentTraces';

const serveArgs = (store: string) => ['--grpc-port', '0', '--http-port', '0', '--store', store];

async function sendAll(port: number, traces: SentTrace[]): Promise<void> {
  const sender = new OtlpHttpSender(port);
  try {
    for (const trace of traces) assert.equal(await sender.post(trace.body), 200);
  } finally {
    sender.close();
  }
}

async function health(serve: ServeProcess): Promise<{ traces: number; spans: number }> {
  return (await (await fetch(`http://127.0.0.1:${serve.httpPort}/api/health`, { headers: bearer(serve.token) })).json()) as {
    traces: number;
    spans: number;
  };
}

function warnings(output: string): string[] {
  return output.split('\n').filter((line) => line.startsWith('Warning:'));
}

describe('loupe serve with a damaged store (the real process)', function () {
  this.timeout(60_000);
  let store: string;
  let serve: ServeProcess | undefined;
  beforeEach(async () => (store = await mkdtemp(join(tmpdir(), 'loupe-corrupt-'))));
  afterEach(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    serve = undefined;
    await rm(store, { recursive: true, force: true });
  });

  it('moves corrupt trace files and a corrupt meta file aside, names them in warnings, and loads the rest', async () => {
    const sent = Array.from({ length: 10 }, (_, i) => buildSentTrace(0xc0c0, i, 3, 200));
    serve = await startServe(serveArgs(store));
    await sendAll(serve.httpPort, sent);
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0);

    const traceFile = (trace: SentTrace) => join(store, 'traces', `${trace.traceId}.json`);
    const whole = await readFile(traceFile(sent[2]), 'utf8');
    await writeFile(traceFile(sent[2]), whole.slice(0, whole.length >> 1));
    await writeFile(traceFile(sent[5]), Buffer.from([0x00, 0xff, 0xfe, 0x7b]));
    await writeFile(join(store, 'meta.json'), '{"version": 1, "nextSeq": "lots"');

    serve = await startServe(serveArgs(store));
    const lines = warnings(serve.output());
    assert.equal(lines.length, 3, serve.output());
    for (const damaged of [sent[2], sent[5]]) {
      assert.ok(
        lines.some((line) => new RegExp(`traces/${damaged.traceId}\\.json\\.corrupt-\\d{4}-`).test(line)),
        `a warning names ${damaged.traceId}`,
      );
    }
    assert.ok(
      lines.some((line) => /meta\.json\.corrupt-\d{4}-/.test(line)),
      'a warning names the meta file',
    );

    const names = await readdir(join(store, 'traces'));
    assert.equal(names.filter((name) => name.includes('.corrupt-')).length, 2);
    assert.ok((await readdir(store)).some((name) => name.startsWith('meta.json.corrupt-')));

    const intact = sent.filter((_, i) => i !== 2 && i !== 5);
    const loaded = await health(serve);
    assert.equal(loaded.traces, 8);
    assert.equal(loaded.spans, 24);
    for (const trace of intact) {
      const detail = (await (
        await fetch(`http://127.0.0.1:${serve.httpPort}/api/traces/${trace.traceId}`, { headers: bearer(serve.token) })
      ).json()) as {
        spans: { name: string }[];
      };
      assert.deepEqual(detail.spans.map((s) => s.name).sort(), [...trace.spanNames].sort());
    }

    // It keeps receiving, and the next start is clean: files set aside are not reported again.
    const more = buildSentTrace(0xc0c0, 99, 3, 200);
    await sendAll(serve.httpPort, [more]);
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0);
    serve = await startServe(serveArgs(store));
    assert.deepEqual(warnings(serve.output()), []);
    assert.equal((await health(serve)).traces, 9);
    const list = (await (await fetch(`http://127.0.0.1:${serve.httpPort}/api/traces`, { headers: bearer(serve.token) })).json()) as {
      traceId: string;
    }[];
    assert.equal(list[0].traceId, more.traceId, 'the newest trace sorts first although the meta was lost');
  });

  it('keeps working in memory when the store cannot be written, and says so', async () => {
    // A file where the traces folder should be: the disk refuses every trace write (ENOTDIR/EEXIST), even for root.
    await writeFile(join(store, 'traces'), 'not a folder');
    serve = await startServe(serveArgs(store));
    assert.ok(warnings(serve.output()).length >= 1, serve.output());
    const sent = Array.from({ length: 3 }, (_, i) => buildSentTrace(0xd1d1, i, 2, 100));
    await sendAll(serve.httpPort, sent);
    assert.equal((await health(serve)).traces, 3);
    const stats = (await (await fetch(`http://127.0.0.1:${serve.httpPort}/api/stats`, { headers: bearer(serve.token) })).json()) as {
      persistenceError?: string;
    };
    assert.ok(stats.persistenceError, 'the store error is reported through the API');
    serve.child.kill('SIGTERM');
    // Stopping does not hang on a store it cannot write, and says loudly what is lost.
    assert.equal(await serve.exited, 1, serve.output());
    assert.match(serve.output(), /could not be written to .* lost/);
  });
});
