import { isLazyStringValue } from '../otlp/lazyText';
import type {
  AnyValue,
  InstrumentationScope,
  KeyValue,
  OtlpEvent,
  OtlpLink,
  OtlpLogRecord,
  OtlpSpan,
  Resource,
} from '../../model/otlpTypes';
import { CleanTextMemo } from './cleanTextMemo';
import {
  DEFAULT_REDACT_PATTERNS,
  holdsSecretValue,
  KeyRedactor,
  REDACTED,
  redactSecretValues,
  redactSecretValuesAfter,
} from '../../model/redaction';

/** Default for `loupe.limits.maxAttributeBytes`. */
export const DEFAULT_MAX_ATTRIBUTE_BYTES = 64 * 1024;
/** Default for `loupe.limits.maxMessageBytes`: prompts and completions are kept whole up to this. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/**
 * Attributes that carry a model call's messages (prompts, completions, tool payloads, in every
 * convention Loupe reads): these are what a user debugs, so they have their own, larger limit.
 * Their text is stored once however many spans repeat it, so a large limit costs little.
 */
const MESSAGE_KEY =
  /^(?:gen_ai\.(?:input\.messages|output\.messages|system_instructions|event\.content|tool\.call\.(?:arguments|result)|(?:prompt|completion)(?:\..+)?)|llm\.(?:(?:input|output)_messages\..+|(?:prompts|completions)(?:\..+)?|invocation_parameters)|ai\.(?:prompt(?:\.messages)?|response\.(?:text|object|toolCalls))|(?:input|output)\.value|traceloop\.entity\.(?:input|output)|langfuse\.observation\.(?:input|output)|content|body)$/;

export function isMessageKey(key: string): boolean {
  return MESSAGE_KEY.test(key);
}
/** Shorter message texts are scanned whole: remembering them would cost more than it saves. */
const MEMO_MIN_CHARS = 16 * 1024;
/** Below this the truncation marker itself would not fit. */
export const MIN_MAX_ATTRIBUTE_BYTES = 256;
/**
 * Added to a span's, log record's, resource's or scope's attributes when Loupe shortened
 * something in it: a string array of the paths shortened (`gen_ai.input.messages`,
 * `events[0].gen_ai.prompt`, `body`, `name`, `tags[3]`…).
 */
export const TRUNCATED_ATTRIBUTES_KEY = 'loupe.truncated_attributes';
/** Most paths listed in `loupe.truncated_attributes`; the rest are counted in a last entry. */
const MAX_LISTED_PATHS = 50;
/** The key of the entry that stands for the entries dropped from an oversized key-value list. */
const DROPPED_KEY = 'loupe.truncated';
/** Longest key quoted in a path. */
const MAX_PATH_SEGMENT = 200;
/**
 * Added to a span whose times or counts cannot be true, listing each with its raw value
 * (`startTimeUnixNano was 1`); the times are clamped so the rest of the trace stays readable.
 */
export const IMPLAUSIBLE_KEY = 'loupe.implausible';
/** Earliest plausible span time: 2000-01-01 (nanoseconds, as a Number; precision is not needed for a bound). */
const EARLIEST_PLAUSIBLE_NANOS = 946_684_800e9;
/** Latest plausible span time, after the clock of the machine receiving it. */
const FUTURE_SLACK_NANOS = 24 * 3600e9;
/** A count attribute above this (a key naming tokens) is implausible; see MAX_PLAUSIBLE_TOKENS. */
const MAX_PLAUSIBLE_COUNT = 1e9;

/** Most attributes kept per span, event, link, log record, resource or key-value list. */
export const MAX_ATTRIBUTES = 1_024;
/** Budget charged for a number, boolean or empty value inside an array or key-value list. */
const SCALAR_BYTES = 8;

