import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TracePersistence } from '../../src/core/store/tracePersistence';
import { CRASH_PROMPT_BYTES, sampleTrace, sampleTraceId } from '../unit/store/sampleTraces';
import { useTempDirs } from '../unit/store/storeTestDirs';

const WRITER = join(__dirname, 'crashWriterProcess.ts');

/** Runs the writer until it has reported `reports` flushes, then kills it with SIGKILL mid-burst. */
async function runAndKill(dir: string, firstIndex: number, reports: number, extraMs: number): Promise<Map<number, number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(firstIndex)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const flushed = new Map<number, number>();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
  let seen = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    const { flushed: counts } = JSON.parse(line) as { flushed: Record<string, number> };
    for (const [index, count] of Object.entries(counts)) flushed.set(Number(index), count);
    if (++seen === reports) {
      setTimeout(() => child.kill('SIGKILL'), extraMs);
      break;
    }
  }
  const signal = await exited;
  clearTimeout(timeout);
  assert.equal(seen, reports, `the writer stopped early: ${stderr}`);
  assert.equal(signal, 'SIGKILL');
  return flushed;
}

describe('TracePersistence after a crash (SIGKILL mid-burst)', function () {
  this.timeout(120_000);
  const tempDir = useTempDirs();

  it('loads without problems and holds every trace that was flushed, intact', async () => {
    const dir = await tempDir();
    const flushed = new Map<number, number>();
    let tempFilesFound = 0;
    // At least four rounds; more (up to twelve) until a kill has landed mid-write, since where a
    // kill lands depends on the machine's load.
    for (let round = 0; round < 12 && (round < 4 || tempFilesFound === 0); round++) {
      const reported = await runAndKill(dir, round * 1000, 6 + (round % 4) * 3, (round * 7) % 29);
      for (const [index, count] of reported) flushed.set(index, count);

      const loaded = await new TracePersistence(dir).load();
      tempFilesFound += loaded.removedTempFiles;
      assert.deepEqual(loaded.problems, [], `round ${round}`);
      const byId = new Map(loaded.traces.map((trace) => [trace.traceId, trace]));
      for (const [index, count] of flushed) {
        const trace = byId.get(sampleTraceId(index));
        assert.ok(trace, `round ${round}: flushed trace ${index} is missing`);
        assert.ok(trace.spans.length >= count, `round ${round}: trace ${index} lost spans (${trace.spans.length} < ${count})`);
      }
      for (const trace of loaded.traces) {
        const index = Number.parseInt(trace.traceId, 16);
        assert.deepEqual(trace, sampleTrace(index, trace.spans.length, CRASH_PROMPT_BYTES), `trace ${index} is intact`);
      }
      assert.ok(loaded.meta.nextSeq > loaded.traces[loaded.traces.length - 1].seq);
    }
    assert.ok(flushed.size >= 10, `the writer flushed ${flushed.size} traces`);
    // Proves the kills landed mid-write (between writing a temp file and renaming it), not only between writes.
    assert.ok(tempFilesFound > 0, 'no kill interrupted a write');
  });
});
