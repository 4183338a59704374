import * as assert from 'node:assert/strict';
import { redactSecretValues, redactSecretValuesAfter } from '../../../src/model/redaction';
import { CleanTextMemo } from '../../../src/core/engine/cleanTextMemo';
import { IngestPolicy } from '../../../src/core/engine/ingestPolicy';
import type { OtlpSpan } from '../../../src/model/otlpTypes';

const KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123';

describe('scanning a growing text for secrets only where it grew', () => {
  it('finds a secret that began in the part already scanned and ends in the new part', () => {
    const cases: [clean: string, grown: string][] = [
      ['the key is sk-proj-abcdef', 'ghijklmnopqrstuvwxyz0123 and more'],
      ['header Authorization: Bearer', '    abcdefghijklmnopqrstuvwxyz'],
      ['clone https://user:pa', 'ss@example.com/repo.git'],
      ['see https://api.example.com/v1?ke', 'y=abcdef123456 for the call'],
      ['id AKIAABCDEFGHIJ', 'KLMNOP done'],
    ];
    for (const [clean, grown] of cases) {
      assert.equal(redactSecretValues(clean), clean, `${clean} is clean on its own`);
      const text = clean + grown;
      const full = redactSecretValues(text);
      assert.notEqual(full, text, text);
      assert.equal(redactSecretValuesAfter(text, clean.length), full, text);
    }
  });

  it('gives what a whole scan gives for any clean start of random text', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const words = [
      'sk-',
      'proj-',
      'abcdefghijkl',
      'mnopqrstuvwx',
      'Bearer',
      ' ',
      '  ',
      '\n',
      '"',
      'https://',
      'u:p@h',
      '?key=',
      'v4l',
      'AKIA',
      'ABCD',
      'EFGH',
      'eyJhbGciOi',
      '.',
      'ghp_',
      'hf_',
      'text',
      ',',
    ];
    let checked = 0;
    for (let round = 0; round < 3000; round++) {
      let text = '';
      for (let i = 0, n = 5 + random(40); i < n; i++) text += words[random(words.length)];
      const cut = random(text.length + 1);
      if (redactSecretValues(text.slice(0, cut)) !== text.slice(0, cut)) continue;
      checked++;
      assert.equal(redactSecretValuesAfter(text, cut), redactSecretValues(text), JSON.stringify({ text, cut }));
    }
    assert.ok(checked > 1000, `${checked} clean starts checked`);
  });

  it('returns the same string when nothing was found', () => {
    const text = `${'a clean conversation '.repeat(100)}and one more message`;
    assert.equal(redactSecretValuesAfter(text, 2000), text);
  });
});

describe('the memo of clean message texts', () => {
  it('knows the start a grown JSON list of messages shares with the last clean one', () => {
    const memo = new CleanTextMemo();
    const first = JSON.stringify([{ role: 'user', content: 'hello' }]);
    const second = JSON.stringify([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: `here ${KEY}` },
    ]);
    assert.equal(memo.cleanPrefix('t gen_ai.input.messages', second), 0);
    memo.remember('t gen_ai.input.messages', first);
    assert.equal(memo.cleanPrefix('t gen_ai.input.messages', second), first.length - 1);
    assert.equal(memo.cleanPrefix('other trace', second), 0);
    assert.equal(memo.cleanPrefix('t gen_ai.input.messages', 'something else entirely, longer than the first'), 0);
  });

  it('keeps at most its entries and characters, the oldest going first', () => {
    const memo = new CleanTextMemo(2, 100);
    memo.remember('a', 'x'.repeat(40));
    memo.remember('b', 'y'.repeat(40));
    memo.remember('c', 'z'.repeat(40));
    assert.equal(memo.cleanPrefix('a', 'x'.repeat(50)), 0);
    assert.equal(memo.cleanPrefix('b', 'y'.repeat(50)), 40);
    memo.remember('d', 'w'.repeat(90));
    assert.equal(memo.cleanPrefix('b', 'y'.repeat(50)), 0);
    assert.equal(memo.cleanPrefix('c', 'z'.repeat(50)), 0);
    assert.equal(memo.cleanPrefix('d', 'w'.repeat(95)), 90);
    memo.remember('e', 'v'.repeat(200));
    assert.equal(memo.cleanPrefix('e', 'v'.repeat(201)), 0);
  });
});

describe('secrets in a conversation resent on every call', () => {
  it('are masked in every call after the one that brought them, however the scan was shortened', () => {
    const policy = new IngestPolicy({});
    const messages: { role: string; content: string }[] = [];
    const filler = 'words of a long conversation '.repeat(800);
    const sent: string[] = [];
    for (let call = 0; call < 6; call++) {
      messages.push({ role: call % 2 ? 'assistant' : 'user', content: call === 3 ? `${filler} my key: ${KEY}` : `${filler} ${call}` });
      const span: OtlpSpan = {
        traceId: 'ab'.repeat(16),
        spanId: `${call}`.padStart(16, '0'),
        name: 'chat',
        kind: 3,
        startTimeUnixNano: '1',
        endTimeUnixNano: '2',
        attributes: [{ key: 'gen_ai.input.messages', value: { stringValue: JSON.stringify(messages) } }],
        events: [],
        links: [],
        status: { code: 0 },
      };
      sent.push(policy.span(span).attributes[0].value.stringValue!);
    }
    for (const [call, text] of sent.entries()) {
      assert.equal(text.includes(KEY), false, `call ${call}`);
      assert.equal(text.includes('[redacted]'), call >= 3, `call ${call}`);
      assert.equal(JSON.parse(text).length, call + 1);
    }
  });
});