export interface IngestPolicyOptions {
  /**
   * Longest attribute value kept whole, in UTF-8 bytes (arrays and key-value lists count their
   * contents together). Also applies to log bodies, keys, span and event names and status messages.
   */
  maxAttributeBytes?: number;
  /** Longest message value (see `isMessageKey`, and a log record's body) kept whole, in UTF-8 bytes; at least `maxAttributeBytes`. */
  maxMessageBytes?: number;
  /** `loupe.redact` patterns (see redaction.ts); default `DEFAULT_REDACT_PATTERNS`, `[]` masks nothing. */
  redact?: readonly string[];
}

/** The visible end of a shortened string, stating how long the original was. */
export function truncationMarker(originalBytes: number): string {
  return `…[truncated by Loupe: ${originalBytes} bytes]`;
}

function droppedMarker(count: number): string {
  return `…[truncated by Loupe: ${count} more values]`;
}

/** Already cut by Loupe (a trace exported from Loupe and imported again); kept as it is. */
function isDroppedMarker(text: string | undefined): boolean {
  return text !== undefined && /^…\[truncated by Loupe: \d+ more values\]$/.test(text);
}

/** How much an array or key-value list may still hold. */
interface Budget {
  left: number;
}

/** Paths shortened while cleaning one item. */
class TruncationNotes {
  readonly paths: string[] = [];

  add(path: string): void {
    this.paths.push(path);
  }

  /** Returns `attributes` with the `loupe.truncated_attributes` entry added or extended. */
  mark(attributes: KeyValue[]): KeyValue[] {
    if (this.paths.length === 0) return attributes;
    const existing = attributes.find((kv) => kv.key === TRUNCATED_ATTRIBUTES_KEY);
    const earlier = existing?.value.arrayValue?.values.flatMap((v) => (v.stringValue === undefined ? [] : [v.stringValue])) ?? [];
    const all = [...new Set([...earlier, ...this.paths])];
    const listed = all.length > MAX_LISTED_PATHS ? [...all.slice(0, MAX_LISTED_PATHS), `…and ${all.length - MAX_LISTED_PATHS} more`] : all;
    const entry: KeyValue = {
      key: TRUNCATED_ATTRIBUTES_KEY,
      value: { arrayValue: { values: listed.map((path) => ({ stringValue: path })) } },
    };
    return [...attributes.filter((kv) => kv.key !== TRUNCATED_ATTRIBUTES_KEY), entry];
  }
}

/**
 * What the engine applies to every span and log record before storing it: credentials named by
 * `loupe.redact` are masked, and oversized values are shortened with a visible marker, so neither
 * a secret nor a 10 MB prompt reaches the store, the UI or a forward target. Items that need no
 * change are returned as they are (no copy); changed ones are new objects, the input is not mutated.
 */
export class IngestPolicy {
  readonly maxAttributeBytes: number;
  readonly maxMessageBytes: number;
  private readonly redactor: KeyRedactor;
  /** Message texts of recent spans found clean, per trace and attribute path. */
  private readonly cleanMessages = new CleanTextMemo();
  /** The trace of the span being cleaned, while `span` runs. */
  private traceScope: string | undefined;
  /** Secret formats in values are masked unless redaction is turned off (`loupe.redact: []`). */
  private readonly masksValues: boolean;

  /** Throws `RedactPatternError` for an unusable pattern and `RangeError` for a bad limit. */
  constructor(options: IngestPolicyOptions = {}) {
    const max = options.maxAttributeBytes ?? DEFAULT_MAX_ATTRIBUTE_BYTES;
    if (!Number.isSafeInteger(max) || max < MIN_MAX_ATTRIBUTE_BYTES) {
      throw new RangeError(`The maximum attribute size must be a whole number of at least ${MIN_MAX_ATTRIBUTE_BYTES} bytes, got ${max}.`);
    }
    this.maxAttributeBytes = max;
    const messages = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (!Number.isSafeInteger(messages) || messages < MIN_MAX_ATTRIBUTE_BYTES) {
      throw new RangeError(
        `The maximum message size must be a whole number of at least ${MIN_MAX_ATTRIBUTE_BYTES} bytes, got ${messages}.`,
      );
    }
    this.maxMessageBytes = Math.max(max, messages);
    this.redactor = new KeyRedactor(options.redact ?? DEFAULT_REDACT_PATTERNS);
    this.masksValues = !this.redactor.isEmpty;
  }

