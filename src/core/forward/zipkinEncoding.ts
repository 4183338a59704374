import { SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

type ZipkinSend = (zipkinSpans: ZipkinSpanJson[], done: (result: ExportResult) => void) => void;

/** The fields of a Zipkin v2 span this module touches; the encoder writes the rest. */
export interface ZipkinSpanJson {
  traceId: string;
  id: string;
  tags: Record<string, string>;
  [field: string]: unknown;
}

/**
 * Stored spans as Zipkin v2 JSON, written by the official `@opentelemetry/exporter-zipkin`.
 *
 * The exporter's own HTTP send has no timeout, no cancel, and drops the server's error text, so
 * its send step is replaced by one that hands the encoded spans back; `forwardTrace` posts them.
 * The exporter assigns that step in its constructor as `_send` (checked: a different exporter
 * version fails loudly here rather than sending on its own).
 */
export function zipkinSpansOf(spans: readonly ReadableSpan[]): ZipkinSpanJson[] {
  if (spans.length === 0) return [];
  // The URL is parsed but never contacted: the send step below replaces the exporter's.
  const exporter = new ZipkinExporter({ url: 'http://127.0.0.1/api/v2/spans' });
  const internals = exporter as unknown as { _send?: ZipkinSend };
  if (typeof internals._send !== 'function')
    throw new Error('This @opentelemetry/exporter-zipkin version has no send step to take the encoded spans from.');
  let encoded: ZipkinSpanJson[] | undefined;
  internals._send = (zipkinSpans, done) => {
    encoded = zipkinSpans;
    done({ code: ExportResultCode.SUCCESS });
  };
  exporter.export([...spans], () => undefined);
  void exporter.shutdown();
  if (!encoded) throw new Error('The Zipkin exporter did not encode the spans.');
  return encoded.map((zipkinSpan, index) => withErrorTag(withWholeTimestamp(zipkinSpan), spans[index]));
}

/**
 * Zipkin v2 timestamps are whole microseconds (a fraction fails Zipkin's JSON reader); the exporter
 * rounds durations and annotation times but writes the start as a fraction when it has nanoseconds.
 */
function withWholeTimestamp(zipkinSpan: ZipkinSpanJson): ZipkinSpanJson {
  return typeof zipkinSpan.timestamp === 'number' ? { ...zipkinSpan, timestamp: Math.round(zipkinSpan.timestamp) } : zipkinSpan;
}

/**
 * Zipkin marks a failed span by its `error` tag, which the exporter writes only when the status
 * has a message. A failed span without one gets the recorded exception's message, or "".
 */
function withErrorTag(zipkinSpan: ZipkinSpanJson, span: ReadableSpan): ZipkinSpanJson {
  if (span.status.code !== SpanStatusCode.ERROR || 'error' in zipkinSpan.tags) return zipkinSpan;
  const exception = span.events.find((event) => event.name === 'exception')?.attributes;
  const message = exception?.['exception.message'] ?? exception?.['exception.type'] ?? '';
  return { ...zipkinSpan, tags: { ...zipkinSpan.tags, error: String(message) } };
}
