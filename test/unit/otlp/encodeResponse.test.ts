import { strict as assert } from 'node:assert';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { encodeErrorStatus, encodeExportResponse } from '../../../src/core/otlp/encodeResponse';
import { otlpType } from './protobufjsOtlpSchema';

const LONG_OPTIONS = { longs: String };

describe('OTLP export responses', () => {
  it('is an empty message when nothing was rejected', () => {
    assert.equal(encodeExportResponse('traces', 'protobuf').length, 0);
    assert.equal(encodeExportResponse('logs', 'protobuf', { rejected: 0, errorMessage: '' }).length, 0);
    assert.equal(Buffer.from(encodeExportResponse('traces', 'json')).toString(), '{}');
    assert.deepStrictEqual(ProtobufTraceSerializer.deserializeResponse(encodeExportResponse('traces', 'protobuf')), {});
  });

  it('carries partial_success for traces as the OpenTelemetry SDK and protobufjs read it', () => {
    const partial = { rejected: 3, errorMessage: 'span 2: trace_id must be 16 bytes — ids de 8 octets refusés' };
    const protobufBody = encodeExportResponse('traces', 'protobuf', partial);
    assert.deepStrictEqual(ProtobufTraceSerializer.deserializeResponse(protobufBody), {
      partialSuccess: { rejectedSpans: 3, errorMessage: partial.errorMessage },
    });
    const type = otlpType('ExportTraceServiceResponse');
    assert.deepStrictEqual(type.toObject(type.decode(protobufBody), LONG_OPTIONS), {
      partialSuccess: { rejectedSpans: '3', errorMessage: partial.errorMessage },
    });
    const jsonBody = encodeExportResponse('traces', 'json', partial);
    assert.deepStrictEqual(JsonTraceSerializer.deserializeResponse(jsonBody), {
      partialSuccess: { rejectedSpans: '3', errorMessage: partial.errorMessage },
    });
  });

  it('carries partial_success for logs, with large counts exact', () => {
    const partial = { rejected: 2 ** 40 + 1, errorMessage: 'too many' };
    const type = otlpType('ExportLogsServiceResponse');
    const protobufBody = encodeExportResponse('logs', 'protobuf', partial);
    assert.deepStrictEqual(type.toObject(type.decode(protobufBody), LONG_OPTIONS), {
      partialSuccess: { rejectedLogRecords: '1099511627777', errorMessage: 'too many' },
    });
    assert.deepStrictEqual(ProtobufLogsSerializer.deserializeResponse(protobufBody), {
      partialSuccess: { rejectedLogRecords: 1099511627777, errorMessage: 'too many' },
    });
    assert.deepStrictEqual(JsonLogsSerializer.deserializeResponse(encodeExportResponse('logs', 'json', partial)), {
      partialSuccess: { rejectedLogRecords: '1099511627777', errorMessage: 'too many' },
    });
  });

  it('may carry only a message, as a warning with nothing rejected', () => {
    const partial = { rejected: 0, errorMessage: 'attribute values were truncated' };
    const type = otlpType('ExportTraceServiceResponse');
    assert.deepStrictEqual(type.toObject(type.decode(encodeExportResponse('traces', 'protobuf', partial)), LONG_OPTIONS), {
      partialSuccess: { errorMessage: partial.errorMessage },
    });
    assert.equal(
      Buffer.from(encodeExportResponse('traces', 'json', partial)).toString(),
      '{"partialSuccess":{"errorMessage":"attribute values were truncated"}}',
    );
  });

  it('refuses a rejected count that is not a non-negative integer', () => {
    assert.throws(() => encodeExportResponse('traces', 'json', { rejected: -1, errorMessage: '' }), RangeError);
    assert.throws(() => encodeExportResponse('traces', 'protobuf', { rejected: 1.5, errorMessage: '' }), RangeError);
  });
});

describe('OTLP/HTTP error bodies (google.rpc.Status)', () => {
  it('encodes code and message in protobuf, as protobufjs reads them', () => {
    const type = otlpType('RpcStatus');
    const body = encodeErrorStatus('protobuf', 3, 'invalid protobuf: truncated varint (at byte 17) — ünïcode');
    assert.deepStrictEqual(type.toObject(type.decode(body)), {
      code: 3,
      message: 'invalid protobuf: truncated varint (at byte 17) — ünïcode',
    });
    assert.deepStrictEqual(type.toObject(type.decode(encodeErrorStatus('protobuf', 8, ''))), { code: 8 });
  });

  it('encodes code and message in JSON', () => {
    assert.deepStrictEqual(JSON.parse(Buffer.from(encodeErrorStatus('json', 3, 'spans[0].traceId: expected a hex string')).toString()), {
      code: 3,
      message: 'spans[0].traceId: expected a hex string',
    });
    assert.throws(() => encodeErrorStatus('json', -2, 'x'), RangeError);
  });
});
