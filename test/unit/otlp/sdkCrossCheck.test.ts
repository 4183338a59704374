import { strict as assert } from 'node:assert';
import { ROOT_CONTEXT, SeverityNumber, SpanKind, SpanStatusCode, TraceFlags, createTraceState, trace } from '@opentelemetry/api';
import type { Attributes, Link } from '@opentelemetry/api';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { decodeLogsRequest, decodeTraceRequest } from '../../../src/core/otlp/decode';
import type { AnyValue, OtlpSpan } from '../../../src/model/otlpTypes';
import { canonicalFromSdkJson } from './canonicalOtlp';

const BYTES = Uint8Array.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
const LONG_TEXT = 'prompt ⟨with unicode⟩ 😀 '.repeat(4000);

/**
 * One of every attribute value the OpenTelemetry JS API and SDK accept. NaN and ±Infinity are
 * left to the protobufjs cross-check: the SDK's JSON serializer writes them as `null`.
 */
const EVERY_VALUE_TYPE: Attributes = {
  str: 'hello',
  'str.empty': '',
  'str.unicode': 'héllo 世界 😀',
  'str.long': LONG_TEXT,
  'bool.true': true,
  'bool.false': false,
  'int.zero': 0,
  'int.positive': 42,
  'int.negative': -7,
  'int.beyond32': 2 ** 40 + 3,
  'int.beyond53': 2 ** 60,
  'int.negative.beyond53': -(2 ** 60),
  double: 3.25,
  'double.negative': -0.000123,
  'double.huge': 1.5e300,
  'array.string': ['a', '', 'c'],
  'array.bool': [true, false],
  'array.int': [1, -2, 2 ** 33],
  'array.double': [0.5, -1.25],
  'array.empty': [],
  'array.mixed': ['a', 1, 2.5, true],
  'array.with.null': ['a', null, 'c'],
  'array.nested': [[1, 2], ['x'], []],
  bytes: BYTES,
  map: { model: 'gpt-4o', tokens: { input: 12, output: 3 }, tags: ['x', 'y'], raw: BYTES },
  'map.empty': {},
};

async function traceExport(): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'cross-check', 'service.instance.id': 7, 'host.tags': ['a', 'b'] }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
    spanLimits: { attributeCountLimit: 40, eventCountLimit: 3, linkCountLimit: 2 },
  });
  const tracer = provider.getTracer('cross-check-scope', '1.2.3');
  const otherTracer = provider.getTracer('second-scope', undefined, { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' });

  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('vendor=value,other=1'),
  });
  const root = tracer.startSpan('agent run', { kind: SpanKind.SERVER, attributes: EVERY_VALUE_TYPE }, remoteParent);
  root.addEvent('started', { step: 1, 'step.name': 'plan' });
  root.addEvent('no attributes');
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed: timeout' });

  const rootContext = trace.setSpan(ROOT_CONTEXT, root);
  const links: Link[] = [
    { context: root.spanContext(), attributes: { 'link.kind': 'follows', weight: 0.5 } },
    {
      context: {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: TraceFlags.NONE,
        isRemote: true,
        traceState: createTraceState('congo=t61rcWkgMzE'),
      },
    },
  ];
  const kinds = [SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER];
  for (const [index, kind] of kinds.entries()) {
    const child = tracer.startSpan(`child ${index}`, { kind, links: index === 0 ? links : [] }, rootContext);
    child.setAttribute('child.index', index);
    if (index === 1) child.setStatus({ code: SpanStatusCode.OK });
    child.end();
  }

  // Over the limits above: dropped attribute, event and link counts must come through.
  const crowded = otherTracer.startSpan('crowded', { links: [links[0], links[1], links[0], links[1]] }, rootContext);
  for (let index = 0; index < 45; index++) crowded.setAttribute(`attr.${index}`, index);
  for (let index = 0; index < 5; index++) crowded.addEvent(`event ${index}`, { index });
  crowded.end();

  root.end();
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

function findSpan(spans: OtlpSpan[], name: string): OtlpSpan {
  const span = spans.find((candidate) => candidate.name === name);
  assert.ok(span, `span ${name} decoded`);
  return span;
}

function attribute(span: OtlpSpan, key: string): AnyValue | undefined {
  return span.attributes.find((candidate) => candidate.key === key)?.value;
}

