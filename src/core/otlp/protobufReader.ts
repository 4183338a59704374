import type { AnyValue } from '../../model/otlpTypes';
import { LAZY_TEXT_BYTES, lazyStringValue } from './lazyText';
import { OtlpDecodeError } from './decodeError';
import { signedDecimal, unsignedDecimal } from './int64Decimal';

/** Protobuf wire types this schema uses; 3 and 4 (groups) and 6, 7 are refused. */
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const WIRE_TYPE_NAMES = ['varint', 'fixed64', 'length-delimited', 'group start', 'group end', 'fixed32'];

/** Strings up to this many bytes are looked up in `shortStrings`. */
const SHORT_STRING_BYTES = 64;

/**
 * A direct-mapped cache of recent short ASCII strings (attribute keys, model names, span names).
 * They repeat across spans, and reusing them spares an allocation and a native call each; bounded
 * at 4096 strings of at most 64 characters.
 */
const SHORT_STRING_SLOTS = 4096;
const shortStrings: (string | undefined)[] = new Array(SHORT_STRING_SLOTS).fill(undefined);

/** The two lowercase hex digit codes of each byte, at `2 * byte` and `2 * byte + 1`. */
const HEX_DIGIT_CODES = Uint8Array.from({ length: 512 }, (_, i) => '0123456789abcdef'.charCodeAt(i & 1 ? (i >> 1) & 15 : i >> 5));
/** Char-code scratch for ids of the usual sizes (span ids 8 bytes, trace ids 16). */
const SPAN_ID_CODES: number[] = new Array(16).fill(0);
const TRACE_ID_CODES: number[] = new Array(32).fill(0);
/** The last 16-byte id read, and its hex: every span of a trace repeats the trace id. */
const lastTraceIdBytes = new Uint8Array(16);
let lastTraceIdHex = '';

/**
 * A bounds-checked reader over one protobuf message. Every read checks the buffer end; callers
 * pass the end offset of the enclosing message so a nested length can never reach past it.
 * Nothing is allocated from a declared length before that length is checked against the bytes.
 */
export class ProtobufReader {
  readonly bytes: Uint8Array;
  readonly length: number;
  pos = 0;
  private readonly view: DataView;
  private readonly text: Buffer;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.length = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(message: string): never {
    throw new OtlpDecodeError(`invalid protobuf: ${message} (at byte ${this.pos})`);
  }

  /** A field tag: `fieldNumber << 3 | wireType`. */
  tag(): number {
    const tag = this.varint32();
    if (tag >>> 3 === 0) this.fail('field number 0');
    return tag;
  }

  /** A varint truncated to its low 32 bits (unsigned), as protobuf does for 32-bit fields. */
  varint32(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    if (pos + 10 > this.length) return this.varint32Checked();
    let byte = bytes[pos++];
    let value = byte & 0x7f;
    if (byte < 0x80) {
      this.pos = pos;
      return value;
    }
    byte = bytes[pos++];
    value |= (byte & 0x7f) << 7;
    if (byte < 0x80) {
      this.pos = pos;
      return value;
    }
    byte = bytes[pos++];
    value |= (byte & 0x7f) << 14;
    if (byte < 0x80) {
      this.pos = pos;
      return value;
    }
    byte = bytes[pos++];
    value |= (byte & 0x7f) << 21;
    if (byte < 0x80) {
      this.pos = pos;
      return value;
    }
    byte = bytes[pos++];
    value |= byte << 28;
    // Bytes six to ten only carry bits above 32, which a 32-bit field discards.
    for (let extra = 0; extra < 6 && byte >= 0x80; extra++) {
      if (extra === 5) {
        this.pos = pos;
        this.fail('varint longer than 10 bytes');
      }
      byte = bytes[pos++];
    }
    this.pos = pos;
    return value >>> 0;
  }

