import { deepStrictEqual, match, ok, strictEqual } from 'node:assert';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { OtlpDecodeError } from '../../../src/core/otlp/decodeError';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { decodeMetricsRequest } from '../../../src/core/otlp/decode';
import { METRICS_EXPORT_PATH } from '../../../src/core/otlp/grpcServices';
import { GrpcReceiver } from '../../../src/core/receiver/grpcReceiver';
import { HttpServer } from '../../../src/core/host/httpListener';
import { RawGrpcClient } from '../../hardening/otlpWire';
import { send } from './httpClient';

const JSON_TYPE = { 'Content-Type': 'application/json' };
const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };

/** A request with one sum of two points: one carries a value, the other none (which OTLP cannot use). */
const ONE_VALUE_ONE_EMPTY = JSON.stringify({
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gemini-cli' } }] },
      scopeMetrics: [
        {
          scope: { name: 'gemini-cli' },
          metrics: [
            {
              name: 'gemini_cli.token.usage',
              sum: {
                aggregationTemporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
                isMonotonic: true,
                dataPoints: [
                  {
                    attributes: [
                      { key: 'session.id', value: { stringValue: 's-9' } },
                      { key: 'type', value: { stringValue: 'input' } },
                    ],
                    timeUnixNano: '1765000000000000000',
                    asInt: '1500',
                  },
                  { attributes: [], timeUnixNano: '1765000000000000000' },
                ],
              },
            },
          ],
        },
      ],
    },
  ],
});

/** A length-delimited protobuf field. */
function field(number: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(number << 3) | 2, bytes.length]), bytes]);
}
const TIME = Buffer.from([0x19, ...Buffer.from('0000a0f1d2e07e18', 'hex')]);
const AS_DOUBLE_2_5 = Buffer.alloc(9);
AS_DOUBLE_2_5[0] = 0x21;
AS_DOUBLE_2_5.writeDoubleLE(2.5, 1);
/** A gauge `m` with a point of value 2.5 and a point with no value. */
const ONE_VALUE_ONE_EMPTY_PROTOBUF = field(
  1,
  field(
    2,
    field(
      2,
      Buffer.concat([
        field(1, Buffer.from('m')),
        field(5, Buffer.concat([field(1, Buffer.concat([TIME, AS_DOUBLE_2_5])), field(1, TIME)])),
      ]),
    ),
  ),
);

/** Metric.name (field 1, a string) sent as a varint, inside resource_metrics › scope_metrics › metrics. */
const NAME_AS_VARINT = Buffer.from([0x0a, 6, 0x12, 4, 0x12, 2, 0x08, 0x05]);

