import { strict as assert } from 'node:assert';
import protobuf from 'protobufjs';
import { decodeLogsRequest, decodeTraceRequest } from '../../../src/core/otlp/decode';
import type { OtlpWireFormat } from '../../../src/core/otlp/decode';
import { OtlpDecodeError } from '../../../src/core/otlp/decodeError';
import { MAX_VALUE_DEPTH } from '../../../src/core/otlp/decodeLimits';
import { otlpType } from './protobufjsOtlpSchema';

function assertRefused(body: Uint8Array | string, format: OtlpWireFormat, message: RegExp, signal: 'traces' | 'logs' = 'traces'): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const decode = signal === 'traces' ? decodeTraceRequest : decodeLogsRequest;
  assert.throws(
    () => decode(bytes, format),
    (error: unknown) => {
      assert.ok(error instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${String(error)}`);
      assert.match(error.message, message);
      return true;
    },
  );
}

/** `field` as a length-delimited member around `inner`. */
function wrap(field: number, inner: Uint8Array): Uint8Array {
  return protobuf.Writer.create()
    .uint32((field << 3) | 2)
    .bytes(inner)
    .finish();
}

/** A trace request whose one span is `spanBytes`. */
function requestWithSpan(spanBytes: Uint8Array): Uint8Array {
  return wrap(1, wrap(2, wrap(2, spanBytes)));
}

/** A trace request whose one span has one attribute holding `value` nested `levels` deep in arrays. */
function nestedValueRequest(levels: number): { protobuf: Uint8Array; json: string } {
  let value = otlpType('AnyValue').encode({ stringValue: 'bottom' }).finish();
  let json = '{"stringValue":"bottom"}';
  for (let level = 0; level < levels; level++) {
    value = wrap(5, wrap(1, value));
    json = `{"arrayValue":{"values":[${json}]}}`;
  }
  const keyValue = Buffer.concat([
    protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .string('deep')
      .finish(),
    wrap(2, value),
  ]);
  return {
    protobuf: requestWithSpan(wrap(9, keyValue)),
    json: `{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"deep","value":${json}}]}]}]}]}`,
  };
}

describe('OTLP decoding refuses malformed protobuf with OtlpDecodeError', () => {
  it('refuses truncated varints, tags, lengths and fixed-width values', () => {
    assertRefused(Uint8Array.from([0x80]), 'protobuf', /truncated varint/);
    assertRefused(Uint8Array.from([0x10, 0xff, 0xff]), 'protobuf', /truncated varint/);
    assertRefused(Uint8Array.from([0x0a, 0x80]), 'protobuf', /truncated length prefix/);
    assertRefused(requestWithSpan(Uint8Array.from([0x39, 1, 2, 3])), 'protobuf', /runs past|truncated fixed64/);
    assertRefused(Uint8Array.from([0x11, 1, 2, 3, 4, 5, 6, 7]), 'protobuf', /truncated fixed64/);
    assertRefused(Uint8Array.from([0x15, 1, 2]), 'protobuf', /truncated fixed32/);
  });

  it('refuses a varint longer than 10 bytes', () => {
    assertRefused(Uint8Array.from([0x10, ...new Array(10).fill(0xff), 0x01]), 'protobuf', /varint longer than 10 bytes/);
    assertRefused(
      Uint8Array.from([0x10, ...new Array(12).fill(0x80), 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      'protobuf',
      /varint longer than 10 bytes/,
    );
  });

  it('refuses lengths beyond the buffer or the enclosing message, without allocating them', () => {
    assertRefused(Uint8Array.from([0x0a, 0x05, 0x01]), 'protobuf', /length 5 runs past/);
    assertRefused(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'protobuf', /length 4294967295 runs past/);
    assertRefused(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 'protobuf', /length prefix too long/);
    // A ResourceSpans of 3 bytes whose scope_spans claims 10: inside the buffer, outside its parent.
    assertRefused(
      Uint8Array.from([0x0a, 0x03, 0x12, 0x0a, 0x00, ...new Array(12).fill(0)]),
      'protobuf',
      /length 10 runs past the end of its message/,
    );
  });

  it('refuses a field whose value runs past the end of its message', () => {
    // Span of 2 bytes: a kind tag and the first byte of a two-byte varint that ends outside the span.
    assertRefused(Uint8Array.from([0x0a, 0x06, 0x12, 0x04, 0x12, 0x02, 0x30, 0x96, 0x01]), 'protobuf', /Span overruns its declared length/);
  });

  it('refuses a known field sent with the wrong wire type, naming it', () => {
    const nameAsVarint = protobuf.Writer.create()
      .uint32((5 << 3) | 0)
      .uint32(7)
      .finish();
    assertRefused(requestWithSpan(nameAsVarint), 'protobuf', /Span\.name \(field 5\) has unexpected wire type varint/);
    const startAsFixed32 = protobuf.Writer.create()
      .uint32((7 << 3) | 5)
      .fixed32(1)
      .finish();
    assertRefused(requestWithSpan(startAsFixed32), 'protobuf', /Span\.start_time_unix_nano \(field 7\) has unexpected wire type fixed32/);
    assertRefused(Uint8Array.from([0x08, 0x01]), 'protobuf', /ExportTraceServiceRequest\.resource_spans/);
    assertRefused(Uint8Array.from([0x08, 0x01]), 'protobuf', /ExportLogsServiceRequest\.resource_logs/, 'logs');
  });

  it('refuses groups, invalid wire types and field number 0', () => {
    assertRefused(Uint8Array.from([0x13, 0x14]), 'protobuf', /group start/);
    assertRefused(Uint8Array.from([0x14]), 'protobuf', /group end/);
    assertRefused(Uint8Array.from([0x16]), 'protobuf', /invalid \(6\)/);
    assertRefused(Uint8Array.from([0x17]), 'protobuf', /invalid \(7\)/);
    assertRefused(Uint8Array.from([0x00, 0x00]), 'protobuf', /field number 0/);
    assertRefused(requestWithSpan(Uint8Array.from([0xa3, 0x06])), 'protobuf', /group start/);
  });

  it(`accepts values nested ${MAX_VALUE_DEPTH} levels deep and refuses one level more, in both formats`, () => {
    const atLimit = nestedValueRequest(MAX_VALUE_DEPTH);
    const fromProtobuf = decodeTraceRequest(atLimit.protobuf, 'protobuf');
    assert.deepStrictEqual(fromProtobuf, decodeTraceRequest(Buffer.from(atLimit.json), 'json'));
    const beyond = nestedValueRequest(MAX_VALUE_DEPTH + 1);
    assertRefused(beyond.protobuf, 'protobuf', /nested deeper than 64 levels/);
    assertRefused(
      beyond.json,
      'json',
      /attributes\[0\]\.value(\.arrayValue\.values\[0\]){65}: expected values nested at most 64 levels deep/,
    );
  });

  it('refuses nesting bombs of 200,000 levels quickly, without exhausting the stack', () => {
    const levels = 200_000;
    const started = performance.now();
    const keyValue = Buffer.concat([
      protobuf.Writer.create()
        .uint32((1 << 3) | 2)
        .string('k')
        .finish(),
      wrap(2, arrayBomb(levels)),
    ]);
    assertRefused(requestWithSpan(wrap(9, keyValue)), 'protobuf', /nested deeper than 64 levels/);
    const json = span(`"attributes":[{"key":"k","value":${'{"arrayValue":{"values":['.repeat(levels)}${']}}'.repeat(levels)}}]`);
    assertRefused(json, 'json', /nested at most 64 levels/);
    assertRefused(`{"resourceSpans":${'['.repeat(levels)}`, 'json', /^invalid JSON: /);
    assert.ok(performance.now() - started < 5_000, 'refused within seconds');
  });
});

/**
 * AnyValue content nested `levels` arrays deep, built front to back: lengths are written as
 * 5-byte varints (valid, if not minimal), so each level's size is known without building the inside first.
 */
function arrayBomb(levels: number): Uint8Array {
  const bytes = new Uint8Array(levels * 12 + 2);
  const varint5 = (offset: number, value: number) => {
    for (let index = 0; index < 5; index++) bytes[offset + index] = ((value >>> (7 * index)) & 0x7f) | (index < 4 ? 0x80 : 0);
  };
  for (let level = 0; level < levels; level++) {
    const offset = level * 12;
    const inner = (levels - level - 1) * 12 + 2;
    bytes[offset] = (5 << 3) | 2;
    varint5(offset + 1, inner + 6);
    bytes[offset + 6] = (1 << 3) | 2;
    varint5(offset + 7, inner);
  }
  bytes[levels * 12] = (1 << 3) | 2;
  return bytes;
}

describe('OTLP decoding refuses malformed JSON with OtlpDecodeError', () => {
  it('refuses text that is not JSON, or not an object', () => {
    for (const body of ['', '{', 'nul', '{"resourceSpans":[}', '\u0000\u0001binary']) assertRefused(body, 'json', /^invalid JSON: /);
    for (const body of ['[]', '"text"', 'null', '42']) assertRefused(body, 'json', /^request: expected an object$/);
  });

  it('names the field path of a wrongly typed value', () => {
    const spans = '[{},{},{},{"traceId":12}]';
    assertRefused(
      `{"resourceSpans":[{"scopeSpans":[{"spans":[]},{"spans":${spans}}]}]}`,
      'json',
      /^resourceSpans\[0\]\.scopeSpans\[1\]\.spans\[3\]\.traceId: expected a hex string$/,
    );
    const cases: [string, RegExp][] = [
      ['{"resourceSpans":{}}', /^resourceSpans: expected an array$/],
      ['{"resourceSpans":[7]}', /^resourceSpans\[0\]: expected an object$/],
      ['{"resourceSpans":[{"resource":{"attributes":{}}}]}', /^resourceSpans\[0\]\.resource\.attributes: expected an array$/],
      [
        '{"resourceSpans":[{"scopeSpans":[{"scope":{"name":5}}]}]}',
        /^resourceSpans\[0\]\.scopeSpans\[0\]\.scope\.name: expected a string$/,
      ],
      [span('"name":["x"]'), /spans\[0\]\.name: expected a string$/],
      [span('"kind":"SPAN_KIND_BOGUS"'), /spans\[0\]\.kind: expected a SpanKind number or name$/],
      [span('"kind":1.5'), /spans\[0\]\.kind: expected a SpanKind number or name$/],
      [span('"startTimeUnixNano":"-1"'), /spans\[0\]\.startTimeUnixNano: expected an unsigned integer$/],
      [span('"startTimeUnixNano":"1e9"'), /spans\[0\]\.startTimeUnixNano: expected an integer$/],
      [span('"endTimeUnixNano":"18446744073709551616"'), /spans\[0\]\.endTimeUnixNano: expected a 64-bit unsigned integer$/],
      [span('"droppedAttributesCount":-1'), /spans\[0\]\.droppedAttributesCount: expected an unsigned 32-bit integer$/],
      [span('"flags":4294967296'), /spans\[0\]\.flags: expected an unsigned 32-bit integer$/],
      [span('"status":{"code":"STATUS_CODE_MAYBE"}'), /spans\[0\]\.status\.code: expected a StatusCode number or name$/],
      [span('"status":"error"'), /spans\[0\]\.status: expected an object$/],
      [span('"events":[{"name":"e","attributes":[{"key":1}]}]'), /spans\[0\]\.events\[0\]\.attributes\[0\]\.key: expected a string$/],
      [span('"links":[{"traceId":"xyz"}]'), /spans\[0\]\.links\[0\]\.traceId: expected a hex string$/],
      [attribute('{"intValue":"12.5"}'), /attributes\[0\]\.value\.intValue: expected an integer$/],
      [attribute('{"intValue":1.5}'), /attributes\[0\]\.value\.intValue: expected an integer$/],
      [attribute('{"intValue":true}'), /attributes\[0\]\.value\.intValue: expected an integer$/],
      [attribute('{"intValue":"9223372036854775808"}'), /attributes\[0\]\.value\.intValue: expected a 64-bit integer$/],
      [attribute('{"intValue":"-9223372036854775809"}'), /attributes\[0\]\.value\.intValue: expected a 64-bit integer$/],
      [attribute('{"doubleValue":"abc"}'), /attributes\[0\]\.value\.doubleValue: expected a number$/],
      [attribute('{"boolValue":"true"}'), /attributes\[0\]\.value\.boolValue: expected true or false$/],
      [attribute('{"bytesValue":"***"}'), /attributes\[0\]\.value\.bytesValue: expected a base64 string$/],
      [attribute('{"arrayValue":{"values":[1]}}'), /attributes\[0\]\.value\.arrayValue\.values\[0\]: expected an object$/],
      [attribute('{"kvlistValue":[]}'), /attributes\[0\]\.value\.kvlistValue: expected an object$/],
      [attribute('"plain"'), /attributes\[0\]\.value: expected an object$/],
    ];
    for (const [body, message] of cases) assertRefused(body, 'json', message);
  });

  it('names the field path in logs too', () => {
    const record = (fields: string) => `{"resourceLogs":[{"scopeLogs":[{"logRecords":[${fields}]}]}]}`;
    assertRefused(
      record('{"severityNumber":"LOUD"}'),
      'json',
      /^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.severityNumber: expected a SeverityNumber number or name$/,
      'logs',
    );
    assertRefused(record('{},{"body":{"stringValue":3}}'), 'json', /logRecords\[1\]\.body\.stringValue: expected a string$/, 'logs');
    assertRefused(record('{"spanId":"not hex"}'), 'json', /logRecords\[0\]\.spanId: expected a hex string$/, 'logs');
    assertRefused(record('{"observedTimeUnixNano":{}}'), 'json', /logRecords\[0\]\.observedTimeUnixNano: expected an integer$/, 'logs');
    assertRefused('{"resourceLogs":[{"scopeLogs":"x"}]}', 'json', /^resourceLogs\[0\]\.scopeLogs: expected an array$/, 'logs');
  });

  it('refuses ids that are neither hex nor base64 of 8 or 16 bytes, and keeps hex of any length for the engine to judge', () => {
    assertRefused(span('"spanId":"abc"'), 'json', /spans\[0\]\.spanId: expected a hex string$/);
    assertRefused(span('"traceId":"AQI="'), 'json', /spans\[0\]\.traceId: expected a hex string$/);
    // Length checks belong to the engine (it reports such spans as rejected), so odd-sized hex passes through.
    const decoded = decodeTraceRequest(Buffer.from(span('"traceId":"ABCD","spanId":"0011223344556677889900"')), 'json');
    const spanDecoded = decoded.resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(spanDecoded.traceId, 'abcd');
    assert.equal(spanDecoded.spanId, '0011223344556677889900');
  });
});

function span(fields: string): string {
  return `{"resourceSpans":[{"scopeSpans":[{"spans":[{${fields}}]}]}]}`;
}

function attribute(value: string): string {
  return span(`"attributes":[{"key":"k","value":${value}}]`);
}
