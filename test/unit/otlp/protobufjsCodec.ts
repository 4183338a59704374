import protobuf from 'protobufjs';
import { otlpType } from './protobufjsOtlpSchema';
import type { SeededRandom } from './randomOtlp';

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** A decoded-form object as a protobufjs plain object: hex ids and base64 bytes become byte arrays. */
export function toProtobufjsObject(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => toProtobufjsObject(item));
  if (typeof value === 'string' && ID_FIELDS.has(key)) return Buffer.from(value, 'hex');
  if (typeof value === 'string' && key === 'bytesValue') return Buffer.from(value, 'base64');
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([member, item]) => [member, toProtobufjsObject(item, member)]));
}

/** Members the decoded form always has, per message; every other member is omitted at its default. */
const ALWAYS_PRESENT: Record<string, readonly string[]> = {
  ExportTraceServiceRequest: ['resourceSpans'],
  ResourceSpans: ['scopeSpans'],
  ScopeSpans: ['spans'],
  Span: ['traceId', 'spanId', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano', 'attributes', 'events', 'links', 'status'],
  Event: ['timeUnixNano', 'name', 'attributes'],
  Link: ['traceId', 'spanId', 'attributes'],
  Status: ['code'],
  ExportLogsServiceRequest: ['resourceLogs'],
  ResourceLogs: ['scopeLogs'],
  ScopeLogs: ['logRecords'],
  LogRecord: ['attributes'],
  Resource: ['attributes'],
  InstrumentationScope: ['name'],
  KeyValue: ['key', 'value'],
  ArrayValue: ['values'],
  KeyValueList: ['values'],
};

const TO_OBJECT_OPTIONS: protobuf.IConversionOptions = { longs: String, bytes: String, enums: Number, defaults: false, arrays: true };

/** Decodes with protobufjs and brings its `toObject` output to the canonical decoded form. */
export function decodeWithProtobufjs(typeName: string, bytes: Uint8Array): unknown {
  const type = otlpType(typeName);
  return canonicalFromProtobufjs(type, type.toObject(type.decode(bytes), TO_OBJECT_OPTIONS));
}

/**
 * The normalization, message by message: ids from base64 to lowercase hex; members at their
 * proto3 default (`""`, `0`, `"0"`, empty list, empty bytes) omitted unless the decoded form
 * always has them; always-present members filled with their default when absent (a missing
 * `status` is `{ code: 0 }`, a missing `KeyValue.value` is `{}`); a log body with no value set
 * is omitted. `AnyValue` members are kept as set, since which member is set is the value.
 */
function canonicalFromProtobufjs(type: protobuf.Type, object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const alwaysPresent = ALWAYS_PRESENT[type.name] ?? [];
  for (const field of type.fieldsArray) {
    let value = object[field.name];
    const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    if (value !== undefined && nested) {
      value = field.repeated
        ? (value as Record<string, unknown>[]).map((item) => canonicalFromProtobufjs(nested, item))
        : canonicalFromProtobufjs(nested, value as Record<string, unknown>);
    } else if (typeof value === 'string' && ID_FIELDS.has(field.name)) {
      value = Buffer.from(value, 'base64').toString('hex');
    }
    if (type.name === 'AnyValue') {
      if (value !== undefined) out[field.name] = value;
      continue;
    }
    if (alwaysPresent.includes(field.name)) {
      out[field.name] = value ?? defaultFor(field);
    } else if (!isDefault(value)) {
      if (type.name === 'LogRecord' && field.name === 'body' && Object.keys(value as object).length === 0) continue;
      out[field.name] = value;
    }
  }
  return out;
}

function defaultFor(field: protobuf.Field): unknown {
  if (field.repeated) return [];
  if (field.type === 'Status') return { code: 0 };
  if (field.type === 'AnyValue') return {};
  if (field.type === 'fixed64') return '0';
  if (field.type === 'string' || field.type === 'bytes') return '';
  return 0;
}

function isDefault(value: unknown): boolean {
  return value === undefined || value === '' || value === 0 || value === '0' || (Array.isArray(value) && value.length === 0);
}

/**
 * Encodes a protobufjs plain object field by field, recursively, in a random order that keeps
 * repeated fields in sequence, with unknown fields of every wire type interleaved when asked.
 * Any field order is valid protobuf, and real encoders do not all follow field-number order.
 */
export function encodeShuffled(typeName: string, object: Record<string, unknown>, random: SeededRandom, unknownRate: number): Uint8Array {
  const type = otlpType(typeName);
  const groups: Uint8Array[][] = [];
  for (const field of type.fieldsArray) {
    const value = object[field.name];
    if (value === undefined || value === null) continue;
    const items = field.repeated ? (value as unknown[]) : [value];
    if (items.length === 0) continue;
    const pieces = items.map((item) => {
      if (field.resolvedType instanceof protobuf.Type) {
        const inner = encodeShuffled(field.resolvedType.name, item as Record<string, unknown>, random, unknownRate);
        return protobuf.Writer.create()
          .uint32((field.id << 3) | 2)
          .bytes(inner)
          .finish();
      }
      return type.encode(type.fromObject({ [field.name]: item })).finish();
    });
    groups.push(pieces);
  }
  while (random.chance(unknownRate)) groups.push([randomUnknownField(random)]);
  const out: Uint8Array[] = [];
  while (groups.length > 0) {
    const index = random.int(groups.length);
    out.push(groups[index].shift()!);
    if (groups[index].length === 0) groups.splice(index, 1);
  }
  return Buffer.concat(out);
}

function randomUnknownField(random: SeededRandom): Uint8Array {
  const type = otlpType('UnknownFields');
  const choices: Record<string, unknown>[] = [
    { varint: random.pick(['0', '1', '300', '18446744073709551615']) },
    { negativeVarint: '-2' },
    { fixed64: '18446744073709551615' },
    { lengthDelimited: random.bytes(random.int(20)) },
    { fixed32: 0xdeadbeef },
    { nested: { key: 'not an OTLP field', value: { stringValue: 'ignored' } } },
    { highestFieldNumber: 'field 2^29-1' },
  ];
  return type.encode(type.fromObject(random.pick(choices))).finish();
}
