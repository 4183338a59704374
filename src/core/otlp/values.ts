import type { AnyValue, KeyValue } from '../../model/otlpTypes';
import type { AttributeValue, Attributes } from '../../model/traceTypes';
import { setEntry } from '../../model/plainRecord';

/** Converts an OTLP value to plain JSON. int64 stays a number while exact, else a decimal string. */
export function anyValueToJson(value: AnyValue | undefined): AttributeValue {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) {
    const n = Number(value.intValue);
    return Number.isSafeInteger(n) ? n : value.intValue;
  }
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== undefined) return value.arrayValue.values.map(anyValueToJson);
  if (value.kvlistValue !== undefined) return attributesToObject(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}

export function attributesToObject(attributes: readonly KeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  if (!attributes) return out;
  for (const { key, value } of attributes) setEntry(out, key, anyValueToJson(value));
  return out;
}

/** Unix nanoseconds (decimal string) to fractional Unix milliseconds, without BigInt. */
export function nanosToMs(nanos: string | undefined): number {
  if (!nanos) return 0;
  const n = nanos.length;
  // Digit by digit, without the two substrings: every view parses two of these per span.
  if (n > 6 && n <= 21) {
    let ms = 0;
    let fraction = 0;
    for (let i = 0; i < n; i++) {
      const digit = nanos.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return nanosToMsBySlices(nanos);
      if (i < n - 6) ms = ms * 10 + digit;
      else fraction = fraction * 10 + digit;
    }
    return ms + fraction / 1e6;
  }
  return nanosToMsBySlices(nanos);
}

function nanosToMsBySlices(nanos: string): number {
  if (nanos.length <= 6) return Number(nanos) / 1e6;
  return Number(nanos.slice(0, -6)) + Number(nanos.slice(-6)) / 1e6;
}

/** An `AnyValue` with no member set (`{}`), which carries no value at all. */
export function isEmptyValue(value: AnyValue): boolean {
  for (const member in value) if (Object.hasOwn(value, member)) return false;
  return true;
}
