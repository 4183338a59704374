import { readdir, rename, stat, unlink } from 'node:fs/promises';
import { makeFolder } from './storeFiles';
import { join, relative } from 'node:path';
import { TextFile } from 'lowdb/node';
import { PersistenceError, errnoOf } from './persistenceError';
import type { StoreMeta } from './storeMeta';
import { defaultStoreMeta, findStoreMetaProblem } from './storeMeta';
import type { StoredTrace } from '../../model/storedTrace';
import { findStoredTraceProblem } from './storedTraceShape';
import { corruptFilePath, isTempFileName, isTraceFileName, metaPath, traceFileName, tracesDir } from './storeLayout';
import { runConcurrently } from './runConcurrently';

export interface StoreLoadResult {
  /** Sorted by seq, oldest first. */
  traces: StoredTrace[];
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
export async function loadStore(storeDir: string, report: (error: PersistenceError) => void): Promise<StoreLoadResult> {
  const result: StoreLoadResult = { traces: [], meta: defaultStoreMeta(), problems: [], removedTempFiles: 0, bytesOnDisk: 0 };
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

  result.removedTempFiles += await removeTempFiles(storeDir, result.problems);
  result.removedTempFiles += await removeTempFiles(traceDir, result.problems);
  result.meta = await readMeta(storeDir, result.problems);

  const names = (await listDir(traceDir, result.problems)).filter(isTraceFileName);
  await runConcurrently(names, READ_CONCURRENCY, async (name) => {
    const loaded = await readTraceFile(storeDir, name, result.problems);
    if (loaded) {
      result.traces.push(loaded.trace);
      result.bytesOnDisk += loaded.bytes;
    }
  });
  result.traces.sort((a, b) => a.seq - b.seq || a.receivedAt - b.receivedAt || compareIds(a.traceId, b.traceId));

  // The meta file is written lazily, so after a crash it may lag behind the traces.
  const lastSeq = result.traces.length > 0 ? result.traces[result.traces.length - 1].seq : 0;
  if (result.meta.nextSeq <= lastSeq) result.meta.nextSeq = Math.floor(lastSeq) + 1;
  return result;
}

async function readMeta(storeDir: string, problems: string[]): Promise<StoreMeta> {
  const path = metaPath(storeDir);
  const parsed = await readJsonFile(storeDir, path, problems);
  if (!parsed) return defaultStoreMeta();
  const problem = findStoreMetaProblem(parsed.value);
  if (problem) {
    await moveAside(storeDir, path, problem, problems);
    return defaultStoreMeta();
  }
  return { ...defaultStoreMeta(), ...(parsed.value as StoreMeta) };
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

async function removeTempFiles(dir: string, problems: string[]): Promise<number> {
  let removed = 0;
  for (const name of await listDir(dir, problems)) {
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
