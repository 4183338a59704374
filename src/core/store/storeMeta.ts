import { isRecord } from './storedTraceShape';

/**
 * Layout version of the store folder. 1: every value inline in its trace file. 2: large values
 * in content files and an index. A version 2 store reads version 1 files as they are (and
 * rewrites them in its own layout); an older Loupe refuses a version 2 meta file.
 */
export const STORE_VERSION = 2;
const READABLE_VERSIONS: readonly unknown[] = [1, 2];

/** The store's own small state, kept in DIR/meta.json. */
export interface StoreMeta {
  version: number;
  /** The `seq` the next new trace gets; on load it is raised past every stored trace's seq. */
  nextSeq: number;
  /** Traces evicted by policy since the store was created. */
  evictedTraces: number;
  /** Spans in those traces (absent in stores written before it was counted). */
  evictedSpans?: number;
}

export function defaultStoreMeta(): StoreMeta {
  return { version: STORE_VERSION, nextSeq: 1, evictedTraces: 0 };
}

/** The first problem with a parsed meta file, or undefined when it is usable. */
export function findStoreMetaProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not a JSON object';
  if (!READABLE_VERSIONS.includes(value.version)) return `unsupported version ${JSON.stringify(value.version)}`;
  for (const key of ['nextSeq', 'evictedTraces'] as const) {
    const field = value[key];
    if (typeof field !== 'number' || !Number.isSafeInteger(field) || field < 0) return `${key} is not a whole number`;
  }
  const spans = value.evictedSpans;
  if (spans !== undefined && (typeof spans !== 'number' || !Number.isSafeInteger(spans) || spans < 0))
    return 'evictedSpans is not a whole number';
  return undefined;
}
