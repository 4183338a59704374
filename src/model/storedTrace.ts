import type { InstrumentationScope, OtlpLogRecord, OtlpSpan, Resource } from './otlpTypes';

/** A resource as kept, with the schema URL of the OTLP group it came in. */
export type StoredResource = Resource & { schemaUrl?: string };

/** An instrumentation scope as kept, with the schema URL of the OTLP group it came in. */
export type StoredScope = InstrumentationScope & { schemaUrl?: string };

/** A span as kept: the decoded OTLP span plus indexes into its trace's resources and scopes. */
export interface StoredSpan extends OtlpSpan {
  resourceIndex: number;
  scopeIndex: number;
}

/** A log record that carries this trace's id; `spanId` links it to its span (which may arrive later). */
export interface StoredLog extends OtlpLogRecord {
  resourceIndex: number;
  scopeIndex: number;
}

/**
 * One trace as persisted: everything needed to rebuild every view and to export it again as OTLP.
 * Derived data (GenAI facts, summaries, roll-ups) is never stored; it is recomputed on load so
 * improvements in understanding apply to traces stored earlier.
 */
export interface StoredTrace {
  traceId: string;
  /** Increases with every new trace; orders the ring buffer across restarts. */
  seq: number;
  /** Unix ms when Loupe first saw this trace. */
  receivedAt: number;
  /** Unix ms when Loupe last added to this trace. */
  updatedAt: number;
  /** Distinct resources and scopes of this trace; spans and logs point into these. */
  resources: StoredResource[];
  scopes: StoredScope[];
  spans: StoredSpan[];
  logs: StoredLog[];
  /** Spans refused because the trace hit the per-trace span limit. */
  droppedSpans: number;
}
