import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { forwardTrace } from '../../../src/core/forward/forwardTrace';
import type { ForwardTarget } from '../../../src/model/forwardTarget';
import { decodeTraceRequest } from '../../../src/core/otlp/decode';
import type { ExportTraceServiceRequest, OtlpSpan } from '../../../src/model/otlpTypes';
import { GrpcReceiver } from '../../../src/core/receiver/grpcReceiver';
import { HttpServer } from '../../../src/core/host/httpListener';
import { spansById } from '../receiver/otlpCanonical';
import { REMOTE_PARENT } from '../receiver/sampleSpans';
import { forwardedForm } from './forwardedForm';
import { SDK_SPAN_COUNT, SDK_TRACE_ID, sdkTraceRequest } from './sdkTrace';

const FIXTURE = join(__dirname, '../../fixtures/otlp/b-openinference-openai.otlp.json');

function allSpans(request: ExportTraceServiceRequest): OtlpSpan[] {
  return request.resourceSpans.flatMap((group) => group.scopeSpans.flatMap((scope) => scope.spans));
}

/**
 * A stored trace forwarded from one Loupe to a second Loupe's receivers and stored there: what
 * the second one exports must equal what the first one exported, field by field.
 */
describe('forwarding a stored trace to a second Loupe', () => {
  let source: TraceEngine;
  let destination: TraceEngine;
  const receivers: { grpc?: GrpcReceiver; http?: HttpServer } = {};
  const targets: Record<'otlp-grpc' | 'otlp-http', ForwardTarget> = {} as never;
  let sdkExport: ExportTraceServiceRequest;
  let sdkOriginal: ExportTraceServiceRequest;

  before(async () => {
    source = await TraceEngine.open({ changeDelayMs: 5 });
    destination = await TraceEngine.open({ changeDelayMs: 5 });
    receivers.grpc = new GrpcReceiver({ sink: destination, port: 0 });
    receivers.http = new HttpServer({ sink: destination, port: 0 });
    const grpcPort = await receivers.grpc.start();
    const httpPort = await receivers.http.start();
    targets['otlp-grpc'] = { name: 'second Loupe (gRPC)', protocol: 'otlp-grpc', endpoint: `http://127.0.0.1:${grpcPort}` };
    targets['otlp-http'] = {
      name: 'second Loupe (HTTP)',
      protocol: 'otlp-http',
      endpoint: `http://127.0.0.1:${httpPort}`,
      uiUrl: `http://127.0.0.1:${httpPort}/#/trace/{traceId}`,
    };

    sdkOriginal = await sdkTraceRequest();
    source.ingestTraces(sdkOriginal);
    const exported = await source.exportOtlp(SDK_TRACE_ID);
    ok(exported, 'the source engine stored the SDK trace');
    sdkExport = exported;
  });

  after(async () => {
    await receivers.grpc?.stop();
    await receivers.http?.stop();
    await source.close();
    await destination.close();
  });

  beforeEach(async () => destination.clear());

  for (const protocol of ['otlp-grpc', 'otlp-http'] as const) {
    it(`over ${protocol}: every span arrives with every field intact`, async () => {
      const copy = structuredClone(sdkExport);
      const result = await forwardTrace(sdkExport, targets[protocol]);
      deepStrictEqual(result.ok && { spanCount: result.spanCount }, { spanCount: SDK_SPAN_COUNT });
      deepStrictEqual(sdkExport, copy, 'the forwarded request is not changed');

      const received = await destination.exportOtlp(SDK_TRACE_ID);
      ok(received, 'the second Loupe stored the trace');
      deepStrictEqual(spansById([received]), spansById([sdkExport]));
      // The SDK's own encoding of the same spans, before either Loupe touched them, schema URLs included.
      deepStrictEqual(spansById([received]), spansById([sdkOriginal]));

      // The comparison above covers these; spelled out, they show what "intact" means.
      const byName = new Map(allSpans(received).map((span) => [span.name, span]));
      const root = byName.get('invoke_agent planner');
      strictEqual(root?.parentSpanId, REMOTE_PARENT.spanId);
      strictEqual(root?.kind, 2);
      strictEqual(root?.startTimeUnixNano, '1700000000123456789');
      strictEqual(root?.endTimeUnixNano, '1700000001987654321');
      strictEqual(root?.traceState, 'vendor=abc,other=1');
      strictEqual(root?.flags, 0x301, 'sampled, with a remote parent');
      const tool = byName.get('execute_tool calculator');
      deepStrictEqual(tool?.status, { code: 2, message: 'tool failed: division by zero' });
      strictEqual(tool?.events[0].name, 'exception');
      strictEqual(tool?.parentSpanId, root?.spanId);
      const llm = byName.get('chat gpt-4o');
      strictEqual(llm?.links.length, 2);
      strictEqual(llm?.links[0].traceState, 'k=v');
      strictEqual(llm?.events[0].timeUnixNano, '1700000000210000001');
      ok((byName.get('dequeue')?.droppedAttributesCount ?? 0) > 0);
      const structured = byName.get('retrieve documents');
      const value = (key: string) => structured?.attributes.find((attribute) => attribute.key === key)?.value;
      deepStrictEqual(value('a.bytes'), { bytesValue: Buffer.from([0, 1, 2, 253, 254, 255]).toString('base64') });
      deepStrictEqual(value('a.mixed'), {
        arrayValue: { values: [{ intValue: '1' }, { stringValue: 'two' }, { boolValue: true }, { doubleValue: 2.5 }] },
      });
      strictEqual(value('a.map')?.kvlistValue?.values.length, 4);
      deepStrictEqual(value('a.null'), {});
      strictEqual(value('a.negative_big')?.intValue, '-9007199254740991');

      const resource = received.resourceSpans[0];
      strictEqual(
        resource.resource?.attributes.find((attribute) => attribute.key === 'service.name')?.value.stringValue,
        'agent-under-test',
      );
      deepStrictEqual(resource.scopeSpans[0].scope, { name: 'loupe-test', version: '1.2.3' });
    });
  }

  it('a capture from a real instrumentation arrives with only the documented changes', async () => {
    const capture = decodeTraceRequest(readFileSync(FIXTURE), 'json');
    source.ingestTraces(capture);
    const traceId = allSpans(capture)[0].traceId;
    const exported = await source.exportOtlp(traceId);
    ok(exported);
    for (const protocol of ['otlp-grpc', 'otlp-http'] as const) {
      await destination.clear();
      const result = await forwardTrace(exported, targets[protocol]);
      ok(result.ok, JSON.stringify(result));
      const received = await destination.exportOtlp(traceId);
      ok(received);
      deepStrictEqual(spansById([received]), spansById([forwardedForm(exported)]), protocol);
    }
  });

  it('links to the trace in the target UI', async () => {
    const result = await forwardTrace(sdkExport, targets['otlp-http']);
    ok(result.ok);
    strictEqual(result.traceUrl, `${targets['otlp-http'].endpoint}/#/trace/${SDK_TRACE_ID}`);
  });
});
