import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { AnyValue, KeyValue } from '../../model/otlpTypes';

/**
 * How stored `AnyValue`s become SDK attribute values.
 *
 * - `otlp`: as close to the original as the official OTLP encoder allows. Arrays (mixed or
 *   nested), maps (as plain objects) and bytes (as `Uint8Array`) pass through, and the encoder
 *   writes them back as `arrayValue`, `kvlistValue` and `bytesValue`.
 * - `text`: for encodings whose tags are strings (Zipkin). Strings, booleans and numbers pass
 *   through; arrays and maps become JSON text (as the OpenTelemetry spec maps them for non-OTLP
 *   formats), bytes become base64 and an empty value the empty string.
 *
 * Lossy cases, whichever style:
 * - an `intValue` beyond ±2^53 becomes its exact decimal text (a string), since the encoder takes
 *   JS numbers and would round it;
 * - the encoder writes a `doubleValue` that holds a whole number (e.g. 3.0) as `intValue` 3;
 * - duplicate keys collapse to the last one, and keys that look like array indexes ("0", "12")
 *   move to the front (JavaScript object key order).
 */
export type ValueStyle = 'otlp' | 'text';

/** Attribute keys and map keys are plain data: a null prototype keeps "__proto__" an ordinary key. */
function emptyAttributes(): Record<string, AttributeValue> {
  return Object.create(null) as Record<string, AttributeValue>;
}

export function attributesOf(keyValues: readonly KeyValue[] | undefined, style: ValueStyle): Attributes {
  const attributes = emptyAttributes();
  for (const { key, value } of keyValues ?? []) attributes[key] = attributeValueOf(value, style);
  return attributes;
}

/**
 * Resource attributes go through `resourceFromAttributes`, which keeps only strings, booleans,
 * numbers and arrays of one of those: anything else is sent as JSON text rather than dropped.
 * It still drops an attribute whose key is empty.
 */
export function resourceAttributesOf(keyValues: readonly KeyValue[] | undefined, style: ValueStyle): Attributes {
  const attributes = emptyAttributes();
  for (const { key, value } of keyValues ?? []) {
    const converted = attributeValueOf(value, style);
    attributes[key] = isSimpleValue(converted) ? converted : jsonTextOf(value);
  }
  return attributes;
}

export function attributeValueOf(value: AnyValue, style: ValueStyle): AttributeValue {
  const scalar = scalarOf(value);
  if (scalar !== undefined) return scalar;
  if (style === 'text') {
    if (value.bytesValue !== undefined) return value.bytesValue;
    return value.arrayValue || value.kvlistValue ? jsonTextOf(value) : '';
  }
  if (value.arrayValue) return value.arrayValue.values.map((item) => attributeValueOf(item, style));
  if (value.kvlistValue) return attributesOf(value.kvlistValue.values, style);
  if (value.bytesValue !== undefined) return Buffer.from(value.bytesValue, 'base64');
  // An AnyValue with nothing set; the encoder writes `null` back as an empty AnyValue.
  return null;
}

function scalarOf(value: AnyValue): string | number | boolean | undefined {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return intOf(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return undefined;
}

function intOf(decimal: string): number | string {
  const number = Number(decimal);
  return Number.isSafeInteger(number) ? number : decimal;
}

function isSimpleValue(value: AttributeValue): boolean {
  if (value === null) return false;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return true;
  if (!Array.isArray(value)) return false;
  const types = new Set(value.filter((item) => item !== null).map((item) => typeof item));
  return types.size <= 1 && [...types].every((type) => type === 'string' || type === 'number' || type === 'boolean');
}

/** An AnyValue as JSON text: maps as objects, bytes as base64, big integers as decimal strings. */
export function jsonTextOf(value: AnyValue): string {
  return JSON.stringify(plainOf(value));
}

function plainOf(value: AnyValue): unknown {
  const scalar = scalarOf(value);
  if (scalar !== undefined) return typeof scalar === 'number' && !Number.isFinite(scalar) ? String(scalar) : scalar;
  if (value.arrayValue) return value.arrayValue.values.map(plainOf);
  if (value.kvlistValue) {
    const object: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const { key, value: item } of value.kvlistValue.values) object[key] = plainOf(item);
    return object;
  }
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}
