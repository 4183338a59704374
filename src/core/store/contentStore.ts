import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PersistenceError, errnoOf } from './persistenceError';
import { encodeUtf8, STORE_FILE_MODE, STORE_FOLDER_MODE, unlinkIfPresent, writeTextFile } from './storeFiles';
import { contentDir, contentFilePath, isContentFileName, isTempFileName, tempFilePath } from './storeLayout';
import { CONTENT_MIN_CHARS, PART_MIN_CHARS, splitAfterPart, splitContent } from './contentParts';
import { ContentValue, type ContentPart, type ContentReader } from './contentValue';
import { runConcurrently } from './runConcurrently';

export interface ContentStoreOptions {
  /** Content read back kept in memory, in UTF-16 units. Default 32 Mi. */
  cacheChars?: number;
  /** Content not yet on disk past which new parts are written at once, in bytes. Default 64 MiB. */
  maxPendingBytes?: number;
}

/** How a value was cut, kept to cut the next value of the same attribute faster. */
export interface SplitMemo {
  text: string;
  parts: readonly ContentPart[];
  /** Where each part ends in `text`. */
  ends: readonly number[];
}

interface Entry {
  /** The one string object used for this hash everywhere (part lists share it). */
  hash: string;
  /** Traces that refer to this content. */
  refs: number;
  /** UTF-8 bytes, when known (content read from an index is sized when first referred to again). */
  size?: number;
  /** The bytes, until they are on disk. */
  pending?: Buffer;
}

const READ_CONCURRENCY = 8;

/**
 * The store's content files: each distinct part of a large value, once, named by its sha256.
 *
 * A trace counts as one reference to each distinct hash it holds (`addRef`, `release`). Content
 * is written before any trace file that refers to it and deleted only after the last trace file
 * that referred to it is gone, so a trace file on disk never points at missing content; a crash
 * in between leaves at worst an unreferenced file, which `sweep` removes at the next start.
 */
export class ContentStore implements ContentReader {
  private readonly entries = new Map<string, Entry>();
  /** Entries whose count fell to 0; deleted at the next `deleteUnreferenced` unless referred to again. */
  private readonly unreferenced = new Set<string>();
  /** Hashes being deleted now: a part that comes back meanwhile waits for the next write phase. */
  private readonly deleting = new Set<string>();
  private readonly cache = new Map<string, string>();
  private cachedChars = 0;
  private pendingTotal = 0;
  private readonly cacheChars: number;
  private readonly maxPendingBytes: number;
  /** Content files found missing or damaged when read. */
  readonly problems: string[] = [];

  constructor(
    readonly dir: string,
    options: ContentStoreOptions = {},
  ) {
    this.cacheChars = options.cacheChars ?? 32 * 1024 * 1024;
    this.maxPendingBytes = options.maxPendingBytes ?? 64 * 1024 * 1024;
  }

  /** Distinct content known (on disk or about to be). */
  get size(): number {
    return this.entries.size;
  }

  get pendingBytes(): number {
    return this.pendingTotal;
  }

  get pendingCount(): number {
    let n = 0;
    for (const entry of this.entries.values()) if (entry.pending) n++;
    return n + this.unreferenced.size;
  }

  refCount(hash: string): number {
    return this.entries.get(hash)?.refs ?? 0;
  }

  /** Whether the value deserves to be stored as content rather than inline. */
  static worthStoring(text: string): boolean {
    return text.length >= CONTENT_MIN_CHARS;
  }

  /** Stores a large text's parts (not referenced yet: the caller adds its trace's references). */
  valueOf(text: string, previous?: SplitMemo): { value: ContentValue; memo: SplitMemo } {
    const parts: ContentPart[] = [];
    const ends: number[] = [];
    let at = 0;
    let pieces: string[] | undefined;
    // The same attribute of the trace's previous span usually begins with this one's text (a
    // conversation resent with more messages): its parts are taken as they are, without cutting
    // or hashing that text again, when it does. (`===` on slices compares memory; `startsWith`
    // goes character by character, ten times slower.)
    const shared = previous && previous.parts.length > 1 ? previous.parts.length - 1 : 0;
    if (previous && shared > 0) {
      const prefixEnd = previous.ends[shared - 1];
      if (
        prefixEnd < text.length &&
        text.charCodeAt(prefixEnd) === 0x22 &&
        text.slice(0, prefixEnd) === previous.text.slice(0, prefixEnd)
      ) {
        for (let i = 0; i < shared; i++) {
          parts.push(previous.parts[i]);
          ends.push(previous.ends[i]);
        }
        at = prefixEnd;
        pieces = splitAfterPart(text, prefixEnd);
      }
    }
    pieces ??= splitContent(text);
    for (const piece of pieces) {
      // A short piece is copied: a slice would keep the whole value it was cut from alive.
      parts.push(piece.length < PART_MIN_CHARS ? { text: flatCopy(piece) } : this.put(piece));
      at += piece.length;
      ends.push(at);
    }
    return { value: new ContentValue(parts, text.length, this), memo: { text, parts, ends } };
  }

