import { deepStrictEqual, ok, strictEqual, throws } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeTraceRequest } from '../../../src/core/otlp/decode';
import type { ExportTraceServiceRequest, OtlpSpan } from '../../../src/model/otlpTypes';
import { toReadableSpans, UnforwardableTraceError } from '../../../src/core/forward/readableSpanAdapter';
import { randomTraceRequest, SeededRandom } from '../otlp/randomOtlp';
import { forwardedForm } from './forwardedForm';
import { sdkTraceRequest } from './sdkTrace';

const FIXTURES = join(__dirname, '../../fixtures/otlp');

/** Through the adapter and the official protobuf encoder, then Loupe's decoder. */
function encodedAndDecoded(request: ExportTraceServiceRequest): ExportTraceServiceRequest {
  const bytes = ProtobufTraceSerializer.serializeRequest(toReadableSpans(request));
  ok(bytes);
  return decodeTraceRequest(bytes, 'protobuf');
}

function requestOf(span: Partial<OtlpSpan>): ExportTraceServiceRequest {
  const full: OtlpSpan = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    name: 'span',
    kind: 1,
    startTimeUnixNano: '1700000000000000001',
    endTimeUnixNano: '1700000001000000002',
    attributes: [],
    events: [],
    links: [],
    status: { code: 0 },
    ...span,
  };
  return { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans: [full] }] }] };
}

function onlySpan(request: ExportTraceServiceRequest) {
  const spans = toReadableSpans(request);
  strictEqual(spans.length, 1);
  return spans[0];
}