describe('OTLP metrics endpoints', () => {
  let engine: TraceEngine;
  let http: HttpServer;
  let grpc: GrpcReceiver;
  let httpPort = 0;
  let client: RawGrpcClient;

  before(async () => {
    engine = await TraceEngine.open({ changeDelayMs: 0 });
    http = new HttpServer({ sink: engine, port: 0 });
    grpc = new GrpcReceiver({ sink: engine, port: 0 });
    httpPort = await http.start();
    client = new RawGrpcClient(await grpc.start());
  });
  after(async () => {
    client.close();
    await grpc.stop();
    await http.stop();
    await engine.close();
  });
  beforeEach(() => engine.clear());

  const post = (headers: Record<string, string>, body: Buffer | string) =>
    send({ port: httpPort, method: 'POST', path: '/v1/metrics', headers, body });

  it('keeps the points with a value and reports the rest through partial_success, in JSON and gzip', async () => {
    const reply = await post({ ...JSON_TYPE, 'Content-Encoding': 'gzip' }, gzipSync(ONE_VALUE_ONE_EMPTY));
    strictEqual(reply.status, 200);
    deepStrictEqual(JSON.parse(reply.text), {
      partialSuccess: { rejectedDataPoints: '1', errorMessage: '1 data points carried no value' },
    });
    strictEqual(engine.metrics.pointCount, 1);
    strictEqual(engine.metrics.usage('s-9')?.tokens.input, 1500);
    strictEqual((await engine.stats()).metricPoints, 1);
    strictEqual((await engine.stats()).traces, 0, 'metrics never make a trace');
  });

  it('answers the same partial success in protobuf over gRPC', async () => {
    const { error, response } = await client.call(METRICS_EXPORT_PATH, ONE_VALUE_ONE_EMPTY_PROTOBUF);
    strictEqual(error, null);
    const answer = ProtobufMetricsSerializer.deserializeResponse(response!) as { partialSuccess?: { rejectedDataPoints?: unknown } };
    strictEqual(Number(answer.partialSuccess?.rejectedDataPoints), 1);
    strictEqual(engine.metrics.pointCount, 1);
    const empty = await client.call(METRICS_EXPORT_PATH, Buffer.alloc(0));
    strictEqual(empty.error, null);
    strictEqual(empty.response?.length, 0, 'a clean request answers an empty response');
  });

  it('answers malformed protobuf, a wrong wire type and malformed JSON with 400, and keeps serving', async () => {
    const truncated = await post(PROTOBUF, Buffer.from([0x0a, 0x20, 0x12]));
    strictEqual(truncated.status, 400);
    const wrongType = await post(PROTOBUF, NAME_AS_VARINT);
    strictEqual(wrongType.status, 400);
    const badJson = await post(JSON_TYPE, '{"resourceMetrics": [ {"scopeMetrics": 7} ]}');
    strictEqual(badJson.status, 400);
    match(JSON.parse(badJson.text).message, /resourceMetrics\[0\]\.scopeMetrics: expected an array/);
    const nested = await post(
      JSON_TYPE,
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","sum":{"dataPoints":[{"asDouble":"lots"}]}}]}]}]}',
    );
    strictEqual(nested.status, 400);
    match(JSON.parse(nested.text).message, /dataPoints\[0\]\.asDouble: expected a number/);
    const fine = await post(JSON_TYPE, ONE_VALUE_ONE_EMPTY);
    strictEqual(fine.status, 200);
  });

  it('answers undecodable gRPC metrics with INVALID_ARGUMENT and keeps serving', async () => {
    const { error } = await client.call(METRICS_EXPORT_PATH, NAME_AS_VARINT);
    strictEqual(error?.code, GrpcStatus.INVALID_ARGUMENT);
    match(error.details, /Metric\.name \(field 1\) has unexpected wire type varint/);
    const again = await client.call(METRICS_EXPORT_PATH, Buffer.alloc(0));
    strictEqual(again.error, null);
  });

  it('keeps a bounded number of recent points', async () => {
    const small = await TraceEngine.open({ metrics: { maxPoints: 3 } });
    for (let i = 0; i < 5; i++)
      small.ingestMetrics(decodeMetricsRequest(Buffer.from(ONE_VALUE_ONE_EMPTY.replace('1500', String(i))), 'json'));
    strictEqual(small.metrics.pointCount, 3);
    strictEqual(small.metrics.receivedCount, 5);
    deepStrictEqual(
      small.metrics.recent().map((p) => p.value),
      [2, 3, 4],
    );
    await small.close();
  });
});

describe('metrics decoding of damaged recordings', () => {
  it('throws only decode errors for truncated and bit-flipped real metric bodies', () => {
    const bodies: [Buffer, 'protobuf' | 'json'][] = [
      [gunzipSync(readFileSync('test/fixtures/agents/codex/tool-roundtrip/otlp/0003-metrics.pb.gz')), 'protobuf'],
      [gunzipSync(readFileSync('test/fixtures/agents/copilot-cli/tool-roundtrip/otlp/0001-metrics.json.gz')), 'json'],
    ];
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    for (const [body, format] of bodies) {
      strictEqual(decodeMetricsRequest(body, format).resourceMetrics.length > 0, true);
      for (let round = 0; round < 150; round++) {
        const damaged = Buffer.from(body.subarray(0, round % 2 ? random(body.length) : body.length));
        for (let flips = 0; flips < 3 && damaged.length > 0; flips++) damaged[random(damaged.length)] ^= 1 << random(8);
        try {
          decodeMetricsRequest(damaged, format);
        } catch (error) {
          ok(error instanceof OtlpDecodeError, `round ${round}: ${String(error)}`);
        }
      }
    }
  });
});