  /** A value read from a trace file: its hashes become the shared strings. */
  valueFromParts(parts: readonly ContentPart[], chars: number, knownPrefix: readonly ContentPart[] = []): ContentValue {
    const rest = parts.map((part) => (typeof part === 'string' ? this.known(part) : part));
    return new ContentValue(knownPrefix.length > 0 ? knownPrefix.concat(rest) : rest, chars, this);
  }

  /** Stores one part and returns its hash. */
  put(text: string): string {
    const bytes = encodeUtf8(text);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const existing = this.entries.get(hash);
    if (existing) return existing.hash;
    const entry: Entry = { hash, refs: 0, pending: bytes, size: bytes.length };
    this.entries.set(hash, entry);
    this.unreferenced.add(hash);
    this.pendingTotal += bytes.length;
    if (this.pendingTotal > this.maxPendingBytes && !this.deleting.has(hash)) this.writeNow(entry);
    return hash;
  }

  /**
   * The shared string for a hash found in a trace file. An entry made here (the index did not
   * list the hash) is not queued for deletion: only a trace's release does that, and a file
   * nothing refers to is removed by the next start's sweep.
   */
  known(hash: string): string {
    let entry = this.entries.get(hash);
    if (!entry) {
      entry = { hash, refs: 0 };
      this.entries.set(hash, entry);
    }
    return entry.hash;
  }

  /** Counts one more trace referring to the content; returns its size when it was referred to by none before. */
  addRef(hash: string): number {
    const entry = this.entries.get(hash);
    if (!entry) throw new Error(`unknown content ${hash}`);
    if (entry.refs++ > 0) return 0;
    this.unreferenced.delete(hash);
    return entry.size ?? 0;
  }

  release(hash: string): void {
    const entry = this.entries.get(hash);
    if (!entry || entry.refs === 0) return;
    if (--entry.refs === 0) this.unreferenced.add(hash);
  }

  joinParts(parts: readonly ContentPart[]): string {
    if (parts.length === 1) return this.partText(parts[0]);
    let out = '';
    for (const part of parts) out += this.partText(part);
    return out;
  }

  /** Writes every referenced part not yet on disk. Resolves with the first failure, if any. */
  async writePending(): Promise<PersistenceError | undefined> {
    const waiting = [...this.entries.values()].filter((entry) => entry.pending && entry.refs > 0);
    let failure: PersistenceError | undefined;
    await runConcurrently(
      waiting,
      4,
      async (entry) => {
        const bytes = entry.pending;
        if (!bytes) return;
        const path = contentFilePath(this.dir, entry.hash);
        try {
          await writeTextFile(path, bytes);
        } catch (cause) {
          failure ??= new PersistenceError('write', path, cause);
          return;
        }
        if (entry.pending === bytes) this.settle(entry);
      },
      () => failure !== undefined,
    );
    return failure;
  }

  /** Deletes the content no trace refers to any more. */
  async deleteUnreferenced(): Promise<PersistenceError | undefined> {
    const doomed: Entry[] = [];
    for (const hash of this.unreferenced) {
      const entry = this.entries.get(hash);
      if (!entry || entry.refs > 0) continue;
      if (entry.pending) this.settle(entry);
      this.entries.delete(hash);
      this.forget(hash);
      this.deleting.add(hash);
      doomed.push(entry);
    }
    this.unreferenced.clear();
    let failure: PersistenceError | undefined;
    await runConcurrently(doomed, 4, async (entry) => {
      const path = contentFilePath(this.dir, entry.hash);
      try {
        await unlinkIfPresent(path);
      } catch (cause) {
        failure ??= new PersistenceError('delete', path, cause);
        // Try again next time, unless it is referred to again meanwhile.
        if (!this.entries.has(entry.hash)) {
          this.entries.set(entry.hash, { hash: entry.hash, refs: 0 });
          this.unreferenced.add(entry.hash);
        }
      } finally {
        this.deleting.delete(entry.hash);
      }
    });
    return failure;
  }

