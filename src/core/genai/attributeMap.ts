import type { AnyValue, KeyValue } from '../../model/otlpTypes';

/** A finite number from an OTLP value: ints, doubles, and numeric strings (some SDKs stringify counts). */
export function valueNumber(value: AnyValue | undefined): number | undefined {
  if (!value) return undefined;
  if (value.intValue !== undefined) {
    const n = Number(value.intValue);
    return Number.isFinite(n) ? n : undefined;
  }
  if (value.doubleValue !== undefined) return Number.isFinite(value.doubleValue) ? value.doubleValue : undefined;
  if (value.stringValue !== undefined) {
    const text = value.stringValue.trim();
    if (text.length === 0 || text.length > 32) return undefined;
    const n = Number(text);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A non-empty string from an OTLP value; numbers are rendered (ids are sometimes sent as ints). */
export function valueString(value: AnyValue | undefined): string | undefined {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue.length > 0 ? value.stringValue : undefined;
  if (value.intValue !== undefined) return String(value.intValue);
  if (value.doubleValue !== undefined) return Number.isFinite(value.doubleValue) ? String(value.doubleValue) : undefined;
  if (value.boolValue !== undefined) return String(value.boolValue);
  return undefined;
}

/** Keyed access to a span's attributes, built once per span so each lookup is O(1). */
export class AttributeMap {
  private readonly values = new Map<string, AnyValue>();

  constructor(readonly list: readonly KeyValue[]) {
    for (let i = 0; i < list.length; i++) {
      const kv = list[i];
      if (kv && typeof kv.key === 'string' && kv.value) this.values.set(kv.key, kv.value);
    }
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  raw(key: string): AnyValue | undefined {
    return this.values.get(key);
  }

  string(key: string): string | undefined {
    return valueString(this.values.get(key));
  }

  number(key: string): number | undefined {
    return valueNumber(this.values.get(key));
  }

  bool(key: string): boolean | undefined {
    const v = this.values.get(key);
    if (!v) return undefined;
    if (v.boolValue !== undefined) return v.boolValue;
    if (v.stringValue === 'true') return true;
    if (v.stringValue === 'false') return false;
    return undefined;
  }

  firstString(keys: readonly string[]): string | undefined {
    for (const key of keys) {
      const s = valueString(this.values.get(key));
      if (s !== undefined) return s;
    }
    return undefined;
  }

  firstNumber(keys: readonly string[]): number | undefined {
    for (const key of keys) {
      const n = valueNumber(this.values.get(key));
      if (n !== undefined) return n;
    }
    return undefined;
  }

  /** First string of a string or array value (e.g. `gen_ai.response.finish_reasons`). */
  firstOfList(key: string): string | undefined {
    const v = this.values.get(key);
    if (!v) return undefined;
    if (v.arrayValue) {
      for (const item of v.arrayValue.values) {
        const s = valueString(item);
        if (s !== undefined) return s;
      }
      return undefined;
    }
    return valueString(v);
  }
}
