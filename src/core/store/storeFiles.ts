import { chmod, mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { errnoOf } from './persistenceError';
import { tempFilePath } from './storeLayout';

/** Store folders are readable by their owner only: traces hold prompts, and other local users could read them. */
export const STORE_FOLDER_MODE = 0o700;
/** Store files likewise. */
export const STORE_FILE_MODE = 0o600;

const utf8 = new TextEncoder();

/**
 * UTF-8 bytes of a (possibly multi-megabyte) JSON text. `TextEncoder.encodeInto` into a buffer of
 * the exact size is several times faster than `Buffer.from(text)`, and lone surrogates become
 * U+FFFD either way.
 */
export function encodeUtf8(text: string): Buffer {
  const bytes = Buffer.allocUnsafe(Buffer.byteLength(text, 'utf8'));
  utf8.encodeInto(text, bytes);
  return bytes;
}

/**
 * Writes `.<name>.tmp` (owner-only) and renames it over `<name>`, so a reader (or a crash) sees
 * either the old file or the new one, never a mix. A folder deleted under a running store is
 * created again.
 */
export async function writeTextFile(path: string, content: string | Uint8Array): Promise<void> {
  try {
    try {
      await writeAndRename(path, content);
    } catch (cause) {
      if (errnoOf(cause) !== 'ENOENT') throw cause;
      await makeFolder(dirname(path));
      await writeAndRename(path, content);
    }
  } catch (cause) {
    // A partial temp file left by a full disk would keep holding the space it needs.
    await unlink(tempFilePath(path)).catch(() => undefined);
    throw cause;
  }
}

async function writeAndRename(path: string, content: string | Uint8Array): Promise<void> {
  const temp = tempFilePath(path);
  try {
    await writeFile(temp, content, { mode: STORE_FILE_MODE, flag: 'wx' });
  } catch (cause) {
    // A temp file left by a crash may carry another mode; it is replaced, not reused.
    if (errnoOf(cause) !== 'EEXIST') throw cause;
    await unlink(temp);
    await writeFile(temp, content, { mode: STORE_FILE_MODE, flag: 'wx' });
  }
  await rename(temp, path);
}

/**
 * Creates `path` and any missing parents, owner-only. Unlike `mkdir({ recursive: true })`, which
 * loops forever on a path such as `/proc/self/x`, a level that cannot be created is an error.
 * An existing folder is narrowed to owner-only (stores made by earlier versions were 0755).
 */
export async function makeFolder(path: string): Promise<void> {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      if (!(await stat(current)).isDirectory()) throw Object.assign(new Error(`${current} is not a folder`), { code: 'ENOTDIR' });
      break;
    } catch (cause) {
      const parent = dirname(current);
      if (errnoOf(cause) !== 'ENOENT' || parent === current) throw cause;
      missing.push(current);
      current = parent;
    }
  }
  if (missing.length === 0) {
    await chmod(current, STORE_FOLDER_MODE).catch(() => undefined);
    return;
  }
  for (const folder of missing.reverse()) {
    try {
      await mkdir(folder, { mode: STORE_FOLDER_MODE });
    } catch (cause) {
      if (errnoOf(cause) !== 'EEXIST') throw cause;
    }
  }
}

export async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (cause) {
    if (errnoOf(cause) !== 'ENOENT') throw cause;
  }
}
