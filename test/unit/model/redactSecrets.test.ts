import * as assert from 'node:assert/strict';
import { DEFAULT_REDACT_PATTERNS, KeyRedactor, redactSecretValues } from '../../../src/model/redaction';
import { IngestPolicy } from '../../../src/core/engine/ingestPolicy';
import type { OtlpSpan } from '../../../src/model/otlpTypes';
import { PLAIN_KEYS, SECRET_FORMATS, SECRET_KEYS } from '../../support/secretSamples';

describe('default redaction keys', () => {
  const redactor = new KeyRedactor(DEFAULT_REDACT_PATTERNS);
  for (const key of SECRET_KEYS) it(`masks ${key}`, () => assert.equal(redactor.matches(key), true));
  for (const key of PLAIN_KEYS) it(`keeps ${key}`, () => assert.equal(redactor.matches(key), false));
});

describe('secret formats in values', () => {
  for (const sample of SECRET_FORMATS) {
    it(`masks a ${sample.format} and keeps the text around it`, () => {
      const masked = redactSecretValues(sample.text);
      assert.ok(!masked.includes(sample.secret), masked);
      assert.ok(masked.includes('[redacted]'), masked);
      assert.ok(masked.includes(sample.kept), masked);
    });
  }

  it('leaves ordinary text alone (the same string)', () => {
    for (const text of ['task-scheduler-for-the-long-running-jobs', 'https://example.com/path?q=1', 'the bearer of news', 'AKIA']) {
      assert.equal(redactSecretValues(text), text);
    }
  });

  it('applies to span names, status messages, attribute values in lists and maps, unless redaction is off', () => {
    const [url, jwt] = [SECRET_FORMATS[7], SECRET_FORMATS[5]];
    const span: OtlpSpan = {
      traceId: 'ab'.repeat(16),
      spanId: 'cd'.repeat(8),
      name: url.text,
      kind: 1,
      startTimeUnixNano: '1',
      endTimeUnixNano: '2',
      attributes: [
        { key: 'note', value: { stringValue: jwt.text } },
        { key: 'list', value: { arrayValue: { values: [{ stringValue: jwt.text }] } } },
        { key: 'map', value: { kvlistValue: { values: [{ key: 'x', value: { stringValue: jwt.text } }] } } },
      ],
      events: [],
      links: [],
      status: { code: 2, message: jwt.text },
    };
    const text = JSON.stringify(new IngestPolicy().span(span));
    assert.ok(!text.includes(url.secret) && !text.includes(jwt.secret), text);
    const off = JSON.stringify(new IngestPolicy({ redact: [] }).span(span));
    assert.ok(off.includes(jwt.secret));
  });
});

describe('attribute count', () => {
  it('keeps at most 1,024 attributes per span, and says how many were dropped', () => {
    const attributes = Array.from({ length: 100_000 }, (_, i) => ({ key: `k${i}`, value: { intValue: String(i) } }));
    const span: OtlpSpan = {
      traceId: 'ab'.repeat(16),
      spanId: 'cd'.repeat(8),
      name: 'wide',
      kind: 1,
      startTimeUnixNano: '1',
      endTimeUnixNano: '2',
      attributes,
      events: [],
      links: [],
      status: { code: 0 },
    };
    const policy = new IngestPolicy();
    const kept = policy.span(span);
    assert.equal(kept.attributes.length, 1_024 + 2);
    assert.deepEqual(kept.attributes[1_024], {
      key: 'loupe.truncated',
      value: { stringValue: '…[truncated by Loupe: 98976 more values]' },
    });
    assert.deepEqual(kept.attributes[1_025].value.arrayValue?.values, [{ stringValue: '(attributes)' }]);
    // Cleaned again (a Loupe export imported back), it stays as it is.
    assert.equal(policy.span(kept).attributes.length, kept.attributes.length);
  });
});
