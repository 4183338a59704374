import { deepStrictEqual, fail, ok, strictEqual } from 'node:assert';
import { forwardTrace } from '../../../src/core/forward/forwardTrace';
import type { ExportTraceServiceRequest, OtlpSpan } from '../../../src/model/otlpTypes';
import { SDK_SERVICE_NAME, SDK_SPAN_COUNT, SDK_TRACE_ID, sdkTraceRequest } from './sdkTrace';
import { startHttpCapture, type HttpCapture } from './testServers';

const KINDS: Record<number, string | undefined> = { 0: undefined, 1: undefined, 2: 'SERVER', 3: 'CLIENT', 4: 'PRODUCER', 5: 'CONSUMER' };
const HEX16 = /^[0-9a-f]{16}$/;
const ZIPKIN_FIELDS = new Set([
  'traceId',
  'id',
  'parentId',
  'name',
  'kind',
  'timestamp',
  'duration',
  'debug',
  'shared',
  'localEndpoint',
  'remoteEndpoint',
  'annotations',
  'tags',
]);

/** Checks one span against the Zipkin v2 span model (zipkin2-api.yaml), field by field. */
function assertZipkinV2Span(span: Record<string, unknown>): void {
  for (const field of Object.keys(span)) ok(ZIPKIN_FIELDS.has(field), `unknown Zipkin field ${field}`);
  ok(typeof span.traceId === 'string' && /^([0-9a-f]{16}){1,2}$/.test(span.traceId), 'traceId: 16 or 32 lower-hex');
  ok(typeof span.id === 'string' && HEX16.test(span.id), 'id: 16 lower-hex');
  if (span.parentId !== undefined) ok(typeof span.parentId === 'string' && HEX16.test(span.parentId), 'parentId: 16 lower-hex');
  if (span.name !== undefined) strictEqual(typeof span.name, 'string');
  if (span.kind !== undefined) ok(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'].includes(span.kind as string), `kind ${String(span.kind)}`);
  ok(Number.isSafeInteger(span.timestamp) && (span.timestamp as number) > 0, 'timestamp: epoch microseconds');
  ok(Number.isSafeInteger(span.duration) && (span.duration as number) >= 0, 'duration: microseconds');
  const endpoint = span.localEndpoint as { serviceName?: unknown };
  ok(typeof endpoint?.serviceName === 'string' && endpoint.serviceName !== '', 'localEndpoint.serviceName');
  for (const [key, value] of Object.entries(span.tags as Record<string, unknown>))
    strictEqual(typeof value, 'string', `tag ${key} is a string`);
  for (const annotation of (span.annotations as { timestamp: unknown; value: unknown }[] | undefined) ?? []) {
    ok(Number.isSafeInteger(annotation.timestamp), 'annotation timestamp: microseconds');
    strictEqual(typeof annotation.value, 'string');
  }
}

const micros = (nanos: string) => Math.round(Number(BigInt(nanos)) / 1000);

describe('forwarding to Zipkin (v2 JSON)', () => {
  let zipkin: HttpCapture;
  let original: ExportTraceServiceRequest;

  before(async () => {
    original = await sdkTraceRequest();
    zipkin = await startHttpCapture((_request, response) => {
      response.writeHead(202);
      response.end();
    });
  });
  after(() => zipkin.close());
  beforeEach(() => (zipkin.requests.length = 0));

  it('posts every span as Zipkin v2 JSON that matches the stored spans', async () => {
    const result = await forwardTrace(original, {
      name: 'Zipkin',
      protocol: 'zipkin',
      endpoint: `http://127.0.0.1:${zipkin.port}`,
      headers: { 'X-Tenant': 'loupe' },
      uiUrl: `http://127.0.0.1:${zipkin.port}/zipkin/traces/{traceId}`,
    });
    deepStrictEqual(result, {
      ok: true,
      spanCount: SDK_SPAN_COUNT,
      traceUrl: `http://127.0.0.1:${zipkin.port}/zipkin/traces/${SDK_TRACE_ID}`,
    });
    strictEqual(zipkin.requests.length, 1);
    const [request] = zipkin.requests;
    strictEqual(request.url, '/api/v2/spans');
    strictEqual(request.headers['content-type'], 'application/json');
    strictEqual(request.headers['x-tenant'], 'loupe');

    const posted = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>[];
    strictEqual(posted.length, SDK_SPAN_COUNT);
    const stored = new Map<string, OtlpSpan>(
      original.resourceSpans.flatMap((group) => group.scopeSpans.flatMap((scope) => scope.spans)).map((span) => [span.spanId, span]),
    );
    for (const span of posted) {
      assertZipkinV2Span(span);
      const source = stored.get(span.id as string) ?? fail(`span ${String(span.id)} was not in the trace`);
      strictEqual(span.traceId, source.traceId);
      strictEqual(span.parentId, source.parentSpanId);
      strictEqual(span.name, source.name);
      strictEqual(span.kind, KINDS[source.kind]);
      strictEqual(span.timestamp, micros(source.startTimeUnixNano));
      strictEqual(span.duration, Math.round(Number(BigInt(source.endTimeUnixNano) - BigInt(source.startTimeUnixNano)) / 1000));
      deepStrictEqual(span.localEndpoint, { serviceName: SDK_SERVICE_NAME });
      const tags = span.tags as Record<string, string>;
      for (const { key } of source.attributes) ok(key in tags, `attribute ${key} is a tag`);
      deepStrictEqual(
        (span.annotations as unknown[] | undefined) ?? [],
        source.events.map((event) => ({ timestamp: micros(event.timeUnixNano), value: event.name })),
      );
      const statusTag = ['UNSET', 'OK', 'ERROR'][source.status.code];
      strictEqual(tags['otel.status_code'], source.status.code === 0 ? undefined : statusTag);
      if (source.status.code === 2) strictEqual(tags.error, source.status.message);
      else strictEqual(tags.error, undefined);
    }

    const byName = new Map(posted.map((span) => [span.name, span.tags as Record<string, string>]));
    const structured = byName.get('retrieve documents') ?? fail('structured span missing');
    strictEqual(structured['a.bytes'], Buffer.from([0, 1, 2, 253, 254, 255]).toString('base64'));
    deepStrictEqual(JSON.parse(structured['a.map']), { model: 'gpt-4o', usage: { input: 3, output: 4.5 }, tags: ['x', 'y'], ok: false });
    strictEqual(structured['a.mixed'], '[1,"two",true,2.5]');
    strictEqual(structured['a.nested'], '[[1,2],["x"],[{"deep":"value"}]]');
    strictEqual(structured['a.null'], '');
    strictEqual(structured['service.name'], SDK_SERVICE_NAME, 'resource attributes become tags');
    strictEqual(structured['host.tags'], '["a","b"]');
    const planner = byName.get('invoke_agent planner') ?? fail('root missing');
    strictEqual(planner['a.int'], '42');
    strictEqual(planner['a.true'], 'true');
    strictEqual(planner['a.strings'], '["x","","z"]');
  });

  it('marks a failed span without a status message with the error tag, from its exception', async () => {
    const span: OtlpSpan = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      name: 'call tool',
      kind: 3,
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000500000000',
      attributes: [],
      events: [
        {
          name: 'exception',
          timeUnixNano: '1700000000400000000',
          attributes: [{ key: 'exception.message', value: { stringValue: 'boom' } }],
        },
      ],
      links: [],
      status: { code: 2 },
    };
    const withoutException: OtlpSpan = { ...span, spanId: 'b7ad6b7169203332', events: [] };
    const request: ExportTraceServiceRequest = { resourceSpans: [{ scopeSpans: [{ spans: [span, withoutException] }] }] };
    const result = await forwardTrace(request, {
      name: 'Zipkin',
      protocol: 'zipkin',
      endpoint: `http://127.0.0.1:${zipkin.port}/api/v2/spans`,
    });
    ok(result.ok);
    const posted = JSON.parse(zipkin.requests[0].body.toString('utf8')) as {
      id: string;
      tags: Record<string, string>;
      localEndpoint: unknown;
    }[];
    deepStrictEqual(
      posted.map((zipkinSpan) => [zipkinSpan.id, zipkinSpan.tags.error, zipkinSpan.tags['otel.status_code']]),
      [
        ['b7ad6b7169203331', 'boom', 'ERROR'],
        ['b7ad6b7169203332', '', 'ERROR'],
      ],
    );
    // No service.name anywhere: the exporter's documented fallback.
    deepStrictEqual(posted[0].localEndpoint, { serviceName: 'OpenTelemetry Service' });
  });
});
