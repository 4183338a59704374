import { mkdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Writer } from 'steno';
import { errnoOf } from './persistenceError';
import { tempFilePath } from './storeLayout';

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
 * steno (lowdb's writer) writes to `.<name>.tmp`, which is then renamed over `<name>`, so a
 * reader (or a crash) sees either the old file or the new one, never a mix.
 * A folder deleted under a running store is created again.
 */
export async function writeTextFile(path: string, content: string | Uint8Array): Promise<void> {
  try {
    try {
      await new Writer(path).write(content);
    } catch (cause) {
      if (errnoOf(cause) !== 'ENOENT') throw cause;
      await mkdir(dirname(path), { recursive: true });
      await new Writer(path).write(content);
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
