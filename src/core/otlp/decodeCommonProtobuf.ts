import { MAX_VALUE_DEPTH } from './decodeLimits';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../../model/otlpTypes';
import type { ProtobufReader } from './protobufReader';

// Tags are `fieldNumber << 3 | wireType`; names index by field number for wrong-wire-type errors.
const ANY_VALUE_FIELDS = ['', 'string_value', 'bool_value', 'int_value', 'double_value', 'array_value', 'kvlist_value', 'bytes_value'];
const KEY_VALUE_FIELDS = ['', 'key', 'value'];
const LIST_FIELDS = ['', 'values'];
const RESOURCE_FIELDS = ['', 'attributes', 'dropped_attributes_count'];
const SCOPE_FIELDS = ['', 'name', 'version', 'attributes', 'dropped_attributes_count'];

/** `lazy`: a long string value is decoded when read (span and event attributes; see lazyText.ts). */
export function readAnyValue(reader: ProtobufReader, limit: number, depth: number, lazy = false): AnyValue {
  const end = reader.fieldEnd(limit);
  if (depth > MAX_VALUE_DEPTH) reader.fail(`values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  // A oneof: the last member on the wire wins, as in every protobuf implementation.
  let value: AnyValue | undefined;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (1 << 3) | 2:
        value = lazy ? reader.stringValue(end) : { stringValue: reader.string(end) };
        break;
      case (2 << 3) | 0:
        value = { boolValue: reader.varint32() !== 0 };
        break;
      case (3 << 3) | 0:
        value = { intValue: reader.int64() };
        break;
      case (4 << 3) | 1:
        value = { doubleValue: reader.double() };
        break;
      case (5 << 3) | 2:
        value = { arrayValue: { values: readAnyValueList(reader, end, depth + 1) } };
        break;
      case (6 << 3) | 2:
        value = { kvlistValue: { values: readKeyValueList(reader, end, depth + 1) } };
        break;
      case (7 << 3) | 2:
        value = { bytesValue: reader.base64(end) };
        break;
      default:
        reader.skip(tag, end, 'AnyValue', ANY_VALUE_FIELDS);
    }
  }
  reader.finish(end, 'AnyValue');
  return value ?? {};
}

function readAnyValueList(reader: ProtobufReader, limit: number, depth: number): AnyValue[] {
  const end = reader.fieldEnd(limit);
  const values: AnyValue[] = [];
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | 2)) values.push(readAnyValue(reader, end, depth));
    else reader.skip(tag, end, 'ArrayValue', LIST_FIELDS);
  }
  reader.finish(end, 'ArrayValue');
  return values;
}

function readKeyValueList(reader: ProtobufReader, limit: number, depth: number): KeyValue[] {
  const end = reader.fieldEnd(limit);
  const values: KeyValue[] = [];
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | 2)) values.push(readKeyValue(reader, end, depth));
    else reader.skip(tag, end, 'KeyValueList', LIST_FIELDS);
  }
  reader.finish(end, 'KeyValueList');
  return values;
}

/** One `KeyValue`; a missing value decodes as the empty `AnyValue` `{}`. */
export function readKeyValue(reader: ProtobufReader, limit: number, depth: number, lazy = false): KeyValue {
  const end = reader.fieldEnd(limit);
  let key = '';
  let value: AnyValue | undefined;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | 2)) key = reader.string(end);
    else if (tag === ((2 << 3) | 2)) value = readAnyValue(reader, end, depth, lazy);
    else reader.skip(tag, end, 'KeyValue', KEY_VALUE_FIELDS);
  }
  reader.finish(end, 'KeyValue');
  return { key, value: value ?? {} };
}

export function readResource(reader: ProtobufReader, limit: number): Resource {
  const end = reader.fieldEnd(limit);
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | 2)) attributes.push(readKeyValue(reader, end, 0));
    else if (tag === ((2 << 3) | 0)) droppedAttributesCount = reader.varint32();
    else reader.skip(tag, end, 'Resource', RESOURCE_FIELDS);
  }
  reader.finish(end, 'Resource');
  const resource: Resource = { attributes };
  if (droppedAttributesCount !== 0) resource.droppedAttributesCount = droppedAttributesCount;
  return resource;
}

/** Also reads the older `InstrumentationLibrary`, whose fields 1 and 2 are the same. */
export function readScope(reader: ProtobufReader, limit: number): InstrumentationScope {
  const end = reader.fieldEnd(limit);
  let name = '';
  let version = '';
  let attributes: KeyValue[] | undefined;
  let droppedAttributesCount = 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (1 << 3) | 2:
        name = reader.string(end);
        break;
      case (2 << 3) | 2:
        version = reader.string(end);
        break;
      case (3 << 3) | 2:
        (attributes ??= []).push(readKeyValue(reader, end, 0));
        break;
      case (4 << 3) | 0:
        droppedAttributesCount = reader.varint32();
        break;
      default:
        reader.skip(tag, end, 'InstrumentationScope', SCOPE_FIELDS);
    }
  }
  reader.finish(end, 'InstrumentationScope');
  const scope: InstrumentationScope = { name };
  if (version !== '') scope.version = version;
  if (attributes !== undefined) scope.attributes = attributes;
  if (droppedAttributesCount !== 0) scope.droppedAttributesCount = droppedAttributesCount;
  return scope;
}
