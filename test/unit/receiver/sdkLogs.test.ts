import { deepStrictEqual, strictEqual } from 'node:assert';
import { context, SeverityNumber, trace, TraceFlags } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { receiversUnderTest, TRANSPORTS } from './sdkExportSetup';
import { logRecordsOf, stableJson } from './otlpCanonical';

const SPAN_CONTEXT = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };

describe('log records from the OpenTelemetry JS logs SDK arrive intact', () => {
  const { sink, exporterFor } = receiversUnderTest<LogRecordExporter>('logs', {
    grpc: GrpcLogExporter,
    'http/protobuf': ProtoLogExporter,
    'http/json': JsonLogExporter,
  });

  for (const transport of TRANSPORTS) {
    for (const gzip of [false, true]) {
      it(`over ${transport}${gzip ? ' with gzip' : ''}`, async () => {
        sink.logs.length = 0;
        const sent = new InMemoryLogRecordExporter();
        const provider = new LoggerProvider({
          resource: resourceFromAttributes({ 'service.name': 'agent-under-test' }),
          processors: [
            new SimpleLogRecordProcessor({ exporter: sent }),
            new SimpleLogRecordProcessor({ exporter: exporterFor(transport, gzip) }),
          ],
        });
        const logger = provider.getLogger('loupe-test-logs', '2.0.0');
        const spanContext = trace.setSpanContext(context.active(), SPAN_CONTEXT);
        logger.emit({
          eventName: 'gen_ai.choice',
          severityNumber: SeverityNumber.INFO,
          severityText: 'INFO',
          timestamp: [1_700_000_000, 5],
          context: spanContext,
          body: {
            index: 0,
            message: { role: 'assistant', content: 'Four.' },
            scores: [0.5, 1, 'x', true, [1, 2]],
            raw: new Uint8Array([0, 1, 254, 255]),
          },
          attributes: { 'gen_ai.system': 'openai', nested: { a: 1, b: ['c'] } },
        });
        logger.emit({ body: 'a plain line without trace context', severityNumber: SeverityNumber.WARN, timestamp: [1_700_000_001, 0] });
        await provider.forceFlush();
        const serialized = JsonLogsSerializer.serializeRequest(sent.getFinishedLogRecords());
        await provider.shutdown();

        // Each record is its own export call, so they may arrive in either order.
        const byContent = (records: unknown[]) => records.map(stableJson).sort();
        const expected = byContent(logRecordsOf([JSON.parse(new TextDecoder().decode(serialized))]));
        const received = byContent(logRecordsOf(sink.logs));
        strictEqual(received.length, 2);
        deepStrictEqual(received, expected);
        const linked = sink.logs
          .flatMap((r) => r.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)))
          .find((record) => record.eventName === 'gen_ai.choice');
        strictEqual(linked?.traceId, SPAN_CONTEXT.traceId);
        strictEqual(linked?.spanId, SPAN_CONTEXT.spanId);
      });
    }
  }
});
