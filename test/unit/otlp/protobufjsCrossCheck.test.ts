import { strict as assert } from 'node:assert';
import protobuf from 'protobufjs';
import { decodeLogsRequest, decodeTraceRequest } from '../../../src/core/otlp/decode';
import type { AnyValue, ExportTraceServiceRequest, OtlpSpan } from '../../../src/model/otlpTypes';
import { decodeWithProtobufjs, encodeShuffled, toProtobufjsObject } from './protobufjsCodec';
import { otlpType } from './protobufjsOtlpSchema';
import { SeededRandom, randomLogsRequest, randomTraceRequest, toOtlpJsonText } from './randomOtlp';

function encode(typeName: string, canonical: unknown): Uint8Array {
  const type = otlpType(typeName);
  return type.encode(type.fromObject(toProtobufjsObject(canonical) as Record<string, unknown>)).finish();
}

/** A request holding one span with the given attribute values. */
function requestWithValues(values: AnyValue[]): ExportTraceServiceRequest {
  const span: OtlpSpan = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    name: 'values',
    kind: 1,
    startTimeUnixNano: '1795279085016000000',
    endTimeUnixNano: '18446744073709551615',
    attributes: values.map((value, index) => ({ key: `v${index}`, value })),
    events: [],
    links: [],
    status: { code: 0 },
  };
  return { resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] };
}

function assertAllDecodersAgree(request: ExportTraceServiceRequest): void {
  const bytes = encode('ExportTraceServiceRequest', request);
  assert.deepStrictEqual(decodeWithProtobufjs('ExportTraceServiceRequest', bytes), request);
  assert.deepStrictEqual(decodeTraceRequest(bytes, 'protobuf'), request);
  assert.deepStrictEqual(decodeTraceRequest(Buffer.from(toOtlpJsonText(request)), 'json'), request);
}

function nestedArrays(levels: number): AnyValue {
  let value: AnyValue = { stringValue: 'bottom' };
  for (let level = 0; level < levels; level++)
    value = level % 2 ? { arrayValue: { values: [value] } } : { kvlistValue: { values: [{ key: 'k', value }] } };
  return value;
}

