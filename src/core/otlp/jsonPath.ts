import { OtlpDecodeError } from './decodeError';

/**
 * Paths name the field in OTLP/JSON decode errors (`resourceSpans[0].scopeSpans[1].spans[3].traceId`).
 * Building one per field costs more than reading the field, so a request is first read without
 * them and, only when that fails, read again with them so the error says where.
 */
let buildingPaths = true;

/** The path of a member: `path` + `name` (e.g. `.traceId`), or `path` itself while paths are off. */
export function memberPath(path: string, name: string): string {
  return buildingPaths ? path + name : path;
}

/** The path of a list item: `path` + `name` + `[index]`, or `path` itself while paths are off. */
export function listItemPath(path: string, name: string, index: number): string {
  return buildingPaths ? `${path}${name}[${index}]` : path;
}

/** Runs `read` without paths; if it fails to decode, runs it again with paths for a precise error. */
export function readWithPathsOnFailure<T>(read: () => T): T {
  if (!buildingPaths) return read();
  buildingPaths = false;
  try {
    return read();
  } catch (error) {
    if (!(error instanceof OtlpDecodeError)) throw error;
  } finally {
    buildingPaths = true;
  }
  return read();
}
