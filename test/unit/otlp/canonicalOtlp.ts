/**
 * Brings the official `JsonTraceSerializer` / `JsonLogsSerializer` output (parsed back from its
 * bytes, so `undefined` members are already gone) to the canonical decoded form of
 * src/core/otlp/model.ts. Every difference between the two is one rule here:
 *
 * 1. `intValue` is written as a JSON number; canonical is exact decimal text. An integral number
 *    outside the int64 range (e.g. 1.5e300) is also written as `intValue`, though the protobuf
 *    serializer sends it as a double; canonical is `doubleValue`, as the decoder reads it.
 * 2. `droppedAttributesCount`, `droppedEventsCount`, `droppedLinksCount` and `flags` are written
 *    even when 0; canonical omits proto3 defaults.
 * 3. `status.message` may be `""`; canonical omits it.
 * 4. The resource carries a `schemaUrl` of its own, which is not an OTLP/JSON field (the OTLP
 *    field is `ResourceSpans.schemaUrl`, written alongside); canonical has no such member.
 * 5. A log record without a body gets `body: {}`, while the protobuf serializer writes no body
 *    field; canonical omits the body.
 */
export function canonicalFromSdkJson(serialized: Uint8Array): unknown {
  return canonical(JSON.parse(Buffer.from(serialized).toString('utf8')), '');
}

const ZERO_OMITTED = new Set(['droppedAttributesCount', 'droppedEventsCount', 'droppedLinksCount', 'flags']);

function canonical(value: unknown, parentKey: string): unknown {
  if (Array.isArray(value)) return value.map((item) => canonical(item, parentKey));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (key === 'intValue' && typeof member === 'number') {
      if (member < -(2 ** 63) || member >= 2 ** 63) out.doubleValue = member;
      else out[key] = Number.isSafeInteger(member) ? String(member) : BigInt(member).toString();
      continue;
    }
    if (ZERO_OMITTED.has(key) && member === 0) continue;
    if (parentKey === 'status' && key === 'message' && member === '') continue;
    if (parentKey === 'resource' && key === 'schemaUrl') continue;
    if (parentKey === 'logRecords' && key === 'body' && isEmptyObject(member)) continue;
    out[key] = canonical(member, key);
  }
  return out;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
