import { statSync } from 'node:fs';
import { readdir, rename, stat, unlink } from 'node:fs/promises';
import { makeFolder } from './storeFiles';
import { join, relative } from 'node:path';
import { TextFile } from 'lowdb/node';
import { PersistenceError, errnoOf } from './persistenceError';
import type { StoreMeta } from './storeMeta';
import { defaultStoreMeta, findStoreMetaProblem, STORE_VERSION } from './storeMeta';
import type { StoredTrace } from '../../model/storedTrace';
import { findStoredTraceProblem } from './storedTraceShape';
import { corruptFilePath, isTempFileName, isTraceFileName, metaPath, traceFileName, traceFilePath, tracesDir } from './storeLayout';
import { runConcurrently } from './runConcurrently';
import type { ContentStore } from './contentStore';
import { decodeContentRefs } from './contentCodec';
import { readIndex, type IndexEntry } from './storeIndex';

export interface StoreLoadResult {
  /** Traces the index describes (their files are read when a view asks), sorted by seq, oldest first. */
  indexed: IndexEntry[];
  /** Traces read whole because the index did not describe them (first-layout stores, a crash before the index line), sorted by seq. */
  traces: StoredTrace[];
  /** The content hashes each trace of `traces` refers to (already counted in the content store). */
  traceRefs: Map<string, string[]>;
  /** The index needs rewriting (damaged, stale or mostly superseded lines). */
  indexStale: boolean;
  /** Lines in the index file as read. */
  indexLines: number;
  /** The meta file is missing or from an older layout: it should be written. */
  metaOutdated: boolean;
  meta: StoreMeta;
  /** Human-readable, one per file that could not be used (and what was done with it). */
  problems: string[];
  /** Temporary files of interrupted writes that were deleted (the previous version stayed intact). */
  removedTempFiles: number;
  /** Total size of the trace files loaded. */
  bytesOnDisk: number;
}

const READ_CONCURRENCY = 16;

/** Reads a store folder, creating it when missing; never throws for a bad file or an unusable disk. */
export async function loadStore(
  storeDir: string,
  report: (error: PersistenceError) => void,
  content?: ContentStore,
): Promise<StoreLoadResult> {
  const result: StoreLoadResult = {
    indexed: [],
    traces: [],
    traceRefs: new Map(),
    indexStale: false,
    indexLines: 0,
    metaOutdated: false,
    meta: defaultStoreMeta(),
    problems: [],
    removedTempFiles: 0,
    bytesOnDisk: 0,
  };
  const traceDir = tracesDir(storeDir);
  try {
    await makeFolder(storeDir);
    await makeFolder(traceDir);
  } catch (cause) {
    const error = new PersistenceError('create-dir', traceDir, cause);
    result.problems.push(`${error.message}; traces are kept in memory only.`);
    report(error);
    return result;
  }

  result.removedTempFiles += await removeTempFiles(storeDir, await listDir(storeDir, result.problems), result.problems);
  const traceDirNames = await listDir(traceDir, result.problems);
  result.removedTempFiles += await removeTempFiles(traceDir, traceDirNames, result.problems);
  result.meta = await readMeta(storeDir, result.problems, result);

  const names = new Set(traceDirNames.filter(isTraceFileName));
  await useIndex(storeDir, names, result, content);
  await runConcurrently([...names], READ_CONCURRENCY, async (name) => {
    const loaded = await readTraceFile(storeDir, name, result.problems);
    if (loaded) {
      result.traces.push(loaded.trace);
      result.bytesOnDisk += loaded.bytes;
      if (content) {
        const refs = [...decodeContentRefs(loaded.trace, content)];
        for (const hash of refs) content.addRef(hash);
        result.traceRefs.set(loaded.trace.traceId, refs);
      }
    }
  });
  result.traces.sort((a, b) => a.seq - b.seq || a.receivedAt - b.receivedAt || compareIds(a.traceId, b.traceId));
  result.indexed.sort((a, b) => a.seq - b.seq || a.receivedAt - b.receivedAt || compareIds(a.traceId, b.traceId));
  if (result.traces.length > 0) result.indexStale = true;

  // The meta file is written lazily, so after a crash it may lag behind the traces.
  const lastSeq = Math.max(result.traces.at(-1)?.seq ?? 0, result.indexed.at(-1)?.seq ?? 0);
  if (result.meta.nextSeq <= lastSeq) result.meta.nextSeq = Math.floor(lastSeq) + 1;
  return result;
}

/**
 * Takes from the index every trace whose file is there and the size its line says (removing its
 * name from `names`, which is left holding the files to read whole: damaged or replaced files,
 * and after an abrupt stop, traces written after their last index line).
 */
