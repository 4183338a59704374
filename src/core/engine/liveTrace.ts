import type { InstrumentationScope, KeyValue, OtlpLogRecord, OtlpSpan, Resource } from '../../model/otlpTypes';
import type { StoredLog, StoredSpan, StoredTrace } from '../../model/storedTrace';
import type { SpanFacts } from '../genai/spanFacts';
import { describeSpan } from '../genai/describeSpan';
import type { PriceBook } from '../genai/pricing';
import { summarizeTrace } from '../analysis/traceSummary';
import type { TraceSummary } from '../../model/traceTypes';
import { ContentStore, type SplitMemo } from '../store/contentStore';
import { ContentValue } from '../store/contentValue';
import { settleLazyValues } from '../otlp/lazyText';

/** Fixed per-span overhead in the byte estimate: ids, times, field names, JSON punctuation. */
const SPAN_OVERHEAD_BYTES = 320;

/** A content value costs its reference here; the content's bytes are counted once, by the trace that stored it first. */
const CONTENT_REF_BYTES = 72;

function valueBytes(attributes: readonly KeyValue[] | undefined): number {
  if (!attributes) return 0;
  let n = 0;
  for (const { key, value } of attributes) {
    n += key.length + 24;
    if (value instanceof ContentValue) n += CONTENT_REF_BYTES * value.parts.length;
    else if (value.stringValue !== undefined) n += value.stringValue.length;
    else if (value.bytesValue !== undefined) n += value.bytesValue.length;
    else if (value.arrayValue) for (const v of value.arrayValue.values) n += 16 + (v.stringValue?.length ?? 8);
    else if (value.kvlistValue) n += valueBytes(value.kvlistValue.values);
    else n += 8;
  }
  return n;
}

/** A cheap estimate of a span's stored JSON size, used for the ring buffer's byte cap. */
export function estimateSpanBytes(span: OtlpSpan): number {
  let n = SPAN_OVERHEAD_BYTES + span.name.length + valueBytes(span.attributes);
  for (const event of span.events) n += 64 + event.name.length + valueBytes(event.attributes);
  for (const link of span.links) n += 96 + valueBytes(link.attributes);
  if (span.status.message) n += span.status.message.length;
  return n;
}

function estimateLogBytes(log: OtlpLogRecord): number {
  const body = log.body ? valueBytes([{ key: '', value: log.body }]) : 0;
  return 200 + body + valueBytes(log.attributes);
}

/**
 * One trace as it is being assembled: spans and log records arrive in any order, across requests.
 * Keeps, beside the stored form, the per-span GenAI facts and a cached summary.
 */
export class LiveTrace {
  readonly stored: StoredTrace;
  /** `facts[i]` describes `stored.spans[i]`. */
  readonly facts: SpanFacts[] = [];
  private readonly spanIndex = new Map<string, number>();
  private readonly resourceIndex = new Map<string, number>();
  private readonly scopeIndex = new Map<string, number>();
  private cachedSummary: TraceSummary | undefined;
  /** Increases with every change, so derived views know when they are stale. */
  version = 0;
  bytes = 0;
  /** Distinct content hashes this trace refers to, in the order it first did (each counted once in the store). */
  readonly refs: string[] = [];
  private readonly refSet = new Set<string>();
  /** The last large value of each attribute key, as cut: the next span's is usually it plus a little. */
  private readonly lastSplit = new Map<string, SplitMemo>();
  /** Where large values go; without it (no store folder) they stay inline. */
  content: ContentStore | undefined;

  constructor(stored: StoredTrace) {
    this.stored = stored;
    stored.resources.forEach((r, i) => this.resourceIndex.set(JSON.stringify(r), i));
    stored.scopes.forEach((s, i) => this.scopeIndex.set(JSON.stringify(s), i));
    for (const log of stored.logs) this.bytes += estimateLogBytes(log);
  }

  static create(traceId: string, seq: number, now: number): LiveTrace {
    return new LiveTrace({
      traceId,
      seq,
      receivedAt: now,
      updatedAt: now,
      resources: [],
      scopes: [],
      spans: [],
      logs: [],
      droppedSpans: 0,
    });
  }

