import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Where the store keeps its files (the README's "Your data" section explains them to users):
 *   DIR/meta.json                 small, rewritten only when it changes
 *   DIR/index.jsonl               one line per trace write or delete: each trace's summary and the
 *                                 content it refers to, so a start reads this file, not every trace
 *   DIR/traces/<traceId>.json     one file per trace, so persisting a trace costs O(that trace)
 *   DIR/content/<ab>/<sha256>     each distinct part of a large value, once, as its UTF-8 bytes
 * Order across restarts comes from each trace's `seq`.
 */
export const META_FILE_NAME = 'meta.json';
export const INDEX_FILE_NAME = 'index.jsonl';
export const TRACES_DIR_NAME = 'traces';
export const CONTENT_DIR_NAME = 'content';
const CONTENT_FILE_NAME = /^[0-9a-f]{64}$/;
const TRACE_FILE_SUFFIX = '.json';

// Lowercase only, so two ids differing in case cannot share a file on case-insensitive disks.
const SAFE_FILE_ID = /^[0-9a-z_-]{1,128}$/;

export function tracesDir(storeDir: string): string {
  return join(storeDir, TRACES_DIR_NAME);
}

export function metaPath(storeDir: string): string {
  return join(storeDir, META_FILE_NAME);
}

export function indexPath(storeDir: string): string {
  return join(storeDir, INDEX_FILE_NAME);
}

export function contentDir(storeDir: string): string {
  return join(storeDir, CONTENT_DIR_NAME);
}

/** Sharded by the first two hex digits, so no folder holds more than a few thousand files. */
export function contentFilePath(storeDir: string, hash: string): string {
  return join(storeDir, CONTENT_DIR_NAME, hash.slice(0, 2), hash);
}

export function isContentFileName(name: string): boolean {
  return CONTENT_FILE_NAME.test(name);
}

/** The file name of a trace: its id when that is a safe file name, otherwise a hash of it. */
export function traceFileName(traceId: string): string {
  if (SAFE_FILE_ID.test(traceId)) return traceId + TRACE_FILE_SUFFIX;
  return 'h-' + createHash('sha256').update(traceId).digest('hex') + TRACE_FILE_SUFFIX;
}

export function traceFilePath(storeDir: string, traceId: string): string {
  return join(tracesDir(storeDir), traceFileName(traceId));
}

export function isTraceFileName(name: string): boolean {
  return name.endsWith(TRACE_FILE_SUFFIX) && !name.startsWith('.');
}

/** Files are written as `.<name>.tmp` beside the target and renamed; a crash can leave one. */
export function isTempFileName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/** The temp file written before it is renamed to `path`. */
export function tempFilePath(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp`);
}

/** `<name>.corrupt-<UTC time>` beside the original, e.g. `abc.json.corrupt-2025-01-31T10-20-30-400Z`. */
export function corruptFilePath(path: string, now: Date = new Date()): string {
  return `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
}