describe('OTLP protobuf decoding cross-checked with protobufjs', () => {
  it('agrees with protobufjs and the JSON decoder on 200 random trace and logs requests, fields shuffled, unknown fields interleaved', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const random = new SeededRandom(seed);
      const traces = randomTraceRequest(random);
      const logs = randomLogsRequest(random);
      for (const [typeName, request, decode] of [
        ['ExportTraceServiceRequest', traces, decodeTraceRequest],
        ['ExportLogsServiceRequest', logs, decodeLogsRequest],
      ] as const) {
        const inOrder = encode(typeName, request);
        const shuffled = encodeShuffled(typeName, toProtobufjsObject(request) as Record<string, unknown>, random, 0.3);
        const context = `seed ${seed}, ${typeName}`;
        assert.deepStrictEqual(decode(inOrder, 'protobuf'), request, context);
        assert.deepStrictEqual(decodeWithProtobufjs(typeName, shuffled), request, `${context} (protobufjs, shuffled)`);
        assert.deepStrictEqual(decode(shuffled, 'protobuf'), request, `${context} (shuffled)`);
        assert.deepStrictEqual(decode(Buffer.from(toOtlpJsonText(request)), 'json'), request, `${context} (JSON)`);
      }
    }
  });

  it('decodes every AnyValue kind, including bytes, nested kvlists and arrays, and values the SDK cannot send', () => {
    assertAllDecodersAgree(
      requestWithValues([
        { bytesValue: '' },
        { bytesValue: Buffer.from([0, 255, 128, 7]).toString('base64') },
        { bytesValue: Buffer.alloc(70_000, 0xab).toString('base64') },
        { kvlistValue: { values: [] } },
        { arrayValue: { values: [] } },
        {
          kvlistValue: {
            values: [
              { key: 'empty', value: {} },
              { key: 'list', value: { arrayValue: { values: [{}, { boolValue: false }] } } },
            ],
          },
        },
        nestedArrays(10),
        // protobufjs stops at 100 nested messages (protoc's limit), about 37 value levels here.
        nestedArrays(30),
        {},
        { stringValue: '' },
        { boolValue: false },
        { intValue: '0' },
        { doubleValue: 0 },
      ]),
    );
  });

  it('keeps int64 exact beyond 2^53 and at both ends of the range, and fixed64 times up to 2^64-1', () => {
    const ints = [
      '9007199254740993',
      '-9007199254740993',
      '9223372036854775807',
      '-9223372036854775808',
      '-1',
      '4294967296',
      '-4294967297',
    ];
    const request = requestWithValues(ints.map((intValue) => ({ intValue })));
    request.resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano = '9007199254740993';
    assertAllDecodersAgree(request);
    const decoded = decodeTraceRequest(encode('ExportTraceServiceRequest', request), 'protobuf');
    const span = decoded.resourceSpans[0].scopeSpans[0].spans[0];
    assert.deepStrictEqual(
      span.attributes.map((kv) => kv.value.intValue),
      ints,
    );
    assert.equal(span.endTimeUnixNano, '18446744073709551615');
  });

  it('keeps NaN, ±Infinity, -0 and subnormal doubles', () => {
    const doubles = [NaN, Infinity, -Infinity, -0, 5e-324, 1.7976931348623157e308];
    const request = requestWithValues(doubles.map((doubleValue) => ({ doubleValue })));
    assertAllDecodersAgree(request);
    const span = decodeTraceRequest(encode('ExportTraceServiceRequest', request), 'protobuf').resourceSpans[0].scopeSpans[0].spans[0];
    span.attributes.forEach((kv, index) => assert.ok(Object.is(kv.value.doubleValue, doubles[index]), `double ${doubles[index]}`));
  });

  it('decodes empty messages at every level to their defaults', () => {
    assert.deepStrictEqual(decodeTraceRequest(new Uint8Array(0), 'protobuf'), { resourceSpans: [] });
    assert.deepStrictEqual(decodeLogsRequest(new Uint8Array(0), 'protobuf'), { resourceLogs: [] });
    const emptySpan = otlpType('ExportTraceServiceRequest')
      .encode({ resourceSpans: [{ scopeSpans: [{ spans: [{}] }, {}] }, {}] })
      .finish();
    const expectedSpan: OtlpSpan = {
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
    const expected = { resourceSpans: [{ scopeSpans: [{ spans: [expectedSpan] }, { spans: [] }] }, { scopeSpans: [] }] };
    assert.deepStrictEqual(decodeTraceRequest(emptySpan, 'protobuf'), expected);
    assert.deepStrictEqual(decodeWithProtobufjs('ExportTraceServiceRequest', emptySpan), expected);
    const emptyRecord = otlpType('ExportLogsServiceRequest')
      .encode({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: {} }] }] }] })
      .finish();
    assert.deepStrictEqual(decodeLogsRequest(emptyRecord, 'protobuf'), {
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: [] }] }] }],
    });
  });

  it('decodes huge but valid strings and keys', () => {
    const big = 'é'.repeat(4_000_000);
    const request = requestWithValues([{ stringValue: big }]);
    request.resourceSpans[0].scopeSpans[0].spans[0].attributes.push({ key: 'k'.repeat(100_000), value: { stringValue: 'x' } });
    const bytes = encode('ExportTraceServiceRequest', request);
    assert.ok(bytes.length > 8_000_000);
    assert.deepStrictEqual(decodeTraceRequest(bytes, 'protobuf'), request);
    assert.deepStrictEqual(decodeWithProtobufjs('ExportTraceServiceRequest', bytes), request);
  });

  it('takes the last member of an AnyValue oneof on the wire, as protobuf parsers do', () => {
    const anyValue = otlpType('AnyValue');
    const twoMembers = Buffer.concat([
      anyValue.encode({ stringValue: 'first' }).finish(),
      anyValue.encode(anyValue.fromObject({ intValue: '5' })).finish(),
    ]);
    const keyValue = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .string('k')
      .uint32((2 << 3) | 2)
      .bytes(twoMembers)
      .finish();
    const span = protobuf.Writer.create()
      .uint32((9 << 3) | 2)
      .bytes(keyValue)
      .finish();
    const scopeSpans = protobuf.Writer.create()
      .uint32((2 << 3) | 2)
      .bytes(span)
      .finish();
    const resourceSpans = protobuf.Writer.create()
      .uint32((2 << 3) | 2)
      .bytes(scopeSpans)
      .finish();
    const request = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .bytes(resourceSpans)
      .finish();
    const decoded = decodeTraceRequest(request, 'protobuf');
    assert.deepStrictEqual(decoded.resourceSpans[0].scopeSpans[0].spans[0].attributes, [{ key: 'k', value: { intValue: '5' } }]);
  });

  it('reads the pre-1.0 instrumentation_library_spans and _logs fields as scope spans and logs', () => {
    const random = new SeededRandom(99);
    const traces = randomTraceRequest(random);
    const legacyTraces = {
      resourceSpans: traces.resourceSpans.map(({ resource, scopeSpans }) => ({ resource, instrumentationLibrarySpans: scopeSpans })),
    };
    const expectedTraces = { resourceSpans: traces.resourceSpans.map(({ schemaUrl: _, ...rest }) => rest) };
    assert.deepStrictEqual(decodeTraceRequest(encode('LegacyExportTraceServiceRequest', legacyTraces), 'protobuf'), expectedTraces);
    assert.deepStrictEqual(decodeTraceRequest(Buffer.from(toOtlpJsonText(legacyTraces)), 'json'), expectedTraces);

    const logs = randomLogsRequest(random);
    const legacyLogs = {
      resourceLogs: logs.resourceLogs.map(({ resource, scopeLogs }) => ({ resource, instrumentationLibraryLogs: scopeLogs })),
    };
    const expectedLogs = { resourceLogs: logs.resourceLogs.map(({ schemaUrl: _, ...rest }) => rest) };
    assert.deepStrictEqual(decodeLogsRequest(encode('LegacyExportLogsServiceRequest', legacyLogs), 'protobuf'), expectedLogs);
    assert.deepStrictEqual(decodeLogsRequest(Buffer.from(toOtlpJsonText(legacyLogs)), 'json'), expectedLogs);
  });

  it('turns invalid UTF-8 into U+FFFD, short and long strings alike', () => {
    const samples = [
      [0xff],
      [0x61, 0xc3],
      [0xe2, 0x82, 0x61],
      [0xed, 0xa0, 0x80],
      [0xc0, 0xaf, 0x62],
      [0xf4, 0x90, 0x80, 0x80],
      [...Buffer.from('x'.repeat(100)), 0xf0, 0x9f, 0x98],
    ].map((bytes) => Uint8Array.from(bytes));
    for (const bytes of samples) {
      const keyValue = protobuf.Writer.create()
        .uint32((1 << 3) | 2)
        .bytes(bytes)
        .uint32((2 << 3) | 2)
        .bytes(otlpType('AnyValue').encode({ stringValue: 'v' }).finish())
        .finish();
      const resource = protobuf.Writer.create()
        .uint32((1 << 3) | 2)
        .bytes(keyValue)
        .finish();
      const resourceSpans = protobuf.Writer.create()
        .uint32((1 << 3) | 2)
        .bytes(resource)
        .finish();
      const request = protobuf.Writer.create()
        .uint32((1 << 3) | 2)
        .bytes(resourceSpans)
        .finish();
      const decoded = decodeTraceRequest(request, 'protobuf');
      const key = decoded.resourceSpans[0].resource?.attributes[0].key;
      assert.equal(key, new TextDecoder().decode(bytes), `bytes ${Buffer.from(bytes).toString('hex')}`);
      assert.ok(key?.includes('\ufffd'));
    }
  });
});
