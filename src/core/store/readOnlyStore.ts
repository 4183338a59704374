import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PersistencePort } from '../engine/traceEngine';
import { isTraceFileName, metaPath, tracesDir } from './storeLayout';
import type { StoredTrace } from '../../model/storedTrace';
import { findStoredTraceProblem } from './storedTraceShape';
import { ContentStore } from './contentStore';
import { decodeContentRefs } from './contentCodec';

/**
 * A store folder opened for reading only (`loupe mcp` with no Loupe running): it loads what is
 * there and never writes, moves or deletes a file, so a Loupe started later finds the folder as it was.
 */
export class ReadOnlyStore implements PersistencePort {
  readonly lastError = undefined;
  /** Reads long values from the content files when they are shown; it writes nothing (no value is ever stored through it). */
  private readonly contentFiles: ContentStore;

  constructor(private readonly dir: string) {
    this.contentFiles = new ContentStore(dir);
  }

  async load(): Promise<{ traces: StoredTrace[]; problems: string[]; meta: { evictedTraces: number; evictedSpans?: number } }> {
    const problems: string[] = [];
    let names: string[] = [];
    try {
      names = (await readdir(tracesDir(this.dir))).filter(isTraceFileName);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        problems.push(`Cannot list ${tracesDir(this.dir)}: ${(error as Error).message}`);
    }
    const traces: StoredTrace[] = [];
    for (const name of names) {
      try {
        const value: unknown = JSON.parse(await readFile(join(tracesDir(this.dir), name), 'utf8'));
        const problem = findStoredTraceProblem(value);
        if (problem) problems.push(`${name} skipped: ${problem}`);
        else {
          decodeContentRefs(value as StoredTrace, this.contentFiles);
          traces.push(value as StoredTrace);
        }
      } catch (error) {
        problems.push(`${name} skipped: ${(error as Error).message}`);
      }
    }
    traces.sort((a, b) => a.seq - b.seq);
    let evictedTraces = 0;
    try {
      const meta = JSON.parse(await readFile(metaPath(this.dir), 'utf8')) as { evictedTraces?: unknown };
      if (typeof meta.evictedTraces === 'number') evictedTraces = meta.evictedTraces;
    } catch {
      // No meta yet, or a damaged one: the counts start at zero, the traces are what matters.
    }
    return { traces, problems, meta: { evictedTraces } };
  }

  markDirty(): void {}
  updateMeta(): void {}
  remove(): void {}
  removeAll(): void {}
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
