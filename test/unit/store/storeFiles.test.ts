import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeUtf8, writeTextFile } from '../../../src/core/store/storeFiles';
import { useTempDirs } from './storeTestDirs';

const SAMPLES = [
  '',
  'plain ascii {"a":1}',
  'é ü ß — “quotes” 中文 日本語',
  'emoji 🙂🚀 and a combining e\u0301',
  'lone surrogates \ud800 and \udfff and reversed \udc00\ud800',
  'x'.repeat(300_000) + 'ä'.repeat(70_000),
];

describe('store files', () => {
  const tempDir = useTempDirs();

  it('encodeUtf8 gives exactly the bytes Buffer.from gives, lone surrogates included', () => {
    for (const text of SAMPLES) {
      const bytes = encodeUtf8(text);
      assert.ok(Buffer.isBuffer(bytes));
      assert.ok(bytes.equals(Buffer.from(text, 'utf8')), `bytes of ${JSON.stringify(text.slice(0, 40))}`);
    }
  });

  it('encodeUtf8 of a JSON text reads back as the same value', () => {
    const value = { prompt: 'é🙂\ud800"\\\n', n: [1, 2.5, null], nested: { ok: true } };
    const bytes = encodeUtf8(JSON.stringify(value));
    assert.deepEqual(JSON.parse(bytes.toString('utf8')), JSON.parse(JSON.stringify(value)));
  });

  it('writeTextFile writes bytes and text alike, creating a missing folder', async () => {
    const dir = await tempDir();
    const asBytes = join(dir, 'a', 'bytes.json');
    const asText = join(dir, 'b', 'text.json');
    await writeTextFile(asBytes, encodeUtf8(SAMPLES[3]));
    await writeTextFile(asText, SAMPLES[3]);
    assert.equal(await readFile(asBytes, 'utf8'), SAMPLES[3]);
    assert.equal(await readFile(asText, 'utf8'), SAMPLES[3]);
  });
});
