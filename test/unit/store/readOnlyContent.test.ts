import * as assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { ReadOnlyStore } from '../../../src/core/store/readOnlyStore';
import { TracePersistence } from '../../../src/core/store/tracePersistence';
import { hexId, span, str, traceRequest } from '../../support/otlpBuilders';
import { useTempDirs } from './storeTestDirs';

/** Every file under `dir` with its size and modification time. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (path: string): Promise<void> => {
    for (const name of await readdir(path)) {
      const full = join(path, name);
      const info = await stat(full);
      if (info.isDirectory()) await walk(full);
      else out.set(full, `${info.size}:${info.mtimeMs}`);
    }
  };
  await walk(dir);
  return out;
}

describe('A store read by loupe mcp (read-only)', () => {
  const tempDir = useTempDirs();

  it('reads long values back from the content files and writes nothing', async () => {
    const dir = await tempDir();
    const writer = await TraceEngine.open({ persistence: new TracePersistence(dir, { flushDelayMs: 5 }) });
    const t = hexId(16);
    const s = hexId(8);
    const messages = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'A long question. '.repeat(500) }] }]);
    writer.ingestTraces(
      traceRequest([span(t, s, undefined, 'chat', 0, 1, [str('gen_ai.operation.name', 'chat'), str('gen_ai.input.messages', messages)])]),
    );
    await writer.close();
    const before = await snapshot(dir);

    const reader = await TraceEngine.open({ persistence: new ReadOnlyStore(dir) });
    try {
      assert.deepEqual(reader.loadProblems, []);
      const read = await reader.span(t, s);
      assert.equal(read?.attributes['gen_ai.input.messages'], messages);
      assert.equal(read?.messages.input.length, 1);
    } finally {
      await reader.close();
    }
    assert.deepEqual(await snapshot(dir), before);
  });
});
