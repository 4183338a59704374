import type { AnyValue, KeyValue } from '../../model/otlpTypes';
import type { ContentStore } from './contentStore';
import { ContentValue, isContentRefJson, type ContentPart, type ContentRefJson } from './contentValue';
import type { StoredSpan, StoredTrace } from '../../model/storedTrace';

/** Earlier values of the same attribute a value is compared with for a shared prefix. */
const CANDIDATES_PER_KEY = 4;
/** A shared prefix shorter than this is written out in full (a reference would not be shorter). */
const MIN_SHARED_PARTS = 3;

/**
 * Chooses, while a trace file is written, what each content value of span attributes shares
 * with the same attribute of a span written before it in the same file: call n's messages are
 * written as "call n−1's first k parts, then these", so a trace file grows by O(new messages)
 * per model call, not by O(conversation).
 */
export class PrefixEncoder {
  private readonly recent = new Map<string, { spanId: string; parts: readonly ContentPart[] }[]>();

  /** Sets `encoded` on the span's content values; call just before the span is serialized. */
  encodeSpan(span: StoredSpan): void {
    const seen = new Set<string>();
    for (const kv of span.attributes) {
      const value = kv.value as unknown;
      if (!(value instanceof ContentValue)) continue;
      if (seen.has(kv.key)) {
        value.encoded = undefined;
        continue;
      }
      seen.add(kv.key);
      let candidates = this.recent.get(kv.key);
      if (!candidates) this.recent.set(kv.key, (candidates = []));
      let best = { spanId: '', count: 0 };
      for (const candidate of candidates) {
        const count = sharedPrefix(candidate.parts, value.parts);
        if (count > best.count) best = { spanId: candidate.spanId, count };
      }
      value.encoded =
        best.count >= MIN_SHARED_PARTS
          ? { from: [best.spanId, best.count], parts: value.parts.slice(best.count), chars: value.chars }
          : undefined;
      candidates.unshift({ spanId: span.spanId, parts: value.parts });
      if (candidates.length > CANDIDATES_PER_KEY) candidates.pop();
    }
  }
}

function sharedPrefix(a: readonly ContentPart[], b: readonly ContentPart[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && samePart(a[i], b[i])) i++;
  return i;
}

function samePart(a: ContentPart, b: ContentPart): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.text === b.text;
}

/**
 * Turns the content references of a parsed trace file into content values (in place) and
 * returns the distinct hashes the trace refers to. A reference that cannot be resolved (a
 * damaged file) becomes a visible note instead of failing the whole trace.
 */
export function decodeContentRefs(trace: StoredTrace, store: ContentStore): Set<string> {
  const hashes = new Set<string>();
  const spansById = new Map<string, StoredSpan>();
  for (const span of trace.spans) spansById.set(span.spanId, span);
  const resolving = new Set<KeyValue>();

  const resolveAttribute = (kv: KeyValue): ContentValue | undefined => {
    const value = kv.value as unknown;
    if (value instanceof ContentValue) return value;
    if (!isContentRefJson(value)) return undefined;
    if (resolving.has(kv)) return undefined; // a reference cycle: only a damaged file has one
    resolving.add(kv);
    const ref = value.contentRef;
    let prefix: readonly ContentPart[] = [];
    if (ref.from) {
      const [spanId, count] = ref.from;
      const source = spansById.get(spanId);
      const sourceKv = source?.attributes.find((other) => other.key === kv.key);
      const resolved = sourceKv ? resolveAttribute(sourceKv) : undefined;
      prefix = resolved ? resolved.parts.slice(0, count) : [{ text: `[content missing: span ${spanId} is not in this trace file]` }];
    }
    // The prefix's parts are already the store's own strings and counted; only the rest is looked up.
    const decoded = store.valueFromParts(ref.parts, ref.chars, prefix);
    for (const part of ref.parts) if (typeof part === 'string') hashes.add(part);
    kv.value = decoded as unknown as AnyValue;
    resolving.delete(kv);
    return decoded;
  };
  const resolvePlain = (kv: KeyValue): void => {
    const value = kv.value as unknown;
    if (!isContentRefJson(value)) return;
    const decoded = store.valueFromParts(value.contentRef.parts, value.contentRef.chars);
    for (const part of decoded.parts) if (typeof part === 'string') hashes.add(part);
    kv.value = decoded as unknown as AnyValue;
  };

  for (const span of trace.spans) {
    for (const kv of span.attributes) resolveAttribute(kv);
    for (const event of span.events) for (const kv of event.attributes ?? []) resolvePlain(kv);
  }
  for (const log of trace.logs) {
    if (log.body && isContentRefJson(log.body)) {
      const holder: KeyValue = { key: 'body', value: log.body };
      resolvePlain(holder);
      log.body = holder.value;
    }
    for (const kv of log.attributes ?? []) resolvePlain(kv);
  }
  return hashes;
}

/** Whether a value holds its text as content (used by size estimates, which must not read it). */
export function contentChars(value: AnyValue): number | undefined {
  return value instanceof ContentValue ? value.chars : undefined;
}

export type { ContentRefJson };