  span(original: OtlpSpan): OtlpSpan {
    this.traceScope = original.traceId;
    try {
      return this.cleanSpan(original);
    } finally {
      this.traceScope = undefined;
    }
  }

  private cleanSpan(original: OtlpSpan): OtlpSpan {
    const span = clampImplausible(original);
    const notes = new TruncationNotes();
    const name = this.text(span.name, 'name', notes);
    const attributes = this.attributes(span.attributes, '', notes);
    const events = mapSame(span.events, (event, i) => this.event(event, `events[${i}].`, notes));
    const links = mapSame(span.links, (link, i) => this.link(link, `links[${i}].`, notes));
    const message = span.status.message === undefined ? undefined : this.text(span.status.message, 'status.message', notes);
    const traceState = span.traceState === undefined ? undefined : this.text(span.traceState, 'traceState', notes);
    if (
      name === span.name &&
      attributes === span.attributes &&
      events === span.events &&
      links === span.links &&
      message === span.status.message &&
      traceState === span.traceState &&
      notes.paths.length === 0
    ) {
      return span;
    }
    const out: OtlpSpan = { ...span, name, attributes: notes.mark(attributes), events, links };
    if (message !== span.status.message) out.status = { ...span.status, message };
    if (traceState !== undefined) out.traceState = traceState;
    return out;
  }

  log(log: OtlpLogRecord): OtlpLogRecord {
    const notes = new TruncationNotes();
    const attributes = this.attributes(log.attributes, '', notes);
    const body =
      log.body === undefined
        ? undefined
        : log.body.stringValue !== undefined
          ? this.message(log.body, 'body', notes)
          : this.value(log.body, 'body', { left: this.maxAttributeBytes }, notes);
    const severityText = log.severityText === undefined ? undefined : this.text(log.severityText, 'severityText', notes);
    const eventName = log.eventName === undefined ? undefined : this.text(log.eventName, 'eventName', notes);
    if (
      attributes === log.attributes &&
      body === log.body &&
      severityText === log.severityText &&
      eventName === log.eventName &&
      notes.paths.length === 0
    ) {
      return log;
    }
    const out: OtlpLogRecord = { ...log, attributes: notes.mark(attributes) };
    if (body !== undefined) out.body = body;
    if (severityText !== undefined) out.severityText = severityText;
    if (eventName !== undefined) out.eventName = eventName;
    return out;
  }

  /** A metric data point's attributes, redacted and shortened as a span's are. */
  metricAttributes(attributes: KeyValue[]): KeyValue[] {
    const notes = new TruncationNotes();
    const out = this.attributes(attributes, '', notes);
    return out === attributes && notes.paths.length === 0 ? attributes : notes.mark(out);
  }

  resource(resource: Resource | undefined): Resource | undefined {
    if (resource === undefined) return undefined;
    const notes = new TruncationNotes();
    const attributes = this.attributes(resource.attributes, '', notes);
    return attributes === resource.attributes ? resource : { ...resource, attributes: notes.mark(attributes) };
  }

  scope(scope: InstrumentationScope | undefined): InstrumentationScope | undefined {
    if (scope === undefined) return undefined;
    const notes = new TruncationNotes();
    const name = this.text(scope.name, 'name', notes);
    const version = scope.version === undefined ? undefined : this.text(scope.version, 'version', notes);
    const attributes = scope.attributes === undefined ? undefined : this.attributes(scope.attributes, '', notes);
    if (name === scope.name && version === scope.version && attributes === scope.attributes) return scope;
    const out: InstrumentationScope = { ...scope, name, attributes: notes.mark(attributes ?? []) };
    if (version !== undefined) out.version = version;
    return out;
  }

