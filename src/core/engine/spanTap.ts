import type { InstrumentationScope, OtlpSpan, Resource } from '../../model/otlpTypes';

/** The resource and scope spans arrived with (after redaction), one object per group of a request. */
export interface SpanOrigin {
  resource: Resource | undefined;
  resourceSchemaUrl?: string;
  scope: InstrumentationScope | undefined;
  scopeSchemaUrl?: string;
}

/**
 * Told about each span received from a sender as it is stored: its redacted, size-limited form,
 * before the store turns it into its own (a copy the tap may keep). Must return at once: it runs
 * inside ingest. Spans resent with an id the trace already holds, imported files and spans over
 * the per-trace limit are not passed on.
 */
export type SpanTap = (span: OtlpSpan, origin: SpanOrigin) => void;
