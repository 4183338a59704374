import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ProtobufReader } from '../../../src/core/otlp/protobufReader';

/** One length-delimited bytes field (tag 1) per id, back to back. */
function bytesFields(ids: Buffer[]): Buffer {
  return Buffer.concat(ids.flatMap((id) => [Buffer.from([(1 << 3) | 2, id.length]), id]));
}

function readAllHex(ids: Buffer[]): string[] {
  const message = bytesFields(ids);
  const reader = new ProtobufReader(message);
  const out: string[] = [];
  while (reader.pos < message.length) {
    reader.tag();
    out.push(reader.hex(message.length));
  }
  return out;
}

describe('ProtobufReader.hex', () => {
  it('reads ids of every length as lowercase hex, repeated and alternating trace ids included', () => {
    const a = randomBytes(16);
    const b = randomBytes(16);
    const ids = [
      a,
      a,
      b,
      a,
      randomBytes(8),
      Buffer.alloc(16),
      Buffer.alloc(16),
      Buffer.alloc(8),
      randomBytes(3),
      randomBytes(20),
      Buffer.alloc(0),
      b,
    ];
    for (let byte = 0; byte < 256; byte += 16) ids.push(Buffer.alloc(16, byte), Buffer.alloc(8, byte + 15));
    assert.deepEqual(
      readAllHex(ids),
      ids.map((id) => id.toString('hex')),
    );
  });

  it('does not mistake a trace id for the previous one that differs only in its last byte', () => {
    const a = randomBytes(16);
    const b = Buffer.from(a);
    b[15] ^= 1;
    assert.deepEqual(
      readAllHex([a, b, a]),
      [a, b, a].map((id) => id.toString('hex')),
    );
  });

  it('refuses an id that runs past its message', () => {
    const message = Buffer.from([(1 << 3) | 2, 16, 1, 2, 3]);
    const reader = new ProtobufReader(message);
    reader.tag();
    assert.throws(() => reader.hex(message.length), /runs past the end/);
  });
});

describe('ProtobufReader.string', () => {
  function readAllStrings(texts: Buffer[]): string[] {
    const message = Buffer.concat(texts.flatMap((text) => [Buffer.from([(1 << 3) | 2, text.length]), text]));
    const reader = new ProtobufReader(message);
    const out: string[] = [];
    while (reader.pos < message.length) {
      reader.tag();
      out.push(reader.string(message.length));
    }
    return out;
  }

  it('reads short and long strings, repeated ones from its cache, exactly as UTF-8 decoding does', () => {
    const texts = [
      'gen_ai.request.model',
      'gen_ai.request.model',
      'é',
      'é',
      '日本',
      'x',
      '',
      'a'.repeat(64),
      'a'.repeat(65),
      '🙂 ok',
      'gen_ai.request.model',
    ].map((text) => Buffer.from(text, 'utf8'));
    texts.push(Buffer.from([0x80]), Buffer.from([0x80]), Buffer.from([0x61, 0xff, 0x62]), Buffer.from([0x61, 0xff, 0x62]));
    assert.deepEqual(
      readAllStrings(texts),
      texts.map((text) => text.toString('utf8')),
    );
  });

  it('never answers from the cache for a string that differs only in bytes its slot does not sample', () => {
    // Same length and same ends, different middles: many of these share cache slots.
    const texts: Buffer[] = [];
    for (let i = 0; i < 40; i++) {
      const middle = String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + ((i * 7) % 26));
      texts.push(Buffer.from(`gen_ai.usage.x${middle}x_tokens_count`, 'utf8'));
    }
    const twice = [...texts, ...texts.slice().reverse()];
    assert.deepEqual(
      readAllStrings(twice),
      twice.map((text) => text.toString('utf8')),
    );
  });
});