  private event(event: OtlpEvent, prefix: string, notes: TruncationNotes): OtlpEvent {
    const name = this.text(event.name, `${prefix}name`, notes);
    const attributes = this.attributes(event.attributes, prefix, notes);
    return name === event.name && attributes === event.attributes ? event : { ...event, name, attributes };
  }

  private link(link: OtlpLink, prefix: string, notes: TruncationNotes): OtlpLink {
    const attributes = this.attributes(link.attributes, prefix, notes);
    return attributes === link.attributes ? link : { ...link, attributes };
  }

  /**
   * Cleans a list of attributes. At the top level each value has its own budget; inside a
   * key-value list (`shared`) the entries share their parent's, and entries past it are dropped.
   */
  private attributes(list: KeyValue[], prefix: string, notes: TruncationNotes, shared?: Budget): KeyValue[] {
    let out: KeyValue[] | undefined;
    // A span with a million attributes would cost every later query; past the bound they are
    // dropped and counted, as values past their size are cut. (A marker left by an earlier
    // import stays as it is.)
    const count =
      list.length > MAX_ATTRIBUTES && !(list.length === MAX_ATTRIBUTES + 1 && isDroppedMarker(list[MAX_ATTRIBUTES].value.stringValue))
        ? MAX_ATTRIBUTES
        : list.length;
    for (let i = 0; i < count; i++) {
      if (shared && shared.left <= 0) {
        if (!out && i === list.length - 1 && list[i].key === DROPPED_KEY && isDroppedMarker(list[i].value.stringValue)) return list;
        out ??= list.slice(0, i);
        out.push({ key: DROPPED_KEY, value: { stringValue: droppedMarker(list.length - i) } });
        notes.add(prefix.slice(0, -1) || '(attributes)');
        return out;
      }
      const kv = list[i];
      const next =
        !shared && this.keepsAsIs(kv)
          ? kv
          : !shared && kv.value.stringValue !== undefined && isMessageKey(kv.key) && !this.redactor.matches(kv.key) && kv.key.length < 256
            ? this.messageKeyValue(kv, prefix, notes)
            : this.keyValue(kv, prefix, notes, shared ?? { left: this.maxAttributeBytes });
      if (next !== kv) out ??= list.slice(0, i);
      if (out) out.push(next);
    }
    if (count < list.length) {
      out ??= list.slice(0, count);
      out.push({ key: DROPPED_KEY, value: { stringValue: droppedMarker(list.length - count) } });
      notes.add(prefix.slice(0, -1) || '(attributes)');
    }
    return out ?? list;
  }

  /**
   * True when a top-level attribute is kept as it is (not masked, nothing over its budget): the
   * same verdict `keyValue` reaches, without building its path and budget for every attribute.
   */
  private keepsAsIs(kv: KeyValue): boolean {
    const keyLength = kv.key.length;
    if (keyLength * 3 > this.maxAttributeBytes || this.redactor.matches(kv.key)) return false;
    const value = kv.value;
    // A long value read from the request body: judged where its text is read once anyway.
    if (isLazyStringValue(value)) return false;
    if (value.stringValue !== undefined)
      return (
        value.stringValue.length * 3 <= Math.max(MIN_MAX_ATTRIBUTE_BYTES, this.maxAttributeBytes - keyLength) &&
        !(this.masksValues && holdsSecretValue(value.stringValue))
      );
    if (value.bytesValue !== undefined) return value.bytesValue.length <= this.maxAttributeBytes - keyLength;
    return value.arrayValue === undefined && value.kvlistValue === undefined;
  }

  private messageKeyValue(kv: KeyValue, prefix: string, notes: TruncationNotes): KeyValue {
    const value = this.message(kv.value, prefix + pathSegment(kv.key), notes, kv.key.length);
    return value === kv.value ? kv : { key: kv.key, value };
  }