  private varint32Checked(): number {
    let value = 0;
    for (let index = 0; index < 10; index++) {
      if (this.pos >= this.length) this.fail('truncated varint');
      const byte = this.bytes[this.pos++];
      if (index < 5) value |= (byte & 0x7f) << (7 * index);
      if (byte < 0x80) return value >>> 0;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** A varint as a signed 64-bit integer in exact decimal. */
  int64(): string {
    const bytes = this.bytes;
    const length = this.length;
    let lo = 0;
    // eslint-disable-next-line no-useless-assignment -- read after the loop, which a truncated varint leaves early
    let hi = 0;
    // eslint-disable-next-line no-useless-assignment -- as above
    let byte = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (this.pos >= length) this.fail('truncated varint');
      byte = bytes[this.pos++];
      lo |= (byte & 0x7f) << shift;
      if (byte < 0x80) return String(lo);
    }
    if (this.pos >= length) this.fail('truncated varint');
    byte = bytes[this.pos++];
    lo |= (byte & 0x7f) << 28;
    hi = (byte & 0x7f) >>> 4;
    if (byte < 0x80) return signedDecimal(lo >>> 0, hi);
    for (let shift = 3; shift < 38; shift += 7) {
      if (this.pos >= length) this.fail('truncated varint');
      byte = bytes[this.pos++];
      hi |= (byte & 0x7f) << shift;
      if (byte < 0x80) return signedDecimal(lo >>> 0, hi >>> 0);
    }
    return this.fail('varint longer than 10 bytes');
  }

  fixed32(): number {
    if (this.pos + 4 > this.length) this.fail('truncated fixed32');
    const value = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  /** An unsigned fixed64 in exact decimal. */
  fixed64(): string {
    if (this.pos + 8 > this.length) this.fail('truncated fixed64');
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    return unsignedDecimal(lo, hi);
  }

  double(): number {
    if (this.pos + 8 > this.length) this.fail('truncated double');
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** Reads a length prefix and returns where the field ends, refusing to pass `limit`. */
  fieldEnd(limit: number): number {
    let length: number;
    const first = this.pos < this.length ? this.bytes[this.pos] : 0x80;
    if (first < 0x80) {
      this.pos++;
      length = first;
    } else {
      length = 0;
      for (let index = 0; ; index++) {
        if (index === 5) this.fail('length prefix too long');
        if (this.pos >= this.length) this.fail('truncated length prefix');
        const byte = this.bytes[this.pos++];
        length += (byte & 0x7f) * 2 ** (7 * index);
        if (byte < 0x80) break;
      }
    }
    const end = this.pos + length;
    if (end > limit) this.fail(`length ${length} runs past the end of its message`);
    return end;
  }

  /** A string field as an `AnyValue`: decoded when read if it is long (see lazyText.ts). */
  stringValue(limit: number): AnyValue {
    const end = this.fieldEnd(limit);
    if (end - this.pos < LAZY_TEXT_BYTES) {
      const text = this.text.toString('utf8', this.pos, end);
      this.pos = end;
      return { stringValue: text };
    }
    const value = lazyStringValue(this.text, this.pos, end);
    this.pos = end;
    return value;
  }

  string(limit: number): string {
    const end = this.fieldEnd(limit);
    const start = this.pos;
    this.pos = end;
    const size = end - start;
    if (size === 0) return '';
    // Node's UTF-8 decoder turns invalid sequences into U+FFFD.
    if (size > SHORT_STRING_BYTES) return this.text.toString('utf8', start, end);
    const slot = shortStringSlot(this.bytes, start, size);
    const cached = shortStrings[slot];
    // Equal char codes and bytes, one for one, can only be ASCII text decoded as itself.
    if (cached !== undefined && cached.length === size && sameAscii(cached, this.bytes, start)) return cached;
    const text = this.text.toString('utf8', start, end);
    // One character per byte means every byte was ASCII (or replaced by U+FFFD, which never matches a byte).
    if (text.length === size) shortStrings[slot] = text;
    return text;
  }

  /**
   * A bytes field as lowercase hex (trace and span ids), whatever its length: the engine judges ids.
   * Built in one piece (a string grown pair by pair is a rope that every later lookup flattens).
   */
  hex(limit: number): string {
    const end = this.fieldEnd(limit);
    const start = this.pos;
    this.pos = end;
    const size = end - start;
    const bytes = this.bytes;
    if (size === 16) {
      if (lastTraceIdHex !== '' && sameBytes(lastTraceIdBytes, bytes, start)) return lastTraceIdHex;
      lastTraceIdBytes.set(bytes.subarray(start, end));
      lastTraceIdHex = hexOf(bytes, start, end, TRACE_ID_CODES);
      return lastTraceIdHex;
    }
    if (size === 8) return hexOf(bytes, start, end, SPAN_ID_CODES);
    return this.text.toString('hex', start, end);
  }

  /** A bytes field as standard padded base64. */
  base64(limit: number): string {
    const end = this.fieldEnd(limit);
    const start = this.pos;
    this.pos = end;
    return this.text.toString('base64', start, end);
  }

  /**
   * Skips a field this decoder does not read. A known field (`fieldNames[number]` set) that
   * arrives with another wire type is an error rather than silently lost data.
   */
  skip(tag: number, limit: number, message: string, fieldNames: readonly string[]): void {
    const wireType = tag & 7;
    const fieldNumber = tag >>> 3;
    const known = fieldNames[fieldNumber];
    if (known) {
      this.fail(`${message}.${known} (field ${fieldNumber}) has unexpected wire type ${wireTypeName(wireType)}`);
    }
    switch (wireType) {
      case WIRE_VARINT:
        this.varint32();
        return;
      case WIRE_FIXED64:
        if (this.pos + 8 > this.length) this.fail('truncated fixed64');
        this.pos += 8;
        return;
      case WIRE_LENGTH_DELIMITED:
        this.pos = this.fieldEnd(limit);
        return;
      case WIRE_FIXED32:
        if (this.pos + 4 > this.length) this.fail('truncated fixed32');
        this.pos += 4;
        return;
      default:
        this.fail(`${message} field ${fieldNumber} uses ${wireTypeName(wireType)}, which OTLP never sends`);
    }
  }

  /** Checks that a message ended exactly at its declared end. */
  finish(end: number, message: string): void {
    if (this.pos !== end) this.fail(`${message} overruns its declared length`);
  }
}

/** Hex of `bytes[start, end)`, whose length is half of `codes`' (a scratch array reused). */
function hexOf(bytes: Uint8Array, start: number, end: number, codes: number[]): string {
  for (let index = start, at = 0; index < end; index++, at += 2) {
    const pair = bytes[index] << 1;
    codes[at] = HEX_DIGIT_CODES[pair];
    codes[at + 1] = HEX_DIGIT_CODES[pair + 1];
  }
  return String.fromCharCode.apply(null, codes);
}

function sameBytes(expected: Uint8Array, bytes: Uint8Array, start: number): boolean {
  for (let index = 0; index < expected.length; index++) {
    if (expected[index] !== bytes[start + index]) return false;
  }
  return true;
}

/** A cache slot from the length and eight sampled bytes (all within the string): cheap, and a collision only costs a miss. */
function shortStringSlot(bytes: Uint8Array, start: number, size: number): number {
  const last = start + size - 1;
  const mid = start + (size >> 1);
  let hash = Math.imul(size, 0x9e3779b1);
  hash = Math.imul(
    hash ^ (bytes[start] | (bytes[start + (size >> 3)] << 8) | (bytes[start + ((size - 1) >> 1)] << 16) | (bytes[mid] << 24)),
    0x85ebca6b,
  );
  hash = Math.imul(
    hash ^ (bytes[last] | (bytes[start + ((size * 3) >> 2)] << 8) | (bytes[last - (size >> 2)] << 16) | (bytes[start + (size >> 2)] << 24)),
    0xc2b2ae35,
  );
  return (hash ^ (hash >>> 15)) & (SHORT_STRING_SLOTS - 1);
}

function sameAscii(text: string, bytes: Uint8Array, start: number): boolean {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) !== bytes[start + index]) return false;
  }
  return true;
}

function wireTypeName(wireType: number): string {
  return WIRE_TYPE_NAMES[wireType] ?? `invalid (${wireType})`;
}
