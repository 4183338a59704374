import { strict as assert } from 'node:assert';
import { decodeLogsRequest, decodeTraceRequest } from '../../../src/core/otlp/decode';
import type { ExportTraceServiceRequest, OtlpSpan } from '../../../src/model/otlpTypes';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

function decodeSpan(span: Record<string, unknown>): OtlpSpan {
  const body = Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }));
  return decodeTraceRequest(body, 'json').resourceSpans[0].scopeSpans[0].spans[0];
}

function attributeValue(value: unknown): unknown {
  return decodeSpan({ traceId: TRACE_ID, spanId: SPAN_ID, attributes: [{ key: 'k', value }] }).attributes[0].value;
}

describe('OTLP/JSON decoding accepts what real senders send', () => {
  it('reads snake_case field names the same as lowerCamelCase', () => {
    const camel = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }], droppedAttributesCount: 1 },
          scopeSpans: [
            {
              scope: { name: 'scope', version: '1', droppedAttributesCount: 2 },
              spans: [
                {
                  traceId: TRACE_ID,
                  spanId: SPAN_ID,
                  parentSpanId: 'aaaaaaaaaaaaaaaa',
                  traceState: 'a=b',
                  name: 'n',
                  kind: 2,
                  startTimeUnixNano: '1',
                  endTimeUnixNano: '2',
                  droppedAttributesCount: 3,
                  droppedEventsCount: 4,
                  droppedLinksCount: 5,
                  attributes: [
                    { key: 'i', value: { intValue: '5' } },
                    { key: 'b', value: { boolValue: true } },
                    { key: 'd', value: { doubleValue: 1.5 } },
                    { key: 'a', value: { arrayValue: { values: [{ bytesValue: 'AQI=' }] } } },
                    { key: 'kv', value: { kvlistValue: { values: [] } } },
                  ],
                  events: [{ timeUnixNano: '3', name: 'e', droppedAttributesCount: 6 }],
                  links: [{ traceId: TRACE_ID, spanId: SPAN_ID, traceState: 'c=d', droppedAttributesCount: 7, flags: 256 }],
                  status: { code: 2, message: 'm' },
                  flags: 769,
                },
              ],
              schemaUrl: 'scope-schema',
            },
          ],
          schemaUrl: 'resource-schema',
        },
      ],
    };
    const snakeText = JSON.stringify(camel).replace(
      /"([a-z]+[A-Z][A-Za-z]*)":/g,
      (_, name: string) => `"${name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}":`,
    );
    for (const name of [
      'resource_spans',
      'scope_spans',
      'parent_span_id',
      'kvlist_value',
      'dropped_links_count',
      'time_unix_nano',
      'schema_url',
    ]) {
      assert.ok(snakeText.includes(`"${name}":`), name);
    }
    assert.deepStrictEqual(
      decodeTraceRequest(Buffer.from(snakeText), 'json'),
      decodeTraceRequest(Buffer.from(JSON.stringify(camel)), 'json'),
    );
    assert.equal(decodeTraceRequest(Buffer.from(snakeText), 'json').resourceSpans[0].scopeSpans[0].spans[0].droppedLinksCount, 5);
  });

  it('reads enums as numbers or by their proto names', () => {
    assert.equal(decodeSpan({ kind: 'SPAN_KIND_CLIENT' }).kind, 3);
    assert.equal(decodeSpan({ kind: 'SPAN_KIND_INTERNAL' }).kind, 1);
    assert.equal(decodeSpan({ kind: 5 }).kind, 5);
    assert.equal(decodeSpan({ kind: 42 }).kind, 42, 'unknown enum numbers are kept, as proto3 does');
    assert.deepStrictEqual(decodeSpan({ status: { code: 'STATUS_CODE_ERROR', message: 'x' } }).status, { code: 2, message: 'x' });
    assert.deepStrictEqual(decodeSpan({ status: { code: 'STATUS_CODE_OK' } }).status, { code: 1 });
    const logs = Buffer.from(
      JSON.stringify({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  { severityNumber: 'SEVERITY_NUMBER_WARN2' },
                  { severity_number: 'SEVERITY_NUMBER_FATAL4' },
                  { severityNumber: 9 },
                  { severityNumber: 'SEVERITY_NUMBER_TRACE' },
                ],
              },
            ],
          },
        ],
      }),
    );
    assert.deepStrictEqual(
      decodeLogsRequest(logs, 'json').resourceLogs[0].scopeLogs[0].logRecords.map((record) => record.severityNumber),
      [14, 24, 9, 1],
    );
  });

  it('reads intValue as a number or a string, exactly', () => {
    assert.deepStrictEqual(attributeValue({ intValue: 42 }), { intValue: '42' });
    assert.deepStrictEqual(attributeValue({ intValue: '-42' }), { intValue: '-42' });
    assert.deepStrictEqual(attributeValue({ intValue: '0009' }), { intValue: '9' });
    assert.deepStrictEqual(attributeValue({ intValue: '-0' }), { intValue: '0' });
    assert.deepStrictEqual(attributeValue({ intValue: '9223372036854775807' }), { intValue: '9223372036854775807' });
    assert.deepStrictEqual(attributeValue({ int_value: 2 ** 60 }), { intValue: '1152921504606846976' });
    assert.deepStrictEqual(
      decodeTraceRequest(
        Buffer.from(
          `{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"intValue":12345678901234567890123}}]}]}]}]}`,
        ),
        'json',
      ).resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value,
      { doubleValue: 1.2345678901234568e22 },
      'an integral number beyond int64, as the JS SDK writes doubles like 1e22, stays a double',
    );
  });

  it('reads doubles as numbers or as "NaN", "Infinity", "-Infinity" and numeric strings', () => {
    assert.deepStrictEqual(attributeValue({ doubleValue: 2 }), { doubleValue: 2 });
    assert.deepStrictEqual(attributeValue({ doubleValue: 'NaN' }), { doubleValue: NaN });
    assert.deepStrictEqual(attributeValue({ doubleValue: 'Infinity' }), { doubleValue: Infinity });
    assert.deepStrictEqual(attributeValue({ doubleValue: '-Infinity' }), { doubleValue: -Infinity });
    assert.deepStrictEqual(attributeValue({ doubleValue: '1.5e3' }), { doubleValue: 1500 });
  });

  it('reads times as strings or numbers', () => {
    const span = decodeSpan({
      startTimeUnixNano: 1795279085016000000,
      endTimeUnixNano: '1795279085133406373',
      events: [{ timeUnixNano: 5 }],
    });
    assert.equal(span.startTimeUnixNano, '1795279085016000000');
    assert.equal(span.endTimeUnixNano, '1795279085133406373');
    assert.equal(span.events[0].timeUnixNano, '5');
  });

  it('reads hex ids in any case, and base64 ids of 16 and 8 bytes', () => {
    const traceBytes = Buffer.from(TRACE_ID, 'hex');
    const spanBytes = Buffer.from(SPAN_ID, 'hex');
    const span = decodeSpan({
      traceId: traceBytes.toString('base64'),
      spanId: spanBytes.toString('base64url'),
      parentSpanId: SPAN_ID.toUpperCase(),
    });
    assert.equal(span.traceId, TRACE_ID);
    assert.equal(span.spanId, SPAN_ID);
    assert.equal(span.parentSpanId, SPAN_ID);
  });

  it('fills defaults for missing or null members and omits empty optional ones', () => {
    const expected: OtlpSpan = {
      traceId: '',
      spanId: '',
      name: '',
      kind: 0,
      startTimeUnixNano: '0',
      endTimeUnixNano: '0',
      attributes: [],
      events: [],
      links: [],
      status: { code: 0 },
    };
    assert.deepStrictEqual(decodeSpan({}), expected);
    assert.deepStrictEqual(
      decodeSpan({ parentSpanId: '', traceState: '', attributes: null, events: null, status: null, flags: 0, name: null }),
      expected,
    );
    assert.deepStrictEqual(decodeSpan({ status: { message: '' }, droppedAttributesCount: '0' }), expected);
    const empty: ExportTraceServiceRequest = { resourceSpans: [] };
    assert.deepStrictEqual(decodeTraceRequest(Buffer.from('{}'), 'json'), empty);
    assert.deepStrictEqual(decodeTraceRequest(Buffer.from('{"resourceSpans":null,"unknownField":[1,2]}'), 'json'), empty);
    assert.deepStrictEqual(
      decodeLogsRequest(Buffer.from('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{}}]}]}]}'), 'json').resourceLogs[0].scopeLogs[0]
        .logRecords[0],
      { attributes: [] },
    );
  });

  it('reads counts as numbers or decimal strings, and bytes in either base64 alphabet', () => {
    assert.equal(decodeSpan({ droppedEventsCount: '3' }).droppedEventsCount, 3);
    assert.deepStrictEqual(attributeValue({ bytesValue: '-_8' }), { bytesValue: '+/8=' });
  });

  it('drops a byte-order mark and turns invalid UTF-8 into U+FFFD', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"resourceSpans":[]}')]);
    assert.deepStrictEqual(decodeTraceRequest(withBom, 'json'), { resourceSpans: [] });
    const invalid = Buffer.concat([
      Buffer.from('{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a'),
      Buffer.from([0xff]),
      Buffer.from('"}]}]}]}'),
    ]);
    assert.equal(decodeTraceRequest(invalid, 'json').resourceSpans[0].scopeSpans[0].spans[0].name, 'a\ufffd');
  });

  it('reads raw UTF-8 text and \\u escapes alike, in bodies that are pure ASCII or not', () => {
    const text = 'héllo “quoted” 🙂 日本 \u0000 end';
    const raw = Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: text }] }] }] }), 'utf8');
    const escaped = Buffer.from(
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: text }] }] }] }).replace(
        /[\u007f-\uffff]/g,
        (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
    );
    assert.ok(
      escaped.every((byte) => byte < 0x80),
      'the escaped body is pure ASCII',
    );
    assert.equal(decodeTraceRequest(raw, 'json').resourceSpans[0].scopeSpans[0].spans[0].name, text);
    assert.equal(decodeTraceRequest(escaped, 'json').resourceSpans[0].scopeSpans[0].spans[0].name, text);
  });
});
