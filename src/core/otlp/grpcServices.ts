import type { ServiceDefinition } from '@grpc/grpc-js';

export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
export const LOGS_EXPORT_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
export const METRICS_EXPORT_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';

/** Keeps a gRPC message as its bytes: OTLP is encoded and decoded by Loupe's own code, not grpc-js. */
export const passThrough = (bytes: Buffer): Buffer => bytes;

/** A unary OTLP `Export` method whose request and response stay raw bytes. */
export function rawExportService(path: string): ServiceDefinition {
  return {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: passThrough,
      requestDeserialize: passThrough,
      responseSerialize: passThrough,
      responseDeserialize: passThrough,
    },
  };
}
