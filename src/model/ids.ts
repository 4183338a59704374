/**
 * Trace and span ids. Stored ids are lower-case hex, as the decoders write them; ids typed by a
 * person or sent by another client may be upper-case and are normalized on the way in.
 */
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

export const ZERO_TRACE_ID = '0'.repeat(32);
export const ZERO_SPAN_ID = '0'.repeat(16);

/** A trace id in stored form: 32 lower-case hexadecimal characters. */
export function isTraceId(id: unknown): id is string {
  return typeof id === 'string' && TRACE_ID.test(id);
}

/** A span id in stored form: 16 lower-case hexadecimal characters. */
export function isSpanId(id: unknown): id is string {
  return typeof id === 'string' && SPAN_ID.test(id);
}

/** A trace id from outside, in either case, in stored form; undefined when it is not one. */
export function parseTraceId(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const id = text.toLowerCase();
  return TRACE_ID.test(id) ? id : undefined;
}

/** A span id from outside, in either case, in stored form; undefined when it is not one. */
export function parseSpanId(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const id = text.toLowerCase();
  return SPAN_ID.test(id) ? id : undefined;
}
