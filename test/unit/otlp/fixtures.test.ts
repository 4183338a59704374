import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeLogsRequest, decodeTraceRequest } from '../../../src/core/otlp/decode';
import type { AnyValue, KeyValue } from '../../../src/model/otlpTypes';
import { canonicalFromSdkJson } from './canonicalOtlp';
import { toProtobufjsObject } from './protobufjsCodec';
import { otlpType } from './protobufjsOtlpSchema';

const FIXTURES = join(__dirname, '../../fixtures/otlp');
const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.json'));

function allValues(attributes: KeyValue[]): AnyValue[] {
  return attributes.flatMap(({ value }) => [
    value,
    ...allValues(value.kvlistValue?.values ?? []),
    ...allValues((value.arrayValue?.values ?? []).map((item) => ({ key: '', value: item }))),
  ]);
}

describe('OTLP/JSON captures from real instrumentations', () => {
  it('has trace and logs captures to read', () => {
    assert.ok(files.filter((name) => name.endsWith('.otlp.json')).length >= 4);
    assert.ok(files.some((name) => name.endsWith('.otlp-logs.json')));
  });

  for (const name of files.filter((file) => file.endsWith('.otlp.json'))) {
    it(`decodes ${name}, and its protobuf encoding decodes to the same`, () => {
      const bytes = readFileSync(join(FIXTURES, name));
      const raw = JSON.parse(bytes.toString('utf8'));
      const decoded = decodeTraceRequest(bytes, 'json');
      assert.deepStrictEqual(decoded, canonicalFromSdkJson(bytes));

      const spans = decoded.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
      const rawSpanCount = raw.resourceSpans.flatMap((resource: any) => resource.scopeSpans.flatMap((scope: any) => scope.spans)).length;
      assert.equal(spans.length, rawSpanCount);
      assert.ok(spans.length > 0);
      for (const span of spans) {
        assert.match(span.traceId, /^[0-9a-f]{32}$/);
        assert.match(span.spanId, /^[0-9a-f]{16}$/);
        if (span.parentSpanId !== undefined) assert.match(span.parentSpanId, /^[0-9a-f]{16}$/);
        assert.match(span.startTimeUnixNano, /^[1-9][0-9]{18}$/);
        for (const value of allValues(span.attributes)) {
          if (value.intValue !== undefined) assert.equal(typeof value.intValue, 'string');
        }
      }

      const type = otlpType('ExportTraceServiceRequest');
      const protobufBytes = type.encode(type.fromObject(toProtobufjsObject(decoded) as Record<string, unknown>)).finish();
      assert.deepStrictEqual(decodeTraceRequest(protobufBytes, 'protobuf'), decoded);
    });
  }

  for (const name of files.filter((file) => file.endsWith('.otlp-logs.json'))) {
    it(`decodes ${name}, and its protobuf encoding decodes to the same`, () => {
      const bytes = readFileSync(join(FIXTURES, name));
      const decoded = decodeLogsRequest(bytes, 'json');
      assert.deepStrictEqual(decoded, canonicalFromSdkJson(bytes));
      const records = decoded.resourceLogs.flatMap((resource) => resource.scopeLogs.flatMap((scope) => scope.logRecords));
      assert.ok(records.length > 0);
      assert.ok(records.some((record) => record.traceId !== undefined && record.spanId !== undefined && record.body !== undefined));

      const type = otlpType('ExportLogsServiceRequest');
      const protobufBytes = type.encode(type.fromObject(toProtobufjsObject(decoded) as Record<string, unknown>)).finish();
      assert.deepStrictEqual(decodeLogsRequest(protobufBytes, 'protobuf'), decoded);
    });
  }
});
