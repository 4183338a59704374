import type { StoredTrace } from '../../model/storedTrace';
import { encodeUtf8 } from './storeFiles';
import { PrefixEncoder } from './contentCodec';

/** Spans serialized per turn of the event loop (a few milliseconds of work). */
export const SPANS_PER_SLICE = 2_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A trace file's bytes: the trace as JSON. A large trace is serialized a slice of spans per turn,
 * so the engine keeps answering queries while a 100,000-span trace is written (one `stringify`
 * of it holds the thread for a third of a second). Spans that arrive meanwhile are left for the
 * next write; resources, scopes and logs are read last, so every index a written span holds is
 * in them (they only grow).
 *
 * Content values are written as references (`ContentValue.toJSON`); each span's are encoded,
 * against spans written before it in this same file, just before that span is serialized.
 */
export async function traceJsonBytes(trace: StoredTrace): Promise<Buffer> {
  const count = trace.spans.length;
  const encoder = new PrefixEncoder();
  if (count <= SPANS_PER_SLICE) {
    for (const span of trace.spans) encoder.encodeSpan(span);
    return encodeUtf8(JSON.stringify(trace));
  }
  const slices: string[] = [];
  for (let at = 0; at < count; at += SPANS_PER_SLICE) {
    const slice = trace.spans.slice(at, Math.min(count, at + SPANS_PER_SLICE));
    for (const span of slice) encoder.encodeSpan(span);
    // Each slice as an array's inside: "[a,b]" without its brackets.
    slices.push(JSON.stringify(slice).slice(1, -1));
    await nextTurn();
  }
  const { spans: _written, ...rest } = trace;
  // `spans` last, so the text ends in `"spans":[]}` and the slices go between those brackets.
  const shell = JSON.stringify({ ...rest, spans: [] });
  return encodeUtf8(`${shell.slice(0, -2)}${slices.join(',')}]}`);
}
