import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporalityPreference, OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import type { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { OtlpMetric } from '../../../src/model/otlpTypes';
import { attributesToObject } from '../../../src/core/otlp/values';
import { MetricStore } from '../../../src/core/engine/metricStore';
import { receiversUnderTest, TRANSPORTS, type ExporterClasses } from './sdkExportSetup';

type Config = { url: string; compression: CompressionAlgorithm };

/** The exporters of one aggregation temporality (delta is what Claude Code and Codex send). */
function exporterClasses(temporality: AggregationTemporalityPreference): ExporterClasses<PushMetricExporter> {
  return {
    grpc: class extends GrpcMetricExporter {
      constructor(config: Config) {
        super({ ...config, temporalityPreference: temporality });
      }
    },
    'http/protobuf': class extends ProtoMetricExporter {
      constructor(config: Config) {
        super({ ...config, temporalityPreference: temporality });
      }
    },
    'http/json': class extends JsonMetricExporter {
      constructor(config: Config) {
        super({ ...config, temporalityPreference: temporality });
      }
    },
  };
}

for (const [label, temporality, otlpTemporality] of [
  ['cumulative', AggregationTemporalityPreference.CUMULATIVE, 2],
  ['delta', AggregationTemporalityPreference.DELTA, 1],
] as const) {
  describe(`metrics from the OpenTelemetry JS metrics SDK arrive intact (${label})`, () => {
    const { sink, exporterFor } = receiversUnderTest<PushMetricExporter>('metrics', exporterClasses(temporality));

    for (const transport of TRANSPORTS) {
      for (const gzip of [false, true]) {
        it(`over ${transport}${gzip ? ' with gzip' : ''}`, async () => {
          sink.metrics.length = 0;
          const provider = new MeterProvider({
            resource: resourceFromAttributes({ 'service.name': 'agent-under-test', 'session.id': 'session-1' }),
            readers: [new PeriodicExportingMetricReader({ exporter: exporterFor(transport, gzip), exportIntervalMillis: 3_600_000 })],
          });
          const meter = provider.getMeter('loupe-test-metrics', '3.0.0');
          const tokens = meter.createCounter('claude_code.token.usage', { unit: 'tokens' });
          tokens.add(1200, { type: 'input', model: 'claude-opus-5-5' });
          tokens.add(800, { type: 'cacheRead', model: 'claude-opus-5-5' });
          tokens.add(100, { type: 'cacheCreation', model: 'claude-opus-5-5' });
          tokens.add(35, { type: 'output', model: 'claude-opus-5-5' });
          meter.createCounter('claude_code.cost.usage', { unit: 'USD' }).add(0.0125);
          const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
          duration.record(0.25, { 'gen_ai.operation.name': 'chat' });
          duration.record(0.75, { 'gen_ai.operation.name': 'chat' });
          meter.createGauge('queue.depth').record(3);
          meter.createUpDownCounter('active.sessions', { valueType: 1 /* INT */ }).add(-2);
          await provider.forceFlush();
          await provider.shutdown();

          const metrics = new Map<string, OtlpMetric>();
          for (const request of sink.metrics) {
            for (const rm of request.resourceMetrics) {
              strictEqual(attributesToObject(rm.resource?.attributes)['service.name'], 'agent-under-test');
              for (const sm of rm.scopeMetrics) {
                strictEqual(sm.scope?.name, 'loupe-test-metrics');
                strictEqual(sm.scope?.version, '3.0.0');
                for (const m of sm.metrics) metrics.set(m.name, m);
              }
            }
          }
          const token = metrics.get('claude_code.token.usage');
          strictEqual(token?.type, 'sum');
          strictEqual(token?.temporality, otlpTemporality);
          strictEqual(token?.isMonotonic, true);
          strictEqual(token?.unit, 'tokens');
          const byType = Object.fromEntries(token.points.map((p) => [attributesToObject(p.attributes).type, p.value]));
          deepStrictEqual(byType, { input: 1200, cacheRead: 800, cacheCreation: 100, output: 35 });
          strictEqual(metrics.get('claude_code.cost.usage')?.points[0].value, 0.0125);
          const histogram = metrics.get('gen_ai.client.operation.duration');
          strictEqual(histogram?.type, 'histogram');
          const point = histogram.points[0];
          deepStrictEqual([point.count, point.sum, point.min, point.max], [2, 1, 0.25, 0.75]);
          deepStrictEqual(attributesToObject(point.attributes), { 'gen_ai.operation.name': 'chat' });
          ok(Number(point.timeUnixNano) > 1.6e18, 'point time in nanoseconds');
          strictEqual(metrics.get('queue.depth')?.type, 'gauge');
          strictEqual(metrics.get('queue.depth')?.points[0].value, 3);
          strictEqual(metrics.get('active.sessions')?.points[0].value, -2);
          strictEqual(metrics.get('active.sessions')?.isMonotonic, undefined);

          // The same requests folded as the engine folds them: Claude Code's input excludes the cache.
          const store = new MetricStore();
          for (const request of sink.metrics) strictEqual(store.add(request), undefined);
          const usage = store.usage('session-1');
          strictEqual(usage?.family, 'claude_code');
          deepStrictEqual(usage.tokens, { input: 2100, output: 35, cacheRead: 800, cacheWrite: 100, reasoning: 0, total: 2135 });
          strictEqual(usage.costUsd, 0.0125);
          strictEqual(usage.service, 'agent-under-test');
        });
      }
    }
  });
}
