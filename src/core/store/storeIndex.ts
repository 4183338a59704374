import { appendFile, readFile } from 'node:fs/promises';
import type { TraceSummary } from '../../model/traceTypes';
import { PersistenceError, errnoOf } from './persistenceError';
import { STORE_FILE_MODE, writeTextFile } from './storeFiles';
import { indexPath } from './storeLayout';
import { isRecord } from './storedTraceShape';

/** What a start needs of one stored trace without reading its file. */
export interface IndexEntry {
  traceId: string;
  seq: number;
  receivedAt: number;
  updatedAt: number;
  /** Size of the trace file this line describes. */
  fileBytes: number;
  /** The engine's estimate of the trace's size, for the store's megabyte limit. */
  bytes: number;
  summary: TraceSummary;
  /** The price list the summary's costs come from; a start with other prices computes them again. */
  pricing?: string;
  /** Distinct content hashes the trace refers to. */
  refs: string[];
}

/**
 * One line of `index.jsonl`. A trace's lines carry only the content hashes it added since its
 * previous line (a trace's references only grow until it is deleted), so a long session that is
 * written a hundred times does not repeat its whole list each time.
 */
type IndexLine = { put: Omit<IndexEntry, 'refs'> & { addRefs: string[] } } | { del: string } | { clear: true };

export interface IndexReadResult {
  entries: Map<string, IndexEntry>;
  /** Lines read; compared with the entries to decide when to compact. */
  lines: number;
  /** The file was missing (a new store, or one written before the index existed). */
  missing: boolean;
  /** A line could not be used (a torn last line after a crash): the index must be rewritten. */
  damaged: boolean;
}

export async function readIndex(storeDir: string): Promise<IndexReadResult> {
  const result: IndexReadResult = { entries: new Map(), lines: 0, missing: false, damaged: false };
  let text: string;
  try {
    text = await readFile(indexPath(storeDir), 'utf8');
  } catch (cause) {
    if (errnoOf(cause) !== 'ENOENT') throw new PersistenceError('read', indexPath(storeDir), cause);
    result.missing = true;
    return result;
  }
  // Usually every line is whole: then one parse of them all as an array is several times faster
  // than a parse per line. A damaged line (a crash mid-append) sends it to the careful path.
  const end = text.lastIndexOf('\n');
  if (end === text.length - 1) {
    let lines: unknown[] | undefined;
    try {
      lines = JSON.parse(`[${text.slice(0, end).replaceAll('\n', ',')}]`) as unknown[];
    } catch {
      lines = undefined;
    }
    if (lines) {
      result.lines = lines.length;
      for (const line of lines) if (!applyLine(result.entries, line)) result.damaged = true;
      return result;
    }
  }
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    if (end < 0) {
      // No newline at the end: the last append was cut short.
      result.damaged = true;
      break;
    }
    const line = text.slice(at, end);
    at = end + 1;
    if (line.length === 0) continue;
    result.lines++;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      result.damaged = true;
      continue;
    }
    if (!applyLine(result.entries, parsed)) result.damaged = true;
  }
  return result;
}

function applyLine(entries: Map<string, IndexEntry>, line: unknown): boolean {
  if (!isRecord(line)) return false;
  if (line.clear === true) {
    entries.clear();
    return true;
  }
  if (typeof line.del === 'string') {
    entries.delete(line.del);
    return true;
  }
  const put = line.put;
  if (!isRecord(put) || typeof put.traceId !== 'string' || typeof put.seq !== 'number' || !isRecord(put.summary)) return false;
  if (!Array.isArray(put.addRefs) || !put.addRefs.every((h) => typeof h === 'string')) return false;
  const earlier = entries.get(put.traceId);
  // The parsed line becomes the entry as it is (no copy: a start reads thousands of them).
  const entry = put as unknown as IndexEntry & { addRefs: string[] };
  entry.refs = earlier && earlier.refs.length > 0 ? earlier.refs.concat(entry.addRefs) : entry.addRefs;
  entries.set(put.traceId, entry);
  return true;
}

export function putLine(entry: Omit<IndexEntry, 'refs'>, addRefs: readonly string[]): string {
  const line: IndexLine = { put: { ...entry, addRefs: [...addRefs] } };
  return JSON.stringify(line) + '\n';
}

export function deleteLine(traceId: string): string {
  return JSON.stringify({ del: traceId } satisfies IndexLine) + '\n';
}

export function clearLine(): string {
  return JSON.stringify({ clear: true } satisfies IndexLine) + '\n';
}

export async function appendIndex(storeDir: string, text: string): Promise<void> {
  // Owner-only like every store file (the mode applies when the append creates it).
  await appendFile(indexPath(storeDir), text, { mode: STORE_FILE_MODE });
}

/** Rewrites the index with one line per trace (atomically: a temp file renamed over it). */
export async function rewriteIndex(storeDir: string, entries: Iterable<IndexEntry>): Promise<void> {
  const lines: string[] = [];
  for (const { refs, ...entry } of entries) lines.push(putLine(entry, refs));
  await writeTextFile(indexPath(storeDir), lines.join(''));
}