  /** A message string value, shortened only past `maxMessageBytes` (less its key, as every top-level value). */
  private message(value: AnyValue, path: string, notes: TruncationNotes, keyLength = 0): AnyValue {
    // Secrets in well-known formats are masked in messages too: a prompt is where a pasted key lands.
    const original = value.stringValue as string;
    const text = this.masksValues ? this.maskMessage(original, path) : original;
    if (text !== original) value = { stringValue: text };
    const limit = Math.max(MIN_MAX_ATTRIBUTE_BYTES, this.maxMessageBytes - keyLength);
    if (text.length * 3 <= limit) return value;
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes <= limit) return value;
    notes.add(path);
    const marker = truncationMarker(bytes);
    return { stringValue: utf8Head(text, limit - Buffer.byteLength(marker, 'utf8')) + marker };
  }

  /** `redactSecretValues`, scanning a span's growing conversation only where it grew. */
  private maskMessage(text: string, path: string): string {
    if (this.traceScope === undefined || text.length < MEMO_MIN_CHARS) return redactSecretValues(text);
    const key = `${this.traceScope} ${path}`;
    const clean = this.cleanMessages.cleanPrefix(key, text);
    const masked = clean > 0 ? redactSecretValuesAfter(text, clean) : redactSecretValues(text);
    if (masked === text) this.cleanMessages.remember(key, text);
    else this.cleanMessages.forget(key);
    return masked;
  }

  private keyValue(kv: KeyValue, prefix: string, notes: TruncationNotes, budget: Budget): KeyValue {
    const path = prefix + pathSegment(kv.key);
    if (this.redactor.matches(kv.key)) {
      budget.left -= REDACTED.length;
      return kv.value.stringValue === REDACTED ? kv : { key: kv.key, value: { stringValue: REDACTED } };
    }
    const key = this.text(kv.key, `${path} (key)`, notes);
    budget.left -= key.length;
    const value = this.value(kv.value, path, budget, notes);
    return key === kv.key && value === kv.value ? kv : { key, value };
  }

  private value(value: AnyValue, path: string, budget: Budget, notes: TruncationNotes): AnyValue {
    if (value.stringValue !== undefined) {
      const text = this.text(value.stringValue, path, notes, budget.left);
      budget.left -= byteCost(text, budget.left);
      return text === value.stringValue ? value : { stringValue: text };
    }
    if (value.bytesValue !== undefined) {
      const base64 = value.bytesValue;
      budget.left -= base64.length;
      if (budget.left >= 0) return value;
      notes.add(path);
      // Binary data cannot carry a marker; it is cut to whole base64 quanta so it still decodes.
      const keep = Math.max(0, base64.length + budget.left);
      return { bytesValue: Buffer.from(base64.slice(0, keep - (keep % 4)), 'latin1').toString('latin1') };
    }
    if (value.arrayValue) {
      const values = value.arrayValue.values;
      let out: AnyValue[] | undefined;
      for (let i = 0; i < values.length; i++) {
        if (budget.left <= 0) {
          if (!out && i === values.length - 1 && isDroppedMarker(values[i].stringValue)) break;
          out ??= values.slice(0, i);
          out.push({ stringValue: droppedMarker(values.length - i) });
          notes.add(path);
          break;
        }
        const next = this.value(values[i], `${path}[${i}]`, budget, notes);
        if (next !== values[i]) out ??= values.slice(0, i);
        if (out) out.push(next);
      }
      return out ? { arrayValue: { values: out } } : value;
    }
    if (value.kvlistValue) {
      const values = this.attributes(value.kvlistValue.values, `${path}.`, notes, budget);
      return values === value.kvlistValue.values ? value : { kvlistValue: { values } };
    }
    budget.left -= SCALAR_BYTES;
    return value;
  }

  /** The text itself when it fits in `maxBytes`, else its head and the marker, at most `maxBytes` in all. */
  private text(original: string, path: string, notes: TruncationNotes, maxBytes = this.maxAttributeBytes): string {
    // Secrets in well-known formats are masked in every text, whatever its key.
    const text = this.masksValues ? redactSecretValues(original) : original;
    const limit = Math.max(MIN_MAX_ATTRIBUTE_BYTES, Math.min(maxBytes, this.maxAttributeBytes));
    // UTF-8 needs at most 3 bytes per UTF-16 unit, so short strings skip the byte count.
    if (text.length * 3 <= limit) return text;
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes <= limit) return text;
    notes.add(path);
    const marker = truncationMarker(bytes);
    return utf8Head(text, limit - Buffer.byteLength(marker, 'utf8')) + marker;
  }
}