async function useIndex(storeDir: string, names: Set<string>, result: StoreLoadResult, content: ContentStore | undefined): Promise<void> {
  if (!content) return;
  let index;
  try {
    index = await readIndex(storeDir);
  } catch (cause) {
    result.problems.push(`${(cause as Error).message}; the traces are read from their files instead.`);
    result.indexStale = true;
    return;
  }
  result.indexLines = index.lines;
  if (index.damaged) result.indexStale = true;
  const candidates = [...index.entries.values()];
  const sizes = new Map<string, number>();
  // Every file's size is checked against its line (one stat each, not a read): a file damaged or
  // replaced since, or written after its line by a run that stopped abruptly, is read whole below,
  // so damage is found and set aside at the start, as before the index existed.
  // Synchronous on purpose: ten thousand stats this way take a fraction of the time (and garbage)
  // of as many promises, and nothing else runs before the store is loaded.
  for (const entry of candidates) {
    const info = statSync(traceFilePath(storeDir, entry.traceId), { throwIfNoEntry: false });
    if (info) sizes.set(entry.traceId, info.size);
  }
  for (const entry of candidates) {
    const name = traceFileName(entry.traceId);
    if (!names.has(name)) {
      result.indexStale = true;
      continue;
    }
    if (sizes.get(entry.traceId) !== entry.fileBytes) {
      result.indexStale = true;
      continue; // read whole below
    }
    names.delete(name);
    result.indexed.push(entry);
    result.bytesOnDisk += entry.fileBytes;
    for (const hash of entry.refs) {
      content.known(hash);
      content.addRef(hash);
    }
  }
}

async function readMeta(storeDir: string, problems: string[], result: { metaOutdated: boolean }): Promise<StoreMeta> {
  const path = metaPath(storeDir);
  const parsed = await readJsonFile(storeDir, path, problems);
  result.metaOutdated = (parsed?.value as StoreMeta | undefined)?.version !== STORE_VERSION;
  if (!parsed) return defaultStoreMeta();
  const problem = findStoreMetaProblem(parsed.value);
  if (problem) {
    await moveAside(storeDir, path, problem, problems);
    return defaultStoreMeta();
  }
  return { ...defaultStoreMeta(), ...(parsed.value as StoreMeta), version: STORE_VERSION };
}

async function readTraceFile(
  storeDir: string,
  name: string,
  problems: string[],
): Promise<{ trace: StoredTrace; bytes: number } | undefined> {
  const path = join(tracesDir(storeDir), name);
  const parsed = await readJsonFile(storeDir, path, problems);
  if (!parsed) return undefined;
  let problem = findStoredTraceProblem(parsed.value);
  const trace = parsed.value as StoredTrace;
  if (!problem && traceFileName(trace.traceId) !== name) problem = `it holds trace ${trace.traceId}, not the one its name says`;
  if (problem) {
    await moveAside(storeDir, path, problem, problems);
    return undefined;
  }
  return { trace, bytes: parsed.bytes };
}

/** Reads and parses a JSON file; a parse failure moves the file aside. Undefined when there is nothing usable. */
async function readJsonFile(storeDir: string, path: string, problems: string[]): Promise<{ value: unknown; bytes: number } | undefined> {
  let text: string | null;
  try {
    text = await new TextFile(path).read();
  } catch (cause) {
    problems.push(`${new PersistenceError('read', path, cause).message}; it was skipped.`);
    return undefined;
  }
  if (text === null) return undefined;
  try {
    return { value: JSON.parse(text), bytes: Buffer.byteLength(text) };
  } catch (cause) {
    const reason = text.length === 0 ? 'the file is empty' : `invalid JSON: ${(cause as Error).message}`;
    await moveAside(storeDir, path, reason, problems);
    return undefined;
  }
}

async function moveAside(storeDir: string, path: string, reason: string, problems: string[]): Promise<void> {
  const shown = relative(storeDir, path);
  let target = corruptFilePath(path);
  try {
    // Two files set aside in the same millisecond must not overwrite one another.
    for (let n = 2; await exists(target); n++) target = `${corruptFilePath(path)}-${n}`;
    await rename(path, target);
    problems.push(`Store file ${shown} is unusable (${reason}); moved aside to ${relative(storeDir, target)}.`);
  } catch (cause) {
    const error = new PersistenceError('move-aside', path, cause);
    problems.push(`Store file ${shown} is unusable (${reason}) and could not be moved aside (${error.message}); it was skipped.`);
  }
}

async function removeTempFiles(dir: string, names: readonly string[], problems: string[]): Promise<number> {
  let removed = 0;
  for (const name of names) {
    if (!isTempFileName(name)) continue;
    try {
      await unlink(join(dir, name));
      removed++;
    } catch (cause) {
      if (errnoOf(cause) !== 'ENOENT') problems.push(`${new PersistenceError('delete', join(dir, name), cause).message}.`);
    }
  }
  return removed;
}

async function listDir(dir: string, problems: string[]): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (cause) {
    if (errnoOf(cause) !== 'ENOENT') problems.push(`${new PersistenceError('read', dir, cause).message}.`);
    return [];
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
