import type {
  ExportLogsServiceRequest,
  ExportMetricsServiceRequest,
  ExportTraceServiceRequest,
  PartialSuccess,
} from '../../model/otlpTypes';

/**
 * Where receivers hand decoded OTLP requests. Receivers only decode and answer the sender;
 * what happens to the data (assembly, storage) is the sink's business.
 *
 * A returned `PartialSuccess` is reported back to the sender; `undefined` means all accepted.
 * A throw is answered as an internal error and never takes the receiver down.
 */
export interface IngestSink {
  ingestTraces(request: ExportTraceServiceRequest): PartialSuccess | undefined;
  ingestLogs(request: ExportLogsServiceRequest): PartialSuccess | undefined;
  ingestMetrics(request: ExportMetricsServiceRequest): PartialSuccess | undefined;
}
