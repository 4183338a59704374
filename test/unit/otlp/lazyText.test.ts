import * as assert from 'node:assert/strict';
import { decodeTraceRequest } from '../../../src/core/otlp/decode';
import { isLazyStringValue, LAZY_TEXT_BYTES, lazyByteLength, settleLazyValues } from '../../../src/core/otlp/lazyText';
import { IngestPolicy } from '../../../src/core/engine/ingestPolicy';
import { LiveTrace } from '../../../src/core/engine/liveTrace';
import { PriceBook } from '../../../src/core/genai/pricing';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import type { OtlpSpan } from '../../../src/model/otlpTypes';
import { hexId, span, str, traceRequest } from '../../support/otlpBuilders';
import { toProtobuf } from '../../hardening/otlpWire';

const TRACE = hexId(16);

function longText(bytes: number): string {
  // Characters beyond Latin-1, as real prompts have: the decoded string takes two bytes each.
  const unit = 'prompt — “quoted” text ✓ ';
  return unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit))).slice(0, bytes);
}

describe('long span attribute strings read from the request body when asked', () => {
  it('decodes a long value lazily and a short one at once, both reading back as the same text', () => {
    const long = longText(LAZY_TEXT_BYTES + 10);
    const body = toProtobuf(
      traceRequest([span(TRACE, hexId(8), undefined, 'call', 0, 1, [str('gen_ai.input.messages', long), str('short', 'x')])]),
    );
    const [decoded] = decodeTraceRequest(body, 'protobuf').resourceSpans[0].scopeSpans[0].spans;
    const [longValue, shortValue] = decoded.attributes.map((kv) => kv.value);
    assert.equal(isLazyStringValue(longValue), true);
    assert.equal(isLazyStringValue(shortValue), false);
    assert.equal(lazyByteLength(longValue), Buffer.byteLength(long));
    assert.equal(longValue.stringValue, long);
    // Whatever copies the value sees plain text.
    assert.deepEqual({ ...longValue }, { stringValue: long });
    assert.equal(JSON.stringify(longValue), JSON.stringify({ stringValue: long }));
    assert.deepEqual(structuredClone(longValue), { stringValue: long });
    assert.deepStrictEqual(longValue, { stringValue: long });
  });

  it('turns invalid UTF-8 into U+FFFD as the eager decoder does', () => {
    const text = 'a'.repeat(LAZY_TEXT_BYTES);
    const body = Buffer.from(toProtobuf(traceRequest([span(TRACE, hexId(8), undefined, 'call', 0, 1, [str('content', text)])])));
    const at = body.indexOf(Buffer.from(text));
    body[at + 5] = 0xff;
    const value = decodeTraceRequest(body, 'protobuf').resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value;
    assert.equal(isLazyStringValue(value), true);
    assert.equal(value.stringValue, `aaaaa\ufffd${'a'.repeat(LAZY_TEXT_BYTES - 6)}`);
  });

  it('settles lazy values into plain strings and leaves other lists as they are', () => {
    const long = longText(LAZY_TEXT_BYTES * 2);
    const body = toProtobuf(traceRequest([span(TRACE, hexId(8), undefined, 'call', 0, 1, [str('output.value', long), str('k', 'v')])]));
    const attributes = decodeTraceRequest(body, 'protobuf').resourceSpans[0].scopeSpans[0].spans[0].attributes;
    const settled = settleLazyValues(attributes);
    assert.notEqual(settled, attributes);
    assert.equal(isLazyStringValue(settled[0].value), false);
    assert.equal(settled[0].value.stringValue, long);
    assert.equal(settled[1], attributes[1]);
    assert.equal(settleLazyValues(settled), settled);
  });

  it('a span stored without a content store keeps no value tied to its request body, masked or not', () => {
    const long = longText(LAZY_TEXT_BYTES * 3);
    for (const redact of [undefined, [] as string[]]) {
      const policy = new IngestPolicy({ redact, maxAttributeBytes: 1024 * 1024 });
      const attributes = [str('gen_ai.input.messages', long), str('other.value', long), str('secret', long)];
      const request = traceRequest([span(TRACE, hexId(8), undefined, 'call', 0, 1, attributes)]);
      request.resourceSpans[0].scopeSpans[0].spans[0].events.push({ timeUnixNano: '1', name: 'e', attributes: [str('body', long)] });
      const [decoded] = decodeTraceRequest(toProtobuf(request), 'protobuf').resourceSpans[0].scopeSpans[0].spans;
      assert.equal(decoded.attributes.filter((kv) => isLazyStringValue(kv.value)).length, 3);
      const live = LiveTrace.create(TRACE, 1, 0);
      live.addSpan(policy.span(decoded), 0, 0, new PriceBook([]), 0);
      const stored = live.stored.spans[0];
      for (const kv of [...stored.attributes, ...stored.events.flatMap((event) => event.attributes ?? [])]) {
        assert.equal(isLazyStringValue(kv.value), false, kv.key);
      }
      assert.equal(stored.attributes.find((kv) => kv.key === 'gen_ai.input.messages')!.value.stringValue, long);
      assert.equal(stored.events[0].attributes![0].value.stringValue, long);
    }
  });

  it('a span passed on to continuous forwarding holds plain text, not its request body', async () => {
    const long = longText(LAZY_TEXT_BYTES * 2);
    const engine = await TraceEngine.open({});
    const passed: OtlpSpan[] = [];
    engine.setSpanTap((span) => passed.push(span));
    const request = traceRequest([span(TRACE, hexId(8), undefined, 'call', 0, 1, [str('gen_ai.input.messages', long)])]);
    request.resourceSpans[0].scopeSpans[0].spans[0].events.push({ timeUnixNano: '1', name: 'e', attributes: [str('body', long)] });
    engine.ingestTraces(decodeTraceRequest(toProtobuf(request), 'protobuf'));
    await engine.flush();
    assert.equal(passed.length, 1);
    const values = [...passed[0].attributes, ...passed[0].events.flatMap((event) => event.attributes ?? [])].map((kv) => kv.value);
    assert.equal(values.length, 2);
    for (const value of values) {
      assert.equal(isLazyStringValue(value), false);
      assert.equal(value.stringValue, long);
    }
    await engine.close();
  });
});
