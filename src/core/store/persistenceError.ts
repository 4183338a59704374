/** What the store was doing when the disk refused. */
export type PersistenceOperation = 'create-dir' | 'read' | 'write' | 'delete' | 'move-aside' | 'serialize';

const ERRNO_MEANINGS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'the path is a folder',
  ENOENT: 'no such file or folder',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  EBUSY: 'resource busy',
};

/** A failed disk operation of the trace store, with the path and errno a user needs to fix it. */
export class PersistenceError extends Error {
  override readonly name = 'PersistenceError';
  readonly operation: PersistenceOperation;
  readonly path: string;
  /** The errno name (`EROFS`, `ENOSPC`, …), or undefined when the failure was not a system error. */
  readonly code: string | undefined;

  constructor(operation: PersistenceOperation, path: string, cause: unknown) {
    const code = errnoOf(cause);
    super(describe(operation, path, code, cause), { cause });
    this.operation = operation;
    this.path = path;
    this.code = code;
  }
}

export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describe(operation: PersistenceOperation, path: string, code: string | undefined, cause: unknown): string {
  const verb = {
    'create-dir': 'create the trace store folder',
    read: 'read',
    write: 'write',
    delete: 'delete',
    'move-aside': 'move aside',
    serialize: 'serialize the trace for',
  }[operation];
  const reason = code
    ? `${code} (${ERRNO_MEANINGS[code] ?? (cause instanceof Error ? cause.message : String(cause))})`
    : cause instanceof Error
      ? cause.message
      : String(cause);
  return `Cannot ${verb} ${path}: ${reason}`;
}
