import type {
  ExportLogsServiceRequest,
  ExportMetricsServiceRequest,
  ExportTraceServiceRequest,
  PartialSuccess,
} from '../../../src/model/otlpTypes';
import type { IngestSink } from '../../../src/core/receiver/ingestSink';

/** An IngestSink that keeps every request it is handed, for tests to inspect. */
export class RecordingSink implements IngestSink {
  readonly traces: ExportTraceServiceRequest[] = [];
  readonly logs: ExportLogsServiceRequest[] = [];
  readonly metrics: ExportMetricsServiceRequest[] = [];
  /** Returned from every ingest call when set. */
  partial: PartialSuccess | undefined;
  /** Thrown from every ingest call when set. */
  failure: Error | undefined;

  ingestTraces(request: ExportTraceServiceRequest): PartialSuccess | undefined {
    if (this.failure) throw this.failure;
    this.traces.push(request);
    return this.partial;
  }

  ingestLogs(request: ExportLogsServiceRequest): PartialSuccess | undefined {
    if (this.failure) throw this.failure;
    this.logs.push(request);
    return this.partial;
  }

  ingestMetrics(request: ExportMetricsServiceRequest): PartialSuccess | undefined {
    if (this.failure) throw this.failure;
    this.metrics.push(request);
    return this.partial;
  }

  spanCount(): number {
    let count = 0;
    for (const request of this.traces) {
      for (const resourceSpans of request.resourceSpans) {
        for (const scopeSpans of resourceSpans.scopeSpans) count += scopeSpans.spans.length;
      }
    }
    return count;
  }
}