  /** Forgets everything (the store was cleared); the files go with the folder. */
  clear(): void {
    this.entries.clear();
    this.unreferenced.clear();
    this.cache.clear();
    this.cachedChars = 0;
    this.pendingTotal = 0;
  }

  /**
   * Removes temp files of interrupted writes and content no trace refers to (a crash between a
   * content write and its trace's). Run after the store is loaded and every reference counted.
   */
  async sweep(): Promise<{ removedTempFiles: number; removedUnreferenced: number }> {
    const result = { removedTempFiles: 0, removedUnreferenced: 0 };
    const root = contentDir(this.dir);
    let shards: string[];
    try {
      shards = await readdir(root);
    } catch {
      return result;
    }
    await runConcurrently(shards, READ_CONCURRENCY, async (shard) => {
      const dir = join(root, shard);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return;
      }
      for (const name of names) {
        const temp = isTempFileName(name);
        const orphan = isContentFileName(name) && (this.entries.get(name)?.refs ?? 0) === 0 && !this.entries.get(name)?.pending;
        if (!temp && !orphan) continue;
        if (orphan) {
          this.entries.delete(name);
          this.unreferenced.delete(name);
        }
        await unlinkIfPresent(join(dir, name)).catch(() => undefined);
        if (temp) result.removedTempFiles++;
        else result.removedUnreferenced++;
      }
      await rmdir(dir).catch(() => undefined); // only when empty
    });
    return result;
  }

  private partText(part: ContentPart): string {
    if (typeof part !== 'string') return part.text;
    const cached = this.cache.get(part);
    if (cached !== undefined) {
      // Re-inserting keeps the Map in least-recently-used order.
      this.cache.delete(part);
      this.cache.set(part, cached);
      return cached;
    }
    const entry = this.entries.get(part);
    let text: string;
    if (entry?.pending) text = entry.pending.toString('utf8');
    else text = this.readFile(part);
    this.remember(part, text);
    return text;
  }

  private readFile(hash: string): string {
    const path = contentFilePath(this.dir, hash);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (cause) {
      return this.missing(hash, new PersistenceError('read', path, cause).message);
    }
    if (createHash('sha256').update(bytes).digest('hex') !== hash)
      return this.missing(hash, `${path} does not hold the content its name says`);
    return bytes.toString('utf8');
  }

  private missing(hash: string, why: string): string {
    if (this.problems.length < 100) this.problems.push(why);
    return `[content missing from the store: ${hash}]`;
  }

  private remember(hash: string, text: string): void {
    if (text.length > this.cacheChars / 4) return;
    this.cache.set(hash, text);
    this.cachedChars += text.length;
    while (this.cachedChars > this.cacheChars) {
      const oldest = this.cache.keys().next().value as string;
      this.forget(oldest);
    }
  }

  private forget(hash: string): void {
    const text = this.cache.get(hash);
    if (text === undefined) return;
    this.cache.delete(hash);
    this.cachedChars -= text.length;
  }

  private settle(entry: Entry): void {
    // An entry dropped meanwhile (the store was cleared) no longer counts in the total.
    if (!entry.pending || this.entries.get(entry.hash) !== entry) {
      entry.pending = undefined;
      return;
    }
    this.pendingTotal -= entry.pending.length;
    entry.pending = undefined;
  }

  /** Writes one part synchronously, so one huge request never holds all its content in memory at once. */
  private writeNow(entry: Entry): void {
    const bytes = entry.pending;
    if (!bytes) return;
    const path = contentFilePath(this.dir, entry.hash);
    const temp = tempFilePath(path);
    try {
      try {
        writeFileSync(temp, bytes, { mode: STORE_FILE_MODE });
      } catch (cause) {
        if (errnoOf(cause) !== 'ENOENT') throw cause;
        // Owner-only, like the rest of the store: content is prompts and completions.
        mkdirSync(join(path, '..'), { recursive: true, mode: STORE_FOLDER_MODE });
        writeFileSync(temp, bytes, { mode: STORE_FILE_MODE });
      }
      renameSync(temp, path);
      this.settle(entry);
    } catch {
      // Left pending: the next write phase tries again and reports a failure.
      try {
        unlinkSync(temp);
      } catch {
        // nothing left behind
      }
    }
  }
}

/** A copy of a short string that does not share the memory of the string it was sliced from. */
function flatCopy(text: string): string {
  return (text + ' ').slice(0, -1);
}
