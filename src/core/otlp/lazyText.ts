import type { AnyValue, KeyValue, OtlpSpan } from '../../model/otlpTypes';

/**
 * Span attribute strings at least this long are decoded when read, not when the request is
 * decoded. A coding agent resends its whole conversation on every model call, so one long turn is
 * a request of hundreds of MB made of such values; decoded up front they would be held twice more
 * (JavaScript strings take two bytes per character once any is beyond Latin-1) before the engine
 * stores the first of them. Read one span at a time, only that span's text is held beside the body.
 */
export const LAZY_TEXT_BYTES = 64 * 1024;

const SOURCE = Symbol('lazyText');

interface Source {
  bytes: Buffer;
  start: number;
  end: number;
}

type LazyValue = AnyValue & { [SOURCE]: Source };

/**
 * The last few texts read, each with a weak reference to its value: a span's value is read by
 * several steps in a row (masking, understanding, storing) and should be decoded once, but a
 * cached text must not keep the request body alive after its spans are stored.
 */
const recent: { from: WeakRef<object>; text: string }[] = [];
const RECENT = 4;

function read(value: LazyValue): string {
  for (const entry of recent) if (entry.from.deref() === value) return entry.text;
  const { bytes, start, end } = value[SOURCE];
  // Node's UTF-8 decoder turns invalid sequences into U+FFFD, as for every other string field.
  const text = bytes.toString('utf8', start, end);
  if (recent.length === RECENT) recent.shift();
  recent.push({ from: new WeakRef(value), text });
  return text;
}

/**
 * A string value read from `bytes[start, end)` whenever `stringValue` is read. The getter is the
 * value's own enumerable property, so a spread, `JSON.stringify` or a structured clone sees a
 * plain string: nothing that copies the value can lose its text.
 */
export function lazyStringValue(bytes: Buffer, start: number, end: number): AnyValue {
  const value = Object.defineProperties(
    {},
    {
      // Not enumerable: a deep comparison with a plain value, or a spread, sees only the text.
      [SOURCE]: { value: { bytes, start, end } },
      stringValue: { enumerable: true, get: () => read(value) },
    },
  ) as LazyValue;
  return value;
}

export function isLazyStringValue(value: unknown): boolean {
  return typeof value === 'object' && value !== null && SOURCE in value;
}

/** UTF-8 bytes of a lazy value's text, without decoding it. */
export function lazyByteLength(value: AnyValue): number | undefined {
  const source = (value as Partial<LazyValue>)[SOURCE];
  return source ? source.end - source.start : undefined;
}

/**
 * The attributes with every lazy value read into a plain string (a new array when any was lazy),
 * for whatever is kept after the request is gone: a kept lazy value would hold its whole request.
 */
export function settleLazyValues(attributes: KeyValue[]): KeyValue[] {
  let out: KeyValue[] | undefined;
  for (let i = 0; i < attributes.length; i++) {
    const kv = attributes[i];
    if (!isLazyStringValue(kv.value)) continue;
    out ??= attributes.slice();
    out[i] = { key: kv.key, value: { stringValue: kv.value.stringValue } };
  }
  return out ?? attributes;
}

/** The span with its attributes' and events' lazy values read into plain strings (the same span when none was lazy). */
export function settleSpan(span: OtlpSpan): OtlpSpan {
  const attributes = settleLazyValues(span.attributes);
  let events = span.events;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    const settled = event.attributes && settleLazyValues(event.attributes);
    if (settled === event.attributes) continue;
    if (events === span.events) events = events.slice();
    events[i] = { ...event, attributes: settled };
  }
  return attributes === span.attributes && events === span.events ? span : { ...span, attributes, events };
}

/** Lets go of the texts kept for repeated reads, once a request's spans are stored. */
export function forgetRecentLazyTexts(): void {
  recent.length = 0;
}
