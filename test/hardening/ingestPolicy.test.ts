import * as assert from 'node:assert/strict';
import type { AnyValue, KeyValue, OtlpLogRecord, OtlpSpan } from '../../src/model/otlpTypes';
import {
  IngestPolicy,
  MIN_MAX_ATTRIBUTE_BYTES,
  TRUNCATED_ATTRIBUTES_KEY,
  truncationMarker,
  utf8Head,
} from '../../src/core/engine/ingestPolicy';
import { REDACTED } from '../../src/model/redaction';
import { TraceEngine } from '../../src/core/engine/traceEngine';
import { hexId, int, logsRequest, span, str, traceRequest } from '../support/otlpBuilders';

const MAX = 1024;

function attr(attributes: KeyValue[], key: string): AnyValue | undefined {
  return attributes.find((kv) => kv.key === key)?.value;
}

function truncatedPaths(attributes: KeyValue[]): string[] | undefined {
  return attr(attributes, TRUNCATED_ATTRIBUTES_KEY)?.arrayValue?.values.map((v) => v.stringValue!);
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function aSpan(attributes: KeyValue[]): OtlpSpan {
  return span(hexId(16), hexId(8), undefined, 'work', 0, 5, attributes);
}

describe('IngestPolicy: value limits', () => {
  // Message attributes have their own limit; here it is the general one, so every key is cut alike.
  const policy = new IngestPolicy({ maxAttributeBytes: MAX, maxMessageBytes: MAX });

  it('keeps message values whole up to the message limit (16 MiB by default), and cuts them past it', () => {
    const defaults = new IngestPolicy({ maxAttributeBytes: MAX });
    assert.equal(defaults.maxMessageBytes, 16 * 1024 * 1024);
    const prompt = 'p'.repeat(10 * 1024 * 1024);
    const out = defaults.span(aSpan([str('gen_ai.input.messages', prompt), str('gen_ai.prompt.0.content', prompt), str('other', prompt)]));
    assert.equal(attr(out.attributes, 'gen_ai.input.messages')!.stringValue, prompt);
    assert.equal(attr(out.attributes, 'gen_ai.prompt.0.content')!.stringValue, prompt);
    assert.ok(bytes(attr(out.attributes, 'other')!.stringValue!) <= MAX, 'other attributes keep the general limit');
    assert.deepEqual(truncatedPaths(out.attributes), ['other']);
    const body = defaults.log({ body: { stringValue: prompt }, attributes: [], eventName: 'gen_ai.user.message' });
    assert.equal(body.body!.stringValue, prompt);

    const small = new IngestPolicy({ maxAttributeBytes: MAX, maxMessageBytes: 4096 });
    const cut = attr(small.span(aSpan([str('gen_ai.output.messages', prompt)])).attributes, 'gen_ai.output.messages')!.stringValue!;
    assert.ok(bytes(cut) <= 4096 && cut.endsWith(truncationMarker(prompt.length)));
    assert.throws(() => new IngestPolicy({ maxMessageBytes: 10 }), RangeError);
  });

  it('shortens a 10 MB prompt to the limit, with a marker stating the original length, and lists it', () => {
    const prompt = 'p'.repeat(10 * 1024 * 1024);
    const out = policy.span(aSpan([str('gen_ai.prompt', prompt), int('gen_ai.usage.input_tokens', 42)]));
    const value = attr(out.attributes, 'gen_ai.prompt')!.stringValue!;
    assert.ok(bytes(value) <= MAX, `${bytes(value)} bytes`);
    assert.ok(value.endsWith(truncationMarker(10 * 1024 * 1024)));
    assert.match(value, /^p+…\[truncated by Loupe: 10485760 bytes\]$/);
    assert.deepEqual(attr(out.attributes, 'gen_ai.usage.input_tokens'), { intValue: '42' });
    assert.deepEqual(truncatedPaths(out.attributes), ['gen_ai.prompt']);
  });

  it('cuts multi-byte text between characters, never inside one', () => {
    for (const unit of ['é', '€', '😀', 'a😀', 'ab€']) {
      const out = policy.span(aSpan([str('text', unit.repeat(2_000))]));
      const value = attr(out.attributes, 'text')!.stringValue!;
      assert.ok(bytes(value) <= MAX);
      assert.ok(!value.includes('\ufffd'), `no replacement character for ${unit}`);
      const head = value.slice(0, value.indexOf('…[truncated'));
      assert.ok(unit.repeat(2_000).startsWith(head), `the head is a prefix for ${unit}`);
      assert.ok(bytes(head) > MAX - 64, 'most of the budget is used');
    }
    assert.equal(utf8Head('😀😀', 5), '😀');
    assert.equal(utf8Head('😀😀', 3), '');
    assert.equal(utf8Head('aé', 2), 'a');
  });

  it('shortens strings inside arrays and key-value lists, and drops entries past the budget', () => {
    const nested: KeyValue = {
      key: 'payload',
      value: {
        kvlistValue: {
          values: [
            str('inner', 'x'.repeat(5_000)),
            { key: 'list', value: { arrayValue: { values: [{ stringValue: 'y'.repeat(5_000) }] } } },
          ],
        },
      },
    };
    const many: KeyValue = {
      key: 'tags',
      value: { arrayValue: { values: Array.from({ length: 10_000 }, (_, i) => ({ stringValue: `tag-${i}` })) } },
    };
    const out = policy.span(aSpan([nested, many]));
    const payload = attr(out.attributes, 'payload')!.kvlistValue!.values;
    assert.match(payload[0].value.stringValue!, /…\[truncated by Loupe: 5000 bytes\]$/);
    assert.equal(payload[1].key, 'loupe.truncated', 'the list after the budget was spent is dropped');
    assert.match(payload[1].value.stringValue!, /1 more values/);
    const tags = attr(out.attributes, 'tags')!.arrayValue!.values;
    assert.ok(tags.length < 200, `${tags.length} tags kept`);
    assert.equal(tags[0].stringValue, 'tag-0');
    assert.match(tags[tags.length - 1].stringValue!, new RegExp(`${10_000 - tags.length + 1} more values`));
    const kept = tags.reduce((sum, tag) => sum + bytes(tag.stringValue!), 0);
    assert.ok(kept <= MAX + 64, `${kept} bytes of tags kept`);
    assert.deepEqual(truncatedPaths(out.attributes), ['payload.inner', 'payload', 'tags']);
  });

  it('shortens names, status messages, event and link attributes of a span', () => {
    const long = 'z'.repeat(3_000);
    const input = aSpan([]);
    input.name = long;
    input.status = { code: 2, message: long };
    input.events = [{ timeUnixNano: '1', name: long, attributes: [str('gen_ai.prompt', long)] }];
    input.links = [{ traceId: hexId(16), spanId: hexId(8), attributes: [str('note', long)] }];
    const out = policy.span(input);
    for (const text of [
      out.name,
      out.status.message!,
      out.events[0].name,
      out.events[0].attributes[0].value.stringValue!,
      out.links[0].attributes[0].value.stringValue!,
    ]) {
      assert.ok(bytes(text) <= MAX && text.endsWith(truncationMarker(3_000)));
    }
    assert.equal(out.status.code, 2);
    assert.deepEqual(truncatedPaths(out.attributes), [
      'name',
      'events[0].name',
      'events[0].gen_ai.prompt',
      'links[0].note',
      'status.message',
    ]);
  });

  it('shortens log bodies (text and structured) and log attributes', () => {
    const long = 'b'.repeat(4_000);
    const record: OtlpLogRecord = { body: { stringValue: long }, attributes: [str('event.data', long)], eventName: 'gen_ai.user.message' };
    const out = policy.log(record);
    assert.ok(bytes(out.body!.stringValue!) <= MAX);
    assert.ok(bytes(attr(out.attributes, 'event.data')!.stringValue!) <= MAX);
    assert.deepEqual(truncatedPaths(out.attributes), ['event.data', 'body']);
    const structured = policy.log({ body: { kvlistValue: { values: [str('content', long)] } }, attributes: [] });
    assert.match(structured.body!.kvlistValue!.values[0].value.stringValue!, /truncated by Loupe: 4000 bytes/);
    assert.deepEqual(truncatedPaths(structured.attributes), ['body.content']);
  });

  it('cuts binary values to whole base64 quanta and lists them', () => {
    const base64 = Buffer.alloc(3_000, 7).toString('base64');
    const out = policy.span(aSpan([{ key: 'blob', value: { bytesValue: base64 } }]));
    const kept = attr(out.attributes, 'blob')!.bytesValue!;
    assert.ok(kept.length <= MAX && kept.length % 4 === 0);
    assert.deepEqual(Buffer.from(kept, 'base64'), Buffer.alloc((kept.length / 4) * 3, 7));
    assert.deepEqual(truncatedPaths(out.attributes), ['blob']);
  });

  it('shortens huge keys and quotes only their head in the list', () => {
    const key = 'k'.repeat(100_000);
    const out = policy.span(aSpan([str(key, 'v')]));
    assert.ok(bytes(out.attributes[0].key) <= MAX);
    const [path] = truncatedPaths(out.attributes)!;
    assert.ok(path.length < 300, 'the path quotes a short head of the key');
  });

  it('returns untouched items as they are and never mutates its input', () => {
    const small = aSpan([str('gen_ai.prompt', 'hello'), { key: 'list', value: { arrayValue: { values: [{ intValue: '1' }] } } }]);
    assert.equal(policy.span(small), small);
    const record: OtlpLogRecord = { body: { stringValue: 'hi' }, attributes: [] };
    assert.equal(policy.log(record), record);
    const resource = { attributes: [str('service.name', 'svc')] };
    assert.equal(policy.resource(resource), resource);

    const big = aSpan([str('gen_ai.prompt', 'q'.repeat(5_000)), str('authorization', 'Bearer sk-1')]);
    const before = JSON.stringify(big);
    policy.span(big);
    assert.equal(JSON.stringify(big), before);
  });

  it('keeps a top-level value exactly up to its budget (the limit less the key), text and binary alike', () => {
    for (const key of ['k', 'gen_ai.prompt', 'x'.repeat(300)]) {
      const limit = Math.max(MIN_MAX_ATTRIBUTE_BYTES, MAX - key.length);
      for (const text of [
        'a'.repeat(limit),
        'a'.repeat(limit + 1),
        'é'.repeat(limit >> 1),
        'é'.repeat((limit >> 1) + 1),
        'a'.repeat(Math.floor(limit / 3)),
      ]) {
        const kept = policy.span(aSpan([str(key, text)]));
        const shortened = attr(kept.attributes, key)!.stringValue!;
        if (bytes(text) <= limit) assert.equal(shortened, text, `${key}: ${bytes(text)} bytes of ${limit} kept whole`);
        else
          assert.ok(
            shortened.endsWith(truncationMarker(bytes(text))) && bytes(shortened) <= limit,
            `${key}: ${bytes(text)} bytes cut to ${limit}`,
          );
      }
      for (const size of [MAX - key.length, MAX - key.length + 1]) {
        const base64 = 'A'.repeat(size);
        const kept = attr(policy.span(aSpan([{ key, value: { bytesValue: base64 } }])).attributes, key)!.bytesValue!;
        assert.equal(kept === base64, size <= MAX - key.length, `${key}: ${size} base64 characters`);
      }
    }
  });

  it('is idempotent: a shortened span sent again (a re-import) comes back the same', () => {
    const once = policy.span(
      aSpan([
        str('a', 'é'.repeat(3_000)),
        { key: 'l', value: { arrayValue: { values: Array.from({ length: 500 }, () => ({ stringValue: 'abcdef' })) } } },
      ]),
    );
    const twice = policy.span(once);
    assert.deepEqual(twice, once);
  });

  it('refuses a limit too small for the marker', () => {
    assert.throws(() => new IngestPolicy({ maxAttributeBytes: MIN_MAX_ATTRIBUTE_BYTES - 1 }), RangeError);
    assert.throws(() => new IngestPolicy({ maxAttributeBytes: 1.5e3 + 0.5 }), RangeError);
  });
});

describe('IngestPolicy: redaction', () => {
  const policy = new IngestPolicy();
  const secret = 'sk-live-ABCDEF0123456789';

  it('masks credentials in span, event and link attributes, nested lists and header arrays', () => {
    const input = aSpan([
      str('http.request.header.authorization', `Bearer ${secret}`),
      { key: 'http.request.header.x-api-key', value: { arrayValue: { values: [{ stringValue: secret }] } } },
      {
        key: 'request',
        value: {
          kvlistValue: {
            values: [{ key: 'headers', value: { kvlistValue: { values: [str('Cookie', `session=${secret}`), str('Accept', 'json')] } } }],
          },
        },
      },
      int('gen_ai.usage.input_tokens', 42),
      int('llm.token_count.total', 54),
    ]);
    input.events = [{ timeUnixNano: '1', name: 'login', attributes: [str('password', secret)] }];
    input.links = [{ traceId: hexId(16), spanId: hexId(8), attributes: [str('client_secret', secret)] }];
    const out = policy.span(input);
    assert.ok(!JSON.stringify(out).includes(secret));
    assert.deepEqual(attr(out.attributes, 'http.request.header.authorization'), { stringValue: REDACTED });
    assert.deepEqual(attr(out.attributes, 'http.request.header.x-api-key'), { stringValue: REDACTED });
    const headers = attr(out.attributes, 'request')!.kvlistValue!.values[0].value.kvlistValue!.values;
    assert.deepEqual(headers, [str('Cookie', REDACTED), str('Accept', 'json')]);
    assert.deepEqual(attr(out.attributes, 'gen_ai.usage.input_tokens'), { intValue: '42' });
    assert.deepEqual(attr(out.attributes, 'llm.token_count.total'), { intValue: '54' });
    assert.equal(attr(out.attributes, TRUNCATED_ATTRIBUTES_KEY), undefined, 'masking is not truncation');
  });

  it('masks credentials in log attributes, structured bodies, resources and scopes', () => {
    const record = policy.log({
      body: { kvlistValue: { values: [str('api_key', secret), str('content', 'hi')] } },
      attributes: [str('set-cookie', secret)],
    });
    const resource = policy.resource({ attributes: [str('service.name', 'svc'), str('OPENAI_API_KEY', secret)] });
    const scope = policy.scope({ name: 'lib', attributes: [str('token', secret)] });
    assert.ok(!JSON.stringify([record, resource, scope]).includes(secret));
    assert.deepEqual(record.body!.kvlistValue!.values[1], str('content', 'hi'));
    assert.deepEqual(attr(resource!.attributes, 'service.name'), { stringValue: 'svc' });
  });

  it('uses the configured patterns instead of the defaults', () => {
    const custom = new IngestPolicy({ redact: ['internal.*'] });
    const out = custom.span(aSpan([str('internal.note', 'x'), str('authorization', 'kept')]));
    assert.deepEqual(attr(out.attributes, 'internal.note'), { stringValue: REDACTED });
    assert.deepEqual(attr(out.attributes, 'authorization'), { stringValue: 'kept' });
  });
});

describe('TraceEngine applies the ingest policy', () => {
  let engine: TraceEngine;
  afterEach(async () => engine?.close());

  it('stores, shows and exports the shortened, masked span', async () => {
    engine = await TraceEngine.open({ ingest: { maxAttributeBytes: 4096, maxMessageBytes: 4096 } });
    const t = hexId(16);
    const prompt = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'w'.repeat(10 * 1024 * 1024) }] }]);
    engine.ingestTraces(
      traceRequest([
        span(t, hexId(8), undefined, 'chat gpt-4o', 0, 5, [str('gen_ai.input.messages', prompt), str('api_key', 'sk-secret-1')]),
      ]),
    );
    engine.ingestLogs(
      logsRequest([{ traceId: t, body: { stringValue: 'l'.repeat(1_000_000) }, attributes: [str('authorization', 'sk-secret-2')] }]),
    );
    const detail = (await engine.getTrace(t))!;
    const text = JSON.stringify(detail);
    assert.ok(text.length < 100_000, `the detail is ${text.length} characters`);
    assert.ok(!text.includes('sk-secret-'));
    const marker = truncationMarker(Buffer.byteLength(prompt));
    assert.ok(String(detail.spans[0].attributes['gen_ai.input.messages']).endsWith(marker));
    assert.deepEqual(detail.spans[0].attributes[TRUNCATED_ATTRIBUTES_KEY], ['gen_ai.input.messages']);
    const exported = JSON.stringify(await engine.exportOtlp(t));
    assert.ok(exported.length < 100_000 && !exported.includes('sk-secret-'));
    assert.ok((await engine.stats()).bytes < 100_000);
  });

  it('takes a new policy for what arrives next', async () => {
    engine = await TraceEngine.open();
    engine.setIngestPolicy({ redact: ['custom'] });
    const t = hexId(16);
    engine.ingestTraces(traceRequest([span(t, hexId(8), undefined, 'x', 0, 1, [str('custom', 'a'), str('password', 'b')])]));
    const [stored] = (await engine.getTrace(t))!.spans;
    assert.equal(stored.attributes.custom, REDACTED);
    assert.equal(stored.attributes.password, 'b');
  });
});
