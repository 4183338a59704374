import { mkdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TextFile } from 'lowdb/node';
import { errnoOf } from './persistenceError';
import { tempFilePath } from './storeLayout';

/**
 * lowdb's TextFile writes through steno: the text goes to `.<name>.tmp`, which is then renamed
 * over `<name>`, so a reader (or a crash) sees either the old file or the new one, never a mix.
 * A folder deleted under a running store is created again.
 */
export async function writeTextFile(path: string, text: string): Promise<void> {
  try {
    try {
      await new TextFile(path).write(text);
    } catch (cause) {
      if (errnoOf(cause) !== 'ENOENT') throw cause;
      await mkdir(dirname(path), { recursive: true });
      await new TextFile(path).write(text);
    }
  } catch (cause) {
    // A partial temp file left by a full disk would keep holding the space it needs.
    await unlink(tempFilePath(path)).catch(() => undefined);
    throw cause;
  }
}

export async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (cause) {
    if (errnoOf(cause) !== 'ENOENT') throw cause;
  }
}