describe('OTLP decoding cross-checked with the OpenTelemetry JS SDK', () => {
  it('decodes traces from the protobuf and JSON serializers to the same canonical form', async () => {
    const readable = await traceExport();
    const protobuf = ProtobufTraceSerializer.serializeRequest(readable);
    const json = JsonTraceSerializer.serializeRequest(readable);
    assert.ok(protobuf && json);

    const fromProtobuf = decodeTraceRequest(protobuf, 'protobuf');
    const fromJson = decodeTraceRequest(json, 'json');
    assert.deepStrictEqual(fromProtobuf, fromJson);
    assert.deepStrictEqual(fromJson, canonicalFromSdkJson(json));

    // Independent spot checks, so a mistake shared by both decoders and the normalization still fails.
    const spans = fromProtobuf.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
    assert.equal(spans.length, readable.length);
    const root = findSpan(spans, 'agent run');
    const sdkRoot = readable.find((span) => span.name === 'agent run')!;
    assert.equal(root.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(root.spanId, sdkRoot.spanContext().spanId);
    assert.equal(root.parentSpanId, 'b7ad6b7169203331');
    assert.equal(root.traceState, 'vendor=value,other=1');
    assert.equal(root.kind, 2);
    assert.equal(root.flags, 0x301, 'sampled, with a remote parent');
    assert.deepStrictEqual(root.status, { code: 2, message: 'tool failed: timeout' });
    const [startSeconds, startNanos] = sdkRoot.startTime;
    assert.equal(root.startTimeUnixNano, (BigInt(startSeconds) * 1_000_000_000n + BigInt(startNanos)).toString());
    assert.deepStrictEqual(attribute(root, 'int.beyond53'), { intValue: '1152921504606846976' });
    assert.deepStrictEqual(attribute(root, 'int.negative.beyond53'), { intValue: '-1152921504606846976' });
    assert.deepStrictEqual(attribute(root, 'bytes'), { bytesValue: Buffer.from(BYTES).toString('base64') });
    assert.deepStrictEqual(attribute(root, 'str.long'), { stringValue: LONG_TEXT });
    assert.deepStrictEqual(attribute(root, 'array.with.null'), {
      arrayValue: { values: [{ stringValue: 'a' }, {}, { stringValue: 'c' }] },
    });
    assert.deepStrictEqual(
      root.events.map((event) => event.name),
      ['started', 'no attributes'],
    );

    const linked = findSpan(spans, 'child 0');
    assert.equal(linked.kind, 1);
    assert.equal(linked.parentSpanId, root.spanId);
    assert.equal(linked.links.length, 2);
    assert.equal(linked.links[1].traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(linked.links[1].traceState, 'congo=t61rcWkgMzE');
    assert.equal(linked.links[1].flags, 0x300, 'remote, not sampled');
    assert.deepStrictEqual(findSpan(spans, 'child 1').status, { code: 1 });
    assert.deepStrictEqual(
      ['child 1', 'child 2', 'child 3'].map((name) => findSpan(spans, name).kind),
      [3, 4, 5],
    );

    const crowded = findSpan(spans, 'crowded');
    assert.equal(crowded.attributes.length, 40);
    assert.equal(crowded.droppedAttributesCount, 5);
    assert.equal(crowded.droppedEventsCount, 2);
    assert.equal(crowded.droppedLinksCount, 2);

    const scopes = fromProtobuf.resourceSpans[0].scopeSpans;
    assert.deepStrictEqual(
      scopes.map((scope) => scope.scope),
      [{ name: 'cross-check-scope', version: '1.2.3' }, { name: 'second-scope' }],
    );
    assert.equal(scopes[1].schemaUrl, 'https://opentelemetry.io/schemas/1.26.0');
    assert.deepStrictEqual(
      fromProtobuf.resourceSpans[0].resource?.attributes.find((kv) => kv.key === 'service.instance.id'),
      {
        key: 'service.instance.id',
        value: { intValue: '7' },
      },
    );
  });

  it('decodes logs from the protobuf and JSON serializers to the same canonical form', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'cross-check-logs' }),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    const logger = provider.getLogger('log-scope', '0.9.0', { attributes: { 'scope.flag': true, 'scope.count': 3 } });
    const spanContext = {
      traceId: '26e4b63182623d02ea487c9de9dc1903',
      spanId: 'dd1c75bd9b97ff5e',
      traceFlags: TraceFlags.SAMPLED,
    };
    const inSpan = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    logger.emit({
      eventName: 'gen_ai.user.message',
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: { content: 'Say hello', parts: [{ type: 'text', text: 'hi' }], raw: BYTES },
      attributes: EVERY_VALUE_TYPE,
      timestamp: [1795279085, 17000000],
      observedTimestamp: [1795279085, 18000001],
      context: inSpan,
    });
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: 'plain text body', context: inSpan });
    logger.emit({ body: ['a', 1, true] });
    logger.emit({ severityNumber: SeverityNumber.FATAL4, attributes: { 'no.body': true } });
    await provider.forceFlush();
    const readable: ReadableLogRecord[] = exporter.getFinishedLogRecords();
    await provider.shutdown();

    const protobuf = ProtobufLogsSerializer.serializeRequest(readable);
    const json = JsonLogsSerializer.serializeRequest(readable);
    assert.ok(protobuf && json);
    const fromProtobuf = decodeLogsRequest(protobuf, 'protobuf');
    const fromJson = decodeLogsRequest(json, 'json');
    assert.deepStrictEqual(fromProtobuf, fromJson);
    assert.deepStrictEqual(fromJson, canonicalFromSdkJson(json));

    const scopeLogs = fromProtobuf.resourceLogs[0].scopeLogs[0];
    assert.deepStrictEqual(scopeLogs.scope, {
      name: 'log-scope',
      version: '0.9.0',
      attributes: [
        { key: 'scope.flag', value: { boolValue: true } },
        { key: 'scope.count', value: { intValue: '3' } },
      ],
    });
    const [first, second, third, fourth] = scopeLogs.logRecords;
    assert.equal(first.eventName, 'gen_ai.user.message');
    assert.equal(first.timeUnixNano, '1795279085017000000');
    assert.equal(first.observedTimeUnixNano, '1795279085018000001');
    assert.equal(first.severityNumber, 9);
    assert.equal(first.severityText, 'INFO');
    assert.equal(first.traceId, spanContext.traceId);
    assert.equal(first.spanId, spanContext.spanId);
    assert.equal(first.flags, 1);
    assert.deepStrictEqual(first.body?.kvlistValue?.values[0], { key: 'content', value: { stringValue: 'Say hello' } });
    assert.deepStrictEqual(second.body, { stringValue: 'plain text body' });
    assert.equal(second.severityNumber, 17);
    assert.equal(third.traceId, undefined);
    assert.equal(third.flags, undefined);
    assert.deepStrictEqual(third.body, {
      arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, { boolValue: true }] },
    });
    assert.equal(fourth.body, undefined);
    assert.equal(fourth.severityNumber, 24);
  });
});
