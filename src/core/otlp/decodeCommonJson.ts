import { OtlpDecodeError } from './decodeError';
import { MAX_VALUE_DEPTH } from './decodeLimits';
import { arrayAt, boolAt, bytesAt, doubleAt, fail, int64At, objectAt, stringAt, uint32At } from './jsonFields';
import type { JsonObject } from './jsonFields';
import { listItemPath, memberPath } from './jsonPath';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../../model/otlpTypes';

/** Parses a JSON request body; a byte-order mark is dropped and invalid UTF-8 becomes U+FFFD. */
export function parseJsonBody(bytes: Uint8Array): JsonObject {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return objectAt(parsed, 'request');
}

export function readAnyValueJson(raw: unknown, path: string, depth: number): AnyValue {
  const value = objectAt(raw, path);
  if (depth > MAX_VALUE_DEPTH) fail(path, `values nested at most ${MAX_VALUE_DEPTH} levels deep`);
  let member: unknown;
  if ((member = value.stringValue ?? value.string_value) !== undefined) {
    return { stringValue: stringAt(member, memberPath(path, '.stringValue')) };
  }
  if ((member = value.intValue ?? value.int_value) !== undefined) {
    // The JS SDK's JSON serializer writes any integral number as intValue, even 1e300, which its
    // protobuf serializer sends as a double; keep such values as doubles rather than refuse them.
    if (typeof member === 'number' && Number.isInteger(member) && (member < -(2 ** 63) || member >= 2 ** 63)) {
      return { doubleValue: member };
    }
    return { intValue: int64At(member, memberPath(path, '.intValue')) };
  }
  if ((member = value.boolValue ?? value.bool_value) !== undefined) {
    return { boolValue: boolAt(member, memberPath(path, '.boolValue')) };
  }
  if ((member = value.doubleValue ?? value.double_value) !== undefined) {
    return { doubleValue: doubleAt(member, memberPath(path, '.doubleValue')) };
  }
  if ((member = value.arrayValue ?? value.array_value) !== undefined) {
    const listPath = memberPath(path, '.arrayValue.values');
    const list = objectAt(member, memberPath(path, '.arrayValue'));
    const items = arrayAt(list.values, listPath);
    const values: AnyValue[] = new Array(items.length);
    for (let index = 0; index < items.length; index++) {
      values[index] = readAnyValueJson(items[index], listItemPath(listPath, '', index), depth + 1);
    }
    return { arrayValue: { values } };
  }
  if ((member = value.kvlistValue ?? value.kvlist_value) !== undefined) {
    const list = objectAt(member, memberPath(path, '.kvlistValue'));
    return { kvlistValue: { values: readKeyValuesJson(list.values, memberPath(path, '.kvlistValue.values'), depth + 1) } };
  }
  if ((member = value.bytesValue ?? value.bytes_value) !== undefined) {
    return { bytesValue: bytesAt(member, memberPath(path, '.bytesValue')) };
  }
  return {};
}

export function readKeyValuesJson(raw: unknown, path: string, depth: number): KeyValue[] {
  const items = arrayAt(raw, path);
  const keyValues: KeyValue[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) {
    const itemPath = listItemPath(path, '', index);
    const item = objectAt(items[index], itemPath);
    const value = item.value;
    keyValues[index] = {
      key: stringAt(item.key, memberPath(itemPath, '.key')),
      value: value === undefined || value === null ? {} : readAnyValueJson(value, memberPath(itemPath, '.value'), depth),
    };
  }
  return keyValues;
}

export function readResourceJson(raw: unknown, path: string): Resource {
  const object = objectAt(raw, path);
  const resource: Resource = { attributes: readKeyValuesJson(object.attributes, memberPath(path, '.attributes'), 0) };
  const dropped = uint32At(object.droppedAttributesCount ?? object.dropped_attributes_count, memberPath(path, '.droppedAttributesCount'));
  if (dropped !== 0) resource.droppedAttributesCount = dropped;
  return resource;
}

export function readScopeJson(raw: unknown, path: string): InstrumentationScope {
  const object = objectAt(raw, path);
  const scope: InstrumentationScope = { name: stringAt(object.name, memberPath(path, '.name')) };
  const version = stringAt(object.version, memberPath(path, '.version'));
  if (version !== '') scope.version = version;
  const attributes = readKeyValuesJson(object.attributes, memberPath(path, '.attributes'), 0);
  if (attributes.length > 0) scope.attributes = attributes;
  const dropped = uint32At(object.droppedAttributesCount ?? object.dropped_attributes_count, memberPath(path, '.droppedAttributesCount'));
  if (dropped !== 0) scope.droppedAttributesCount = dropped;
  return scope;
}