  /**
   * Rebuilds facts for a trace loaded from disk. `counted` are the content hashes the store
   * already counts for it; values still inline (a file of the first layout) move to `content`.
   */
  static fromStored(
    stored: StoredTrace,
    pricing: PriceBook,
    content?: ContentStore,
    counted: Iterable<string> = [],
    fileRefs: Iterable<string> = [],
  ): LiveTrace {
    const live = new LiveTrace(stored);
    live.content = content;
    for (const hash of counted) live.noteRef(hash, false);
    // A file referring to content its index line did not list: count it now, so it is kept.
    for (const hash of fileRefs) live.noteRef(hash, true);
    stored.spans.forEach((span, i) => {
      live.spanIndex.set(span.spanId, i);
      live.facts.push(live.describe(span, pricing));
      span.attributes = live.externalize(span.attributes);
      for (const event of span.events) if (event.attributes) event.attributes = live.externalize(event.attributes);
      live.bytes += estimateSpanBytes(span);
    });
    for (const log of stored.logs) live.externalizeLog(log);
    return live;
  }

  get spanCount(): number {
    return this.stored.spans.length;
  }

  /** Interns a resource; call once per ResourceSpans group, not per span. */
  internResource(resource: Resource | undefined, schemaUrl?: string): number {
    const item = resource ?? { attributes: [] };
    return intern(this.resourceIndex, this.stored.resources, schemaUrl ? { ...item, schemaUrl } : item);
  }

  internScope(scope: InstrumentationScope | undefined, schemaUrl?: string): number {
    const item = scope ?? { name: '' };
    return intern(this.scopeIndex, this.stored.scopes, schemaUrl ? { ...item, schemaUrl } : item);
  }

  /**
   * Adds a span, or replaces one with the same id (a sender retrying). The span becomes the
   * stored span: it is the engine's own decoded object, so it takes its indexes in place.
   */
  addSpan(span: OtlpSpan, resourceIndex: number, scopeIndex: number, pricing: PriceBook, now: number): SpanFacts {
    const existing = this.spanIndex.get(span.spanId);
    const replaced = existing === undefined ? undefined : this.stored.spans[existing];
    const stored = asStoredSpan(
      replaced && !isRetryOf(span, replaced) ? withDuplicateNote(span, replaced) : span,
      resourceIndex,
      scopeIndex,
    );
    const facts = this.describe(stored, pricing);
    // After describing: facts are read from the values as they came, before they become references.
    if (this.content) {
      stored.attributes = this.externalize(stored.attributes);
      stored.events = stored.events.map((event) =>
        event.attributes && event.attributes.some(isLarge) ? { ...event, attributes: this.externalize(event.attributes) } : event,
      );
    }
    // Values still read from the request body (no store to move them to) become plain text, so
    // the stored span does not keep the whole request.
    stored.attributes = settleLazyValues(stored.attributes);
    for (let i = 0; i < stored.events.length; i++) {
      const event = stored.events[i];
      const attributes = event.attributes && settleLazyValues(event.attributes);
      if (attributes !== event.attributes) stored.events[i] = { ...event, attributes };
    }
    if (existing !== undefined) {
      this.bytes -= estimateSpanBytes(this.stored.spans[existing]);
      this.stored.spans[existing] = stored;
      this.facts[existing] = facts;
    } else {
      this.spanIndex.set(span.spanId, this.stored.spans.length);
      this.stored.spans.push(stored);
      this.facts.push(facts);
    }
    this.bytes += estimateSpanBytes(stored);
    this.touch(now);
    return facts;
  }

  hasSpan(spanId: string): boolean {
    return this.spanIndex.has(spanId);
  }

  addLog(log: OtlpLogRecord, resourceIndex: number, scopeIndex: number, now: number): void {
    const stored: StoredLog = { ...log, resourceIndex, scopeIndex };
    this.externalizeLog(stored);
    this.stored.logs.push(stored);
    this.bytes += estimateLogBytes(log);
    this.touch(now);
  }

  countDropped(n: number, now: number): void {
    this.stored.droppedSpans += n;
    this.touch(now);
  }

  /** Recomputes every span's facts, e.g. after prices changed. */
  redescribe(pricing: PriceBook): void {
    this.stored.spans.forEach((span, i) => (this.facts[i] = this.describe(span, pricing)));
    this.cachedSummary = undefined;
    this.version++;
  }

