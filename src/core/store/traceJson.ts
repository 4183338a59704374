import type { StoredTrace } from '../../model/storedTrace';
import { encodeUtf8 } from './storeFiles';

/** Spans serialized per turn of the event loop (a few milliseconds of work). */
export const SPANS_PER_SLICE = 2_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A trace file's bytes: the trace as JSON. A large trace is serialized a slice of spans per turn,
 * so the engine keeps answering queries while a 100,000-span trace is written (one `stringify`
 * of it holds the thread for a third of a second). Spans that arrive meanwhile are left for the
 * next write; resources, scopes and logs are read last, so every index a written span holds is
 * in them (they only grow).
 */
export async function traceJsonBytes(trace: StoredTrace): Promise<Buffer> {
  const count = trace.spans.length;
  if (count <= SPANS_PER_SLICE) return encodeUtf8(JSON.stringify(trace));
  const slices: string[] = [];
  for (let at = 0; at < count; at += SPANS_PER_SLICE) {
    // Each slice as an array's inside: "[a,b]" without its brackets.
    slices.push(JSON.stringify(trace.spans.slice(at, Math.min(count, at + SPANS_PER_SLICE))).slice(1, -1));
    await nextTurn();
  }
  const { spans: _written, ...rest } = trace;
  // `spans` last, so the text ends in `"spans":[]}` and the slices go between those brackets.
  const shell = JSON.stringify({ ...rest, spans: [] });
  return encodeUtf8(`${shell.slice(0, -2)}${slices.join(',')}]}`);
}
