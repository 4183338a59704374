import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, startServe, type ServeProcess } from '../support/cliProcess';
import { buildSentTrace, OtlpHttpSender, type SentTrace } from './sentTraces';

const SPANS_PER_TRACE = 4;
const PROMPT_BYTES = 4_000;
const SEED = 0x7ace;
/** Traces sent per round at most, so the store stays far below its byte limit (nothing is evicted). */
const MAX_TRACES_PER_ROUND = 2_000;

interface TraceDetailBody {
  spans: { name: string; attributes: Record<string, unknown> }[];
}

const serveArgs = (store: string) => ['--grpc-port', '0', '--http-port', '0', '--store', store, '--max-traces', '100000'];

/**
 * Trace ids whose files are complete on disk (written whole, then renamed into place); each trace
 * is one request, so its file is written once and `known` spares reading it again.
 */
async function flushedTraceIds(store: string, known: Set<string>): Promise<{ ids: Set<string>; tempFiles: number }> {
  const ids = new Set<string>();
  let tempFiles = 0;
  let names: string[];
  try {
    names = await readdir(join(store, 'traces'));
  } catch {
    return { ids, tempFiles };
  }
  for (const name of names) {
    if (name.endsWith('.tmp')) tempFiles++;
    if (!/^[0-9a-f]{32}\.json$/.test(name)) continue;
    if (known.has(name.slice(0, 32))) {
      ids.add(name.slice(0, 32));
      continue;
    }
    try {
      const trace = JSON.parse(await readFile(join(store, 'traces', name), 'utf8')) as { spans: unknown[] };
      if (trace.spans.length === SPANS_PER_TRACE) {
        ids.add(name.slice(0, 32));
        known.add(name.slice(0, 32));
      }
    } catch {
      // Renamed away between readdir and read (an eviction); not flushed for our purpose.
    }
  }
  return { ids, tempFiles };
}

async function getJson<T>(serve: ServeProcess, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`http://127.0.0.1:${serve.httpPort}${path}`, { headers: bearer(serve.token) });
  return { status: response.status, body: (await response.json()) as T };
}

/** Asserts the trace the server returns is the one that was sent: every span, its name and its prompt. */
async function assertIntact(serve: ServeProcess, sent: SentTrace): Promise<void> {
  const { status, body } = await getJson<TraceDetailBody>(serve, `/api/traces/${sent.traceId}`);
  assert.equal(status, 200, `trace ${sent.traceId} is missing`);
  assert.deepEqual(body.spans.map((s) => s.name).sort(), [...sent.spanNames].sort(), `trace ${sent.traceId} is whole`);
  for (const span of body.spans) assert.equal(String(span.attributes['gen_ai.prompt']).length, PROMPT_BYTES);
}

function warningsIn(output: string): string[] {
  return output.split('\n').filter((line) => /warning|error/i.test(line));
}

describe('loupe serve crash safety (the real process)', function () {
  this.timeout(180_000);
  let store: string;
  let serve: ServeProcess | undefined;
  beforeEach(async () => (store = await mkdtemp(join(tmpdir(), 'loupe-crash-'))));
  afterEach(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    serve = undefined;
    await rm(store, { recursive: true, force: true });
  });

  it('after kill -9 mid-burst, restarts on the same store and holds every trace that was flushed, intact', async () => {
    const sentById = new Map<string, SentTrace>();
    const flushedBeforeKill = new Set<string>();
    let nextIndex = 0;
    let killsDuringWrite = 0;
    for (let round = 0; round < 3; round++) {
      serve = await startServe(serveArgs(store));
      assert.deepEqual(warningsIn(serve.output()), [], `round ${round}: the store loads without problems`);
      // Everything flushed in earlier rounds survived the kills before it.
      for (const id of flushedBeforeKill) await assertIntact(serve, sentById.get(id)!);

      const sender = new OtlpHttpSender(serve.httpPort);
      let sending = true;
      const roundEnd = nextIndex + MAX_TRACES_PER_ROUND;
      const senders = Array.from({ length: 4 }, async () => {
        while (sending && nextIndex < roundEnd) {
          const sent = buildSentTrace(SEED, nextIndex++, SPANS_PER_TRACE, PROMPT_BYTES);
          sentById.set(sent.traceId, sent);
          try {
            await sender.post(sent.body);
            // Paced, so the kill lands while traces are still arriving rather than after the cap.
            await new Promise((resolve) => setTimeout(resolve, 8));
          } catch {
            return; // The server was killed under this request.
          }
        }
      });

      // Wait until this round has seen flushes, then kill while the store is (very likely) writing.
      const before = flushedBeforeKill.size;
      const deadline = Date.now() + 30_000;
      const known = new Set<string>();
      let flushed = await flushedTraceIds(store, known);
      while (flushed.ids.size < before + 40 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        flushed = await flushedTraceIds(store, known);
      }
      assert.ok(flushed.ids.size >= before + 40, `round ${round}: only ${flushed.ids.size} traces flushed in 30 s`);
      for (let tries = 0; tries < 400 && flushed.tempFiles === 0; tries++) flushed = await flushedTraceIds(store, known);
      if (flushed.tempFiles > 0) killsDuringWrite++;
      serve.child.kill('SIGKILL');
      sending = false;
      await serve.exited;
      await Promise.all(senders);
      sender.close();
      for (const id of flushed.ids) flushedBeforeKill.add(id);
    }

    serve = await startServe(serveArgs(store));
    assert.deepEqual(warningsIn(serve.output()), [], 'the store loads without problems');
    const list = await getJson<{ traceId: string; spanCount: number }[]>(serve, '/api/traces?limit=10000');
    const listed = new Map(list.body.map((t) => [t.traceId, t.spanCount]));
    const stats = await getJson<{ evictedTraces: number }>(serve, '/api/stats');
    assert.equal(stats.body.evictedTraces, 0, 'nothing was evicted, so every flushed trace must be there');
    for (const id of flushedBeforeKill) await assertIntact(serve, sentById.get(id)!);
    for (const [id, spanCount] of listed) {
      assert.ok(sentById.has(id), `trace ${id} was never sent`);
      assert.equal(spanCount, SPANS_PER_TRACE, `trace ${id} is whole (one request, one write)`);
    }
    assert.ok(flushedBeforeKill.size >= 120, `${flushedBeforeKill.size} traces flushed before the kills`);
    assert.ok(listed.size >= flushedBeforeKill.size);
    assert.ok(killsDuringWrite >= 1, 'no kill landed while a trace file was being written');
  });

  it('on SIGTERM writes everything it acknowledged before exiting', async () => {
    serve = await startServe(serveArgs(store));
    const sender = new OtlpHttpSender(serve.httpPort);
    const sent = Array.from({ length: 300 }, (_, i) => buildSentTrace(SEED + 1, i, SPANS_PER_TRACE, PROMPT_BYTES));
    for (let i = 0; i < sent.length; i += 10) {
      const statuses = await Promise.all(sent.slice(i, i + 10).map((trace) => sender.post(trace.body)));
      assert.deepEqual(statuses, Array(statuses.length).fill(200));
    }
    sender.close();
    // Straight after the last answer, well inside the store's flush delay.
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0, serve.output());

    serve = await startServe(serveArgs(store));
    assert.deepEqual(warningsIn(serve.output()), []);
    const health = await getJson<{ traces: number; spans: number }>(serve, '/api/health');
    assert.equal(health.body.traces, sent.length);
    assert.equal(health.body.spans, sent.length * SPANS_PER_TRACE);
    for (const trace of sent) await assertIntact(serve, trace);
  });
});
