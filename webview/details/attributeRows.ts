import type { AttributeValue, Attributes } from '../../src/model/traceTypes';

export interface AttributeRow {
  key: string;
  /** The value as shown: strings as they are, everything else as JSON. */
  value: string;
  type: 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';
}

function typeOf(value: AttributeValue): AttributeRow['type'] {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

export function attributeText(value: AttributeValue): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/** Attributes as table rows sorted by key, keeping those whose key or value contains `filter` (any case). */
export function attributeRows(attributes: Attributes | undefined, filter = ''): AttributeRow[] {
  if (!attributes || typeof attributes !== 'object') return [];
  const needle = filter.trim().toLowerCase();
  const rows: AttributeRow[] = [];
  for (const key of Object.keys(attributes).sort()) {
    const value = attributes[key];
    const text = attributeText(value);
    if (needle && !key.toLowerCase().includes(needle) && !text.toLowerCase().includes(needle)) continue;
    rows.push({ key, value: text, type: typeOf(value) });
  }
  return rows;
}
