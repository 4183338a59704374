import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import type { ExportTraceServiceRequest } from '../../../src/model/otlpTypes';
import { forwardTrace } from '../../../src/core/forward/forwardTrace';
import { decodeWithProtobufjs } from '../otlp/protobufjsCodec';
import { otlpType } from '../otlp/protobufjsOtlpSchema';
import { spansById } from '../receiver/otlpCanonical';
import { forwardedForm } from './forwardedForm';
import { SDK_SPAN_COUNT, sdkTraceRequest } from './sdkTrace';
import { startGrpcCapture, startHttpCapture, type GrpcCapture, type HttpCapture } from './testServers';

/**
 * No maintained npm package receives OTLP (the OpenTelemetry JS packages only send; the contrib
 * test collector takes OTLP/JSON only), so the independent receivers here are a plain grpc-js
 * server and a plain node:http server whose requests are decoded with protobufjs, from a schema
 * built in test code: nothing of Loupe's receivers or decoder is involved.
 */
describe('forwarding to an independent OTLP receiver (grpc-js / node:http + protobufjs)', () => {
  let original: ExportTraceServiceRequest;
  let grpc: GrpcCapture;
  let http: HttpCapture;
  let httpAnswer: Buffer = Buffer.alloc(0);
  const savedEnvHeaders = process.env.OTEL_EXPORTER_OTLP_HEADERS;

  before(async () => {
    original = await sdkTraceRequest();
    grpc = await startGrpcCapture();
    http = await startHttpCapture((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/x-protobuf' });
      response.end(httpAnswer);
    });
    // Credentials meant for another backend must never travel with a forward.
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-leaked=secret-from-environment';
  });

  after(async () => {
    if (savedEnvHeaders === undefined) delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
    else process.env.OTEL_EXPORTER_OTLP_HEADERS = savedEnvHeaders;
    await grpc.close();
    await http.close();
  });

  beforeEach(() => {
    grpc.calls.length = 0;
    http.requests.length = 0;
    httpAnswer = Buffer.alloc(0);
  });

  it('over gRPC: TraceService/Export with the target metadata, decoding to the original', async () => {
    const result = await forwardTrace(original, {
      name: 'independent gRPC',
      protocol: 'otlp-grpc',
      endpoint: `http://127.0.0.1:${grpc.port}`,
      headers: { 'X-Api-Key': 'k-123' },
    });
    deepStrictEqual(result, { ok: true, spanCount: SDK_SPAN_COUNT });
    strictEqual(grpc.calls.length, 1);
    deepStrictEqual(grpc.calls[0].metadata.get('x-api-key'), ['k-123']);
    deepStrictEqual(grpc.calls[0].metadata.get('x-leaked'), []);
    const received = decodeWithProtobufjs('ExportTraceServiceRequest', grpc.calls[0].request);
    deepStrictEqual(spansById([received]), spansById([forwardedForm(original)]));
    deepStrictEqual(spansById([received]), spansById([original]), 'SDK spans need none of the documented changes');
  });

  it('over HTTP: protobuf POSTed to /v1/traces under the base URL, decoding to the original', async () => {
    const result = await forwardTrace(original, {
      name: 'independent HTTP',
      protocol: 'otlp-http',
      endpoint: `http://127.0.0.1:${http.port}/otlp/`,
      headers: { Authorization: 'Bearer t0k3n', 'content-type': 'text/plain', 'Content-Length': '1' },
    });
    ok(result.ok, JSON.stringify(result));
    strictEqual(http.requests.length, 1);
    const [request] = http.requests;
    strictEqual(request.method, 'POST');
    strictEqual(request.url, '/otlp/v1/traces');
    strictEqual(request.headers['content-type'], 'application/x-protobuf', 'framing headers of the target cannot override the body');
    strictEqual(request.headers.authorization, 'Bearer t0k3n');
    strictEqual(request.headers['x-leaked'], undefined);
    strictEqual(Number(request.headers['content-length']), request.body.length);
    const received = decodeWithProtobufjs('ExportTraceServiceRequest', request.body);
    deepStrictEqual(spansById([received]), spansById([original]));
  });

  it('over HTTP: a full /v1/traces URL is used as it is', async () => {
    const result = await forwardTrace(original, {
      name: 'full URL',
      protocol: 'otlp-http',
      endpoint: `http://127.0.0.1:${http.port}/v1/traces`,
    });
    ok(result.ok);
    strictEqual(http.requests[0].url, '/v1/traces');
  });

  it('reports spans the receiver refused in a partial success', async () => {
    const response = otlpType('ExportTraceServiceResponse');
    httpAnswer = Buffer.from(
      response.encode(response.fromObject({ partialSuccess: { rejectedSpans: 2, errorMessage: 'spans older than 7 days' } })).finish(),
    );
    const result = await forwardTrace(original, { name: 'picky', protocol: 'otlp-http', endpoint: `http://127.0.0.1:${http.port}` });
    deepStrictEqual(result, { ok: true, spanCount: SDK_SPAN_COUNT, rejectedSpans: 2, targetMessage: 'spans older than 7 days' });

    httpAnswer = Buffer.from(
      response.encode(response.fromObject({ partialSuccess: { rejectedSpans: SDK_SPAN_COUNT, errorMessage: 'quota exceeded' } })).finish(),
    );
    const refused = await forwardTrace(original, { name: 'picky', protocol: 'otlp-http', endpoint: `http://127.0.0.1:${http.port}` });
    ok(!refused.ok);
    strictEqual(refused.error.kind, 'rejected');
    strictEqual(refused.error.message, `"picky" (http://127.0.0.1:${http.port}) refused all ${SDK_SPAN_COUNT} spans: quota exceeded`);
  });
});
