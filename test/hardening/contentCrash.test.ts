import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TraceEngine } from '../../src/core/engine/traceEngine';
import { TracePersistence } from '../../src/core/store/tracePersistence';
import { crashTraceId, inputMessages } from './contentCrashData';

const WRITER = join(__dirname, 'contentCrashWriter.ts');

/** Runs the writer, which kills itself `delayUs` into its flush number `killAt`; resolves with what it reported flushed. */
async function runUntilKilled(dir: string, first: number, killAt: number, delayUs: number): Promise<Map<number, number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(first), String(killAt), String(delayUs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const flushed = new Map<number, number>();
  for await (const line of createInterface({ input: child.stdout })) {
    const report = JSON.parse(line) as { flushed: Record<string, number> };
    for (const [trace, calls] of Object.entries(report.flushed)) flushed.set(Number(trace), calls);
  }
  const signal = await exited;
  clearTimeout(timeout);
  assert.equal(signal, 'SIGKILL', `the writer was not killed: ${stderr}`);
  return flushed;
}

/** Temp files of interrupted content writes, before a start sweeps them away. */
async function contentTempFiles(dir: string): Promise<number> {
  let n = 0;
  for (const shard of await readdir(join(dir, 'content')).catch(() => [])) {
    for (const name of await readdir(join(dir, 'content', shard)).catch(() => [])) if (name.endsWith('.tmp')) n++;
  }
  return n;
}

describe('The store after kill -9 during content writes', function () {
  this.timeout(300_000);
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'loupe-content-crash-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('opens without problems, every flushed call reads back byte for byte, and interrupted writes are swept', async () => {
    const flushed = new Map<number, number>();
    let interrupted = 0;
    for (let round = 0; round < 16 && (round < 3 || interrupted === 0); round++) {
      // Killed 0 to 4 ms into a flush, while that call's content is being written.
      for (const [trace, calls] of await runUntilKilled(dir, round * 100, 2 + (round % 4), (round * 397) % 4000)) flushed.set(trace, calls);
      interrupted += await contentTempFiles(dir);

      const persistence = new TracePersistence(dir);
      const engine = await TraceEngine.open({ persistence, maxTraces: 10_000 });
      try {
        assert.deepEqual(engine.loadProblems, [], `round ${round}`);
        for (const [trace, calls] of flushed) {
          const exported = await engine.exportOtlp(crashTraceId(trace));
          assert.ok(exported, `round ${round}: flushed trace ${trace} is there`);
          const spans = exported.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
          assert.ok(spans.length >= calls, `round ${round}: trace ${trace} has ${spans.length} of ${calls} calls`);
          for (const span of spans) {
            const call = Number(span.name.split(' ')[1]);
            const text = span.attributes.find((kv) => kv.key === 'gen_ai.input.messages')?.value.stringValue;
            const expected = inputMessages(trace, call);
            assert.ok(text === expected, `round ${round}: trace ${trace} call ${call} reads back exactly`);
          }
        }
        assert.deepEqual(persistence.content.problems, []);
        await persistence.swept;
        assert.equal(await contentTempFiles(dir), 0, 'temp files of interrupted content writes are removed');
      } finally {
        await engine.close();
      }
    }
    assert.ok(flushed.size >= 3, `the writer flushed ${flushed.size} conversations`);
    assert.ok(interrupted > 0, 'no kill landed inside a content write');
  });
});