/**
 * The longest prefix of `text` that is at most `maxBytes` in UTF-8, cut between characters. The
 * prefix is a fresh string: a slice would keep the whole original (megabytes) alive in the store.
 */
export function utf8Head(text: string, maxBytes: number): string {
  let head = text.slice(0, maxBytes);
  // A dangling high surrogate would become U+FFFD; drop it with its missing partner.
  if (/[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1);
  const encoded = Buffer.from(head, 'utf8');
  let end = Math.min(maxBytes, encoded.length);
  while (end > 0 && end < encoded.length && (encoded[end] & 0xc0) === 0x80) end--;
  return encoded.toString('utf8', 0, end);
}

/** Keys go into `loupe.truncated_attributes` paths; a huge key must not make the path huge. */
function pathSegment(key: string): string {
  return key.length <= MAX_PATH_SEGMENT ? key : `${key.slice(0, MAX_PATH_SEGMENT)}…`;
}

function byteCost(text: string, left: number): number {
  return text.length * 3 <= left ? text.length : Buffer.byteLength(text, 'utf8');
}

/** Maps a list, returning the same array when every item came back unchanged. */
function mapSame<T>(list: T[], fn: (item: T, index: number) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const next = fn(list[i], i);
    if (next !== list[i]) out ??= list.slice(0, i);
    if (out) out.push(next);
  }
  return out ?? list;
}

/**
 * A span whose start or end lies before 2000 or more than a day ahead (1 ns, 2^64−1 ns) would
 * stretch its trace over centuries and squash every other span, and an int64-max token count
 * would swamp every total. Times are clamped (a bad one takes the other's value, both bad take the
 * time received), and everything implausible is listed with its raw value in `loupe.implausible`.
 */
function clampImplausible(span: OtlpSpan): OtlpSpan {
  const latest = Date.now() * 1e6 + FUTURE_SLACK_NANOS;
  const plausible = (nanos: string) => {
    const n = Number(nanos);
    return n >= EARLIEST_PLAUSIBLE_NANOS && n <= latest;
  };
  const startOk = plausible(span.startTimeUnixNano);
  const endOk = plausible(span.endTimeUnixNano);
  const found: string[] = [];
  for (const kv of span.attributes) {
    const raw = kv.value.intValue ?? kv.value.doubleValue;
    if (raw !== undefined && /token/i.test(kv.key) && Number(raw) > MAX_PLAUSIBLE_COUNT) found.push(`${kv.key} was ${raw} (not counted)`);
  }
  if (startOk && endOk && found.length === 0) return span;
  let start = span.startTimeUnixNano;
  let end = span.endTimeUnixNano;
  if (!startOk) found.unshift(`startTimeUnixNano was ${span.startTimeUnixNano}`);
  if (!endOk) found.splice(startOk ? 0 : 1, 0, `endTimeUnixNano was ${span.endTimeUnixNano}`);
  if (!startOk && !endOk) start = end = String(BigInt(Date.now()) * 1_000_000n);
  else if (!startOk) start = end;
  else if (!endOk) end = start;
  const flag: KeyValue = { key: IMPLAUSIBLE_KEY, value: { arrayValue: { values: found.map((text) => ({ stringValue: text })) } } };
  return {
    ...span,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: [...span.attributes.filter((kv) => kv.key !== IMPLAUSIBLE_KEY), flag],
  };
}