describe('stored spans as SDK ReadableSpans', () => {
  it('round-trips spans made by the OpenTelemetry SDK exactly, every attribute type included', async () => {
    const original = await sdkTraceRequest();
    deepStrictEqual(encodedAndDecoded(original), original);
  });

  for (const name of readdirSync(FIXTURES).filter((file) => file.endsWith('.otlp.json'))) {
    it(`round-trips the capture ${name} with only the documented changes`, () => {
      const original = decodeTraceRequest(readFileSync(join(FIXTURES, name)), 'json');
      deepStrictEqual(encodedAndDecoded(original), forwardedForm(original));
    });
  }

  it('round-trips 400 random requests with only the documented changes, or refuses malformed ones', () => {
    let forwarded = 0;
    let refused = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const original = randomTraceRequest(new SeededRandom(seed));
      const spans = original.resourceSpans.flatMap((group) => group.scopeSpans.flatMap((scope) => scope.spans));
      const malformed = spans.some((span) => !/^[0-9a-f]{32}$/.test(span.traceId));
      if (malformed) {
        throws(() => toReadableSpans(original), UnforwardableTraceError, `seed ${seed}`);
        refused++;
        continue;
      }
      deepStrictEqual(encodedAndDecoded(original), forwardedForm(original), `seed ${seed}`);
      forwarded++;
    }
    ok(forwarded > 200 && refused > 20, `${forwarded} forwarded, ${refused} refused`);
  });

  it('maps OTLP kinds (UNSPECIFIED = 0, INTERNAL = 1) to the JS API numbering (INTERNAL = 0)', () => {
    const expected: [number, SpanKind | undefined][] = [
      [0, undefined],
      [1, SpanKind.INTERNAL],
      [2, SpanKind.SERVER],
      [3, SpanKind.CLIENT],
      [4, SpanKind.PRODUCER],
      [5, SpanKind.CONSUMER],
      [9, undefined],
    ];
    for (const [otlp, js] of expected) strictEqual(onlySpan(requestOf({ kind: otlp })).kind, js, `OTLP kind ${otlp}`);
    for (const [otlp] of expected) {
      strictEqual(encodedAndDecoded(requestOf({ kind: otlp })).resourceSpans[0].scopeSpans[0].spans[0].kind, otlp <= 5 ? otlp : 0);
    }
  });

  it('keeps nanosecond times exactly, to the largest uint64', () => {
    const span = onlySpan(requestOf({ startTimeUnixNano: '1700000000123456789', endTimeUnixNano: '18446744073709551615' }));
    deepStrictEqual(span.startTime, [1_700_000_000, 123_456_789]);
    deepStrictEqual(span.endTime, [18_446_744_073, 709_551_615]);
    deepStrictEqual(span.duration, [16_746_744_073, 586_094_826]);
    const back = encodedAndDecoded(requestOf({ startTimeUnixNano: '1700000000123456789', endTimeUnixNano: '18446744073709551615' }));
    strictEqual(back.resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano, '18446744073709551615');
    deepStrictEqual(onlySpan(requestOf({ startTimeUnixNano: '5', endTimeUnixNano: '3' })).duration, [0, 0]);
  });

  it('gives a span with a parent from another process a remote parent context', () => {
    const remote = onlySpan(requestOf({ parentSpanId: '00f067aa0ba902b7', flags: 0x301 }));
    deepStrictEqual(remote.parentSpanContext, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      isRemote: true,
    });
    strictEqual(onlySpan(requestOf({ parentSpanId: '00f067aa0ba902b7', flags: 0x101 })).parentSpanContext?.isRemote, false);
    strictEqual(onlySpan(requestOf({})).parentSpanContext, undefined);
    strictEqual(onlySpan(requestOf({ flags: 1 })).spanContext().traceFlags, 1);
  });

  it('passes the trace state on as written, even where the SDK parser would rewrite it', () => {
    const raw = 'congo=t61rcWkgMzE, rojo=00f067aa0ba902b7,bad key=1';
    const span = onlySpan(requestOf({ traceState: raw }));
    strictEqual(span.spanContext().traceState?.serialize(), raw);
    strictEqual(span.spanContext().traceState?.get('rojo'), '00f067aa0ba902b7');
    strictEqual(encodedAndDecoded(requestOf({ traceState: raw })).resourceSpans[0].scopeSpans[0].spans[0].traceState, raw);
  });

  it('turns values the encoder cannot hold exactly into exact text, and flattens structure in text style', () => {
    const attributes = [
      { key: 'big', value: { intValue: '9223372036854775807' } },
      {
        key: 'map',
        value: {
          kvlistValue: {
            values: [
              { key: 'n', value: { intValue: '1' } },
              { key: 'b', value: { bytesValue: 'AQI=' } },
            ],
          },
        },
      },
      { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }] } } },
      { key: '__proto__', value: { stringValue: 'plain key' } },
    ];
    const otlp = onlySpan(requestOf({ attributes })).attributes;
    strictEqual(otlp.big, '9223372036854775807');
    ok(otlp.map && typeof otlp.map === 'object');
    ok(Buffer.isBuffer((otlp.map as Record<string, unknown>).b));
    deepStrictEqual(otlp.list, ['a', true]);
    strictEqual(Object.getOwnPropertyDescriptor(otlp, '__proto__')?.value, 'plain key');

    const text = toReadableSpans(requestOf({ attributes }), { valueStyle: 'text' })[0].attributes;
    deepStrictEqual({ ...text }, { big: '9223372036854775807', map: '{"n":1,"b":"AQI="}', list: '["a",true]', ['__proto__']: 'plain key' });
  });

  it('refuses malformed ids and times with a message naming the span', () => {
    throws(() => toReadableSpans(requestOf({ spanId: 'xyz' })), /Span "span" has an invalid span id: "xyz"/);
    throws(() => toReadableSpans(requestOf({ parentSpanId: '00' })), /invalid parent span id/);
    throws(() => toReadableSpans(requestOf({ startTimeUnixNano: '-1' })), /invalid start time/);
    throws(() => toReadableSpans(requestOf({ endTimeUnixNano: '18446744073709551616' })), /invalid end time/);
    throws(
      () => toReadableSpans(requestOf({ links: [{ traceId: 'a', spanId: 'b7ad6b7169203331', attributes: [] }] })),
      /invalid linked trace id/,
    );
  });

  it('accepts upper-case hex ids and sends them lower-case', () => {
    const span = onlySpan(requestOf({ traceId: '0AF7651916CD43DD8448EB211C80319C' }));
    strictEqual(span.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c');
  });
});
