/** Where one field sits in a protobuf buffer, found by walking it (for structure-aware mutations). */
export interface FieldSite {
  /** Offset of the tag varint. */
  tagOffset: number;
  tagLength: number;
  fieldNumber: number;
  wireType: number;
  /** 0 for fields of the outer message; sites deeper than 1 may lie inside strings that happened to parse. */
  depth: number;
  /** For length-delimited fields: where the length varint starts and how long it is. */
  lengthOffset?: number;
  lengthLength?: number;
}

function readVarint(bytes: Uint8Array, offset: number, end: number): { value: number; length: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && offset + i < end; i++) {
    const byte = bytes[offset + i];
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return { value, length: i + 1 };
  }
  return undefined;
}

/**
 * Lists every field of a valid message, descending into length-delimited fields that themselves
 * parse as messages. Strings that happen to parse are walked too; that only adds mutation sites.
 */
export function fieldSites(bytes: Uint8Array, start = 0, end = bytes.length, depth = 0, out: FieldSite[] = []): FieldSite[] {
  if (depth > 12) return out;
  const found: FieldSite[] = [];
  const nested: [number, number][] = [];
  let offset = start;
  while (offset < end) {
    const tag = readVarint(bytes, offset, end);
    if (!tag || tag.value === 0) return out;
    const site: FieldSite = {
      tagOffset: offset,
      tagLength: tag.length,
      fieldNumber: Math.floor(tag.value / 8),
      wireType: tag.value % 8,
      depth,
    };
    offset += tag.length;
    switch (site.wireType) {
      case 0: {
        const value = readVarint(bytes, offset, end);
        if (!value) return out;
        offset += value.length;
        break;
      }
      case 1:
        offset += 8;
        break;
      case 5:
        offset += 4;
        break;
      case 2: {
        const length = readVarint(bytes, offset, end);
        if (!length || offset + length.length + length.value > end) return out;
        site.lengthOffset = offset;
        site.lengthLength = length.length;
        offset += length.length;
        nested.push([offset, offset + length.value]);
        offset += length.value;
        break;
      }
      default:
        return out;
    }
    if (offset > end) return out;
    found.push(site);
  }
  out.push(...found);
  for (const [from, to] of nested) fieldSites(bytes, from, to, depth + 1, out);
  return out;
}

export function encodeVarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
