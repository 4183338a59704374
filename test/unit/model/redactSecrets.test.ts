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
      startTimeUnixNano: '1795279085000000000',
      endTimeUnixNano: '1795279085001000000',
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

describe('implausible times and counts', () => {
  const base = (over: Partial<OtlpSpan>): OtlpSpan => ({
    traceId: 'ab'.repeat(16),
    spanId: 'cd'.repeat(8),
    name: 'call',
    kind: 1,
    startTimeUnixNano: '1795279085000000000',
    endTimeUnixNano: '1795279085200000000',
    attributes: [],
    events: [],
    links: [],
    status: { code: 0 },
    ...over,
  });
  const flags = (span: OtlpSpan) =>
    span.attributes.find((kv) => kv.key === 'loupe.implausible')?.value.arrayValue?.values.map((v) => v.stringValue);

  it('clamps a start of 1 ns to the end, and says what it was', () => {
    const span = new IngestPolicy().span(base({ startTimeUnixNano: '1' }));
    assert.equal(span.startTimeUnixNano, '1795279085200000000');
    assert.deepEqual(flags(span), ['startTimeUnixNano was 1']);
  });

  it('clamps an end of 2^64−1 ns to the start', () => {
    const span = new IngestPolicy().span(base({ endTimeUnixNano: '18446744073709551615' }));
    assert.equal(span.endTimeUnixNano, '1795279085000000000');
    assert.deepEqual(flags(span), ['endTimeUnixNano was 18446744073709551615']);
  });

  it('puts a span with both times impossible at the time it arrived', () => {
    const before = Date.now();
    const span = new IngestPolicy().span(base({ startTimeUnixNano: '1', endTimeUnixNano: '18446744073709551615' }));
    const ms = Number(BigInt(span.startTimeUnixNano) / 1_000_000n);
    assert.ok(ms >= before && ms <= Date.now());
    assert.equal(flags(span)?.length, 2);
  });

  it('flags an int64-max token count, keeps its raw value, and does not count it', () => {
    const attributes = [
      { key: 'gen_ai.usage.input_tokens', value: { intValue: '9223372036854775807' } },
      { key: 'gen_ai.usage.output_tokens', value: { intValue: '12' } },
    ];
    const span = new IngestPolicy().span(base({ attributes }));
    assert.deepEqual(flags(span), ['gen_ai.usage.input_tokens was 9223372036854775807 (not counted)']);
    assert.equal(span.attributes[0].value.intValue, '9223372036854775807');
    assert.deepEqual(flags(new IngestPolicy().span(span)), flags(span), 'a flagged span is not flagged twice');
  });

  it('leaves a plausible span as it is (the same object)', () => {
    const span = base({});
    assert.equal(new IngestPolicy().span(span), span);
  });
});
