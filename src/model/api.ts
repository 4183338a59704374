import type { Breakdown, Health, Span, StoreStats, TraceChange, TraceDetail, TraceQuery, TraceSummary, WaterfallRow } from './traceTypes';
import type { ExportTraceServiceRequest } from './otlpTypes';

export interface Unsubscribe {
  (): void;
}

/**
 * Everything a viewer can ask of a Loupe engine. One interface, several transports: in process
 * (tests, the REST API inside the engine thread), the engine thread seen from outside (the VS Code
 * extension and `loupe serve`), and HTTP + SSE (the browser UI, or a second VS Code window joining the first).
 */
export interface LoupeApi {
  health(): Promise<Health>;
  stats(): Promise<StoreStats>;
  listTraces(query?: TraceQuery): Promise<TraceSummary[]>;
  /** undefined when the trace is unknown (never stored, evicted or deleted). */
  getTrace(traceId: string): Promise<TraceDetail | undefined>;
  /** One span with its messages and roll-up, without building the detail of the whole trace. */
  span(traceId: string, spanId: string): Promise<Span | undefined>;
  waterfall(traceId: string): Promise<WaterfallRow[] | undefined>;
  /**
   * The same rows as `WaterfallColumns` JSON text (see waterfallColumns.ts), built once per trace
   * version. What viewers use: one string crosses threads and sockets far faster than 100,000 objects.
   */
  waterfallColumns(traceId: string): Promise<string | undefined>;
  breakdown(traceId: string): Promise<Breakdown | undefined>;
  /** The same breakdown across every stored trace. */
  overallBreakdown(): Promise<Breakdown>;
  exportOtlp(traceId: string): Promise<ExportTraceServiceRequest | undefined>;
  /** Adds the spans of an OTLP/JSON export request (an imported capture). Returns the trace ids touched. */
  importOtlp(request: ExportTraceServiceRequest): Promise<string[]>;
  deleteTrace(traceId: string): Promise<boolean>;
  clear(): Promise<void>;
  /** Coalesced change notifications; the listener is never called synchronously from ingest. */
  subscribe(listener: (change: TraceChange) => void): Unsubscribe;
}
