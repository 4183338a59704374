import { OtlpDecodeError } from './decodeError';

/**
 * Typed reads of parsed OTLP/JSON values, lenient in the ways real senders differ (ints as numbers
 * or strings, enums as numbers or names, ids as hex or base64) and strict about everything else.
 * `null` means absent, as in proto3 JSON. `path` names the field in errors, e.g. `spans[3].traceId`.
 */

export type JsonObject = Record<string, unknown>;

export function fail(path: string, expected: string): never {
  throw new OtlpDecodeError(`${path}: expected ${expected}`);
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectAt(value: unknown, path: string): JsonObject {
  if (!isJsonObject(value)) fail(path, 'an object');
  return value;
}

/** A repeated field; absent means empty. */
export function arrayAt(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, 'an array');
  return value;
}

export function stringAt(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return fail(path, 'a string');
}

export function boolAt(value: unknown, path: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === undefined || value === null) return false;
  return fail(path, 'true or false');
}

const HEX_TEXT = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64_TEXT = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * A trace or span id as lowercase hex. Some senders write ids as base64 (the generic proto3 JSON
 * rule for bytes), so a value that is not hex but is base64 of 8 or 16 bytes is converted.
 * Lengths are not checked here: the engine decides which ids are valid.
 */
export function idAt(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') fail(path, 'a hex string');
  if (HEX_TEXT.test(value)) return value.toLowerCase();
  if (BASE64_TEXT.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length === 16 || bytes.length === 8) return bytes.toString('hex');
  }
  return fail(path, 'a hex string');
}

/** A `bytes` field as standard padded base64 (senders may use the URL-safe alphabet or no padding). */
export function bytesAt(value: unknown, path: string): string {
  if (typeof value !== 'string' || !BASE64_TEXT.test(value)) fail(path, 'a base64 string');
  return Buffer.from(value, 'base64').toString('base64');
}

const INTEGER_TEXT = /^-?[0-9]+$/;
const INT64_MAX = '9223372036854775807';
const INT64_MIN_MAGNITUDE = '9223372036854775808';
const UINT64_MAX = '18446744073709551615';

/** Whether a digit string without leading zeros is at most `max`, also a digit string. */
function digitsAtMost(digits: string, max: string): boolean {
  return digits.length < max.length || (digits.length === max.length && digits <= max);
}

/** A 64-bit integer as exact decimal text; JSON numbers are taken as the exact value they hold. */
function int64Text(value: unknown, path: string, signed: boolean): string {
  let text: string;
  if (typeof value === 'string') {
    if (!INTEGER_TEXT.test(value)) fail(path, 'an integer');
    text = value;
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value)) fail(path, 'an integer');
    text = Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  } else {
    return fail(path, 'an integer');
  }
  const negative = text.charCodeAt(0) === 45;
  let digits = negative ? text.slice(1) : text;
  if (digits.length > 1 && digits.charCodeAt(0) === 48) digits = digits.replace(/^0+(?=[0-9])/, '');
  if (digits === '0') return '0';
  if (negative) {
    if (!signed || !digitsAtMost(digits, INT64_MIN_MAGNITUDE)) fail(path, signed ? 'a 64-bit integer' : 'an unsigned integer');
    return '-' + digits;
  }
  if (!digitsAtMost(digits, signed ? INT64_MAX : UINT64_MAX)) fail(path, signed ? 'a 64-bit integer' : 'a 64-bit unsigned integer');
  return digits;
}

/** `int64` (AnyValue.intValue). */
export function int64At(value: unknown, path: string): string {
  return int64Text(value, path, true);
}

/** `fixed64` nanosecond times; absent is "0". */
export function fixed64At(value: unknown, path: string): string {
  if (value === undefined || value === null) return '0';
  return int64Text(value, path, false);
}

/** `uint32` counts and `fixed32` flags, as numbers or decimal strings. */
export function uint32At(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  const number = typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > 0xffffffff) {
    return fail(path, 'an unsigned 32-bit integer');
  }
  return number;
}

/** An enum: its number, or its proto name (e.g. `SPAN_KIND_CLIENT`). Unknown numbers are kept, as proto3 does. */
export function enumAt(value: unknown, path: string, names: Readonly<Record<string, number>>, enumName: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff) return value;
  if (typeof value === 'string' && Object.hasOwn(names, value)) return names[value];
  return fail(path, `a ${enumName} number or name`);
}

const DOUBLE_TEXT = /^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** A double: a JSON number, or a string holding a number, "NaN", "Infinity" or "-Infinity". */
export function doubleAt(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return NaN;
    if (value === 'Infinity') return Infinity;
    if (value === '-Infinity') return -Infinity;
    if (DOUBLE_TEXT.test(value)) return Number(value);
  }
  return fail(path, 'a number');
}