  summary(): TraceSummary {
    return (this.cachedSummary ??= { ...summarizeTrace(this.stored, this.facts), version: this.version });
  }

  /**
   * Large string values moved into the content store (a new array when any moved; the input is
   * not changed), counting this trace's reference to each new part.
   */
  private externalize(attributes: KeyValue[]): KeyValue[] {
    const content = this.content;
    if (!content) return attributes;
    let out = attributes;
    for (let i = 0; i < attributes.length; i++) {
      const kv = attributes[i];
      if (!isLarge(kv)) continue;
      const split = content.valueOf(kv.value.stringValue as string, this.lastSplit.get(kv.key));
      // Only span attributes of the latest span are remembered: one value per key per trace being assembled.
      this.lastSplit.set(kv.key, split.memo);
      const value = split.value;
      for (const part of value.parts) if (typeof part === 'string') this.noteRef(part, true);
      if (out === attributes) out = attributes.slice();
      out[i] = { key: kv.key, value: value as unknown as KeyValue['value'] };
    }
    return out;
  }

  private externalizeLog(log: StoredLog): void {
    if (!this.content) return;
    if (log.attributes) log.attributes = this.externalize(log.attributes);
    if (log.body && isLarge({ key: '', value: log.body })) log.body = this.externalize([{ key: 'body', value: log.body }])[0].value;
  }

  private noteRef(hash: string, count: boolean): void {
    if (this.refSet.has(hash)) return;
    this.refSet.add(hash);
    this.refs.push(hash);
    if (count && this.content) this.bytes += this.content.addRef(hash);
  }

  private describe(span: StoredSpan, pricing: PriceBook): SpanFacts {
    const context = { resource: this.stored.resources[span.resourceIndex], scope: this.stored.scopes[span.scopeIndex] };
    return describeSpan(span, context, pricing);
  }

  private touch(now: number): void {
    this.stored.updatedAt = now;
    this.cachedSummary = undefined;
    this.version++;
  }
}

/**
 * Gives the span its indexes without copying it (keys land last, as a copy would place them).
 * A span that already carries indexes (the same object sent twice, or to two traces) is copied,
 * so a stored span never changes under its trace.
 */
function asStoredSpan(span: OtlpSpan, resourceIndex: number, scopeIndex: number): StoredSpan {
  if (Object.hasOwn(span, 'resourceIndex') || Object.hasOwn(span, 'scopeIndex')) return { ...span, resourceIndex, scopeIndex };
  const stored = span as StoredSpan;
  stored.resourceIndex = resourceIndex;
  stored.scopeIndex = scopeIndex;
  return stored;
}

function isLarge(kv: KeyValue): boolean {
  const value = kv.value;
  return !(value instanceof ContentValue) && typeof value.stringValue === 'string' && ContentStore.worthStoring(value.stringValue);
}

function intern<T>(index: Map<string, number>, list: T[], item: T): number {
  const key = JSON.stringify(item);
  let i = index.get(key);
  if (i === undefined) {
    i = list.length;
    list.push(item);
    index.set(key, i);
  }
  return i;
}

/** Says in a span that it took the place of a different span sent earlier with the same id. */
export const DUPLICATE_SPAN_ID_KEY = 'loupe.duplicate_span_id';

/** The same span sent again (an exporter retrying): nothing to say. */
function isRetryOf(span: OtlpSpan, earlier: OtlpSpan): boolean {
  return (
    span.name === earlier.name &&
    span.startTimeUnixNano === earlier.startTimeUnixNano &&
    span.endTimeUnixNano === earlier.endTimeUnixNano &&
    span.parentSpanId === earlier.parentSpanId
  );
}

function withDuplicateNote(span: OtlpSpan, earlier: OtlpSpan): OtlpSpan {
  const name = earlier.name.length > 200 ? `${earlier.name.slice(0, 200)}…` : earlier.name;
  const note = `This span replaced an earlier, different span with the same id: "${name}", started at ${earlier.startTimeUnixNano} ns.`;
  return {
    ...span,
    attributes: [
      ...span.attributes.filter((kv) => kv.key !== DUPLICATE_SPAN_ID_KEY),
      { key: DUPLICATE_SPAN_ID_KEY, value: { stringValue: note } },
    ],
  };
}
