import * as assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { TracePersistence } from '../../../src/core/store/tracePersistence';
import type { KeyValue, OtlpSpan } from '../../../src/model/otlpTypes';
import { hexId, span, str, traceRequest } from '../../support/otlpBuilders';
import { useTempDirs } from './storeTestDirs';

/** Paths of every content file of a store. */
async function contentFiles(dir: string): Promise<string[]> {
  const root = join(dir, 'content');
  const out: string[] = [];
  for (const shard of await readdir(root).catch(() => []))
    for (const name of await readdir(join(root, shard))) out.push(join(root, shard, name));
  return out;
}

function messages(texts: string[]): KeyValue {
  return str(
    'gen_ai.input.messages',
    JSON.stringify(texts.map((content, i) => ({ role: i % 2 ? 'assistant' : 'user', parts: [{ type: 'text', content }] }))),
  );
}

describe('Content stored once', () => {
  const tempDir = useTempDirs();
  const open = (dir: string, maxTraces = 1000) =>
    TraceEngine.open({ maxTraces, persistence: new TracePersistence(dir, { flushDelayMs: 5 }) });

  it('stores a part that 300 spans carry once, and a part differing by one byte apart', async () => {
    const dir = await tempDir();
    const engine = await open(dir);
    const part = 'The same long system prompt, repeated by every call. '.repeat(100);
    const changed = part.slice(0, 1000) + 'X' + part.slice(1001);
    const t = hexId(16);
    const spans = [];
    for (let i = 0; i < 300; i++)
      spans.push(span(t, hexId(8), undefined, `call ${i}`, i, i + 1, [str('gen_ai.system_instructions', part)]));
    spans.push(span(t, hexId(8), undefined, 'changed', 400, 401, [str('gen_ai.system_instructions', changed)]));
    engine.ingestTraces(traceRequest(spans));
    await engine.close();

    const files = await contentFiles(dir);
    const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
    assert.equal(texts.filter((text) => text === part).length, 1, 'the shared part is one file');
    assert.equal(texts.filter((text) => text === changed).length, 1, 'the changed part is its own file');
    assert.equal(files.length, 2);
    const traceFile = (await stat(join(dir, 'traces', `${t}.json`))).size;
    assert.ok(traceFile < 301 * 1000, `the trace file refers to the part (${traceFile} bytes)`);
  });

  it('stores a growing conversation in O(conversation) and reads every call back exactly', async () => {
    const dir = await tempDir();
    const engine = await open(dir);
    const t = hexId(16);
    const texts: string[] = [];
    const spans: OtlpSpan[] = [];
    for (let i = 0; i < 60; i++) {
      texts.push(`Message ${i}: ${'word '.repeat(200 + ((i * 37) % 300))}`);
      spans.push(span(t, hexId(8), undefined, `chat ${i}`, i, i + 1, [str('gen_ai.operation.name', 'chat'), messages(texts)]));
    }
    engine.ingestTraces(traceRequest(spans));
    await engine.close();

    const distinct = texts.reduce((n, text) => n + Buffer.byteLength(text), 0);
    let onDisk = 0;
    for (const f of await contentFiles(dir)) onDisk += (await stat(f)).size;
    onDisk += (await stat(join(dir, 'traces', `${t}.json`))).size;
    assert.ok(onDisk < 1.5 * distinct, `disk ${onDisk} bytes for ${distinct} bytes of distinct messages`);

    const again = await open(dir);
    try {
      const exported = await again.exportOtlp(t);
      const got = exported!.resourceSpans[0].scopeSpans[0].spans;
      for (let i = 0; i < spans.length; i++) {
        const original: string | undefined = spans[i].attributes.find((kv) => kv.key === 'gen_ai.input.messages')!.value.stringValue;
        const back = got.find((s) => s.spanId === spans[i].spanId)!.attributes.find((kv) => kv.key === 'gen_ai.input.messages')!.value
          .stringValue;
        assert.equal(back, original, `call ${i} reads back byte for byte`);
      }
      const last = await again.span(t, spans[59].spanId);
      assert.equal(last!.messages.input.length, 60);
    } finally {
      await again.close();
    }
  });

  it('deletes content no trace refers to any more: no leak after 10,000 evictions', async function () {
    this.timeout(60_000);
    const dir = await tempDir();
    const engine = await open(dir, 20);
    const shared = 'A prompt every trace shares. '.repeat(60);
    for (let i = 0; i < 10_020; i++) {
      const t = hexId(16);
      const own = `Trace ${i} has its own long answer. `.repeat(40);
      engine.ingestTraces(
        traceRequest([
          span(t, hexId(8), undefined, 'call', 0, 1, [str('gen_ai.system_instructions', shared), str('gen_ai.output.text', own)]),
        ]),
      );
      if (i % 500 === 0) await engine.flush();
    }
    await engine.close();
    const stats = await engine.stats();
    assert.equal(stats.evictedTraces, 10_000);
    const files = await contentFiles(dir);
    // 20 traces kept: their 20 own answers and the one shared prompt.
    assert.equal(files.length, 21);
    assert.equal((await readdir(join(dir, 'traces'))).filter((n) => n.endsWith('.json')).length, 20);
    const index = await readFile(join(dir, 'index.jsonl'), 'utf8');
    assert.ok(index.length < 2_000_000, `the index is compacted (${index.length} bytes)`);
  });
});
