import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const OWNER_FILE_NAME = 'owner.json';
/** How often an owner touches its record, and how old an untouched record must be to count as abandoned. */
export const OWNER_HEARTBEAT_MS = 15_000;
export const OWNER_STALE_MS = 60_000;

/** Who holds a store folder: the one Loupe (VS Code window) that may write it and run the receivers. */
export interface OwnerRecord {
  pid: number;
  /** Tells two engines in one process apart. */
  instance: string;
  host: string;
  /** Where its REST API answers; null while its receivers are off. */
  httpPort: number | null;
  grpcPort: number | null;
  since: number;
}

function ownerPath(storeDir: string): string {
  return join(storeDir, OWNER_FILE_NAME);
}

/** Alive, or not ours to signal (EPERM): either way, not stale. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseRecord(text: string): OwnerRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<OwnerRecord>;
    if (
      typeof value.pid !== 'number' ||
      !Number.isInteger(value.pid) ||
      typeof value.instance !== 'string' ||
      typeof value.host !== 'string'
    )
      return undefined;
    const port = (p: unknown): number | null => (typeof p === 'number' && Number.isInteger(p) && p > 0 && p < 65_536 ? p : null);
    return {
      pid: value.pid,
      instance: value.instance,
      host: value.host,
      httpPort: port(value.httpPort),
      grpcPort: port(value.grpcPort),
      since: Number(value.since) || 0,
    };
  } catch {
    return undefined;
  }
}

async function untouchedFor(path: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > ms;
  } catch {
    return false;
  }
}

export async function readOwner(storeDir: string): Promise<OwnerRecord | undefined> {
  try {
    return parseRecord(await readFile(ownerPath(storeDir), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes beside the target, then links or renames it into place, so readers never see half a record. */
async function writeSide(storeDir: string, record: OwnerRecord): Promise<string> {
  const side = join(storeDir, `.owner-${record.instance}-${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(side, JSON.stringify(record), { mode: 0o600 });
  return side;
}

/**
 * The owner file of a store folder. Created atomically with a hard link (which fails if the
 * file exists), so of several windows opening at once exactly one becomes the owner. A record
 * whose process is gone is stale and taken over; so is an unreadable one.
 */
export class OwnerLock {
  private released = false;
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(
    private readonly storeDir: string,
    private record: OwnerRecord,
  ) {}

  /** The lock, or undefined when a live owner holds it (read it with `readOwner`). */
  static async tryAcquire(storeDir: string, host: string, staleMs = OWNER_STALE_MS): Promise<OwnerLock | undefined> {
    await mkdir(storeDir, { recursive: true, mode: 0o700 });
    const record: OwnerRecord = {
      pid: process.pid,
      instance: randomBytes(8).toString('hex'),
      host,
      httpPort: null,
      grpcPort: null,
      since: Date.now(),
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const side = await writeSide(storeDir, record);
      try {
        await link(side, ownerPath(storeDir));
        const lock = new OwnerLock(storeDir, record);
        lock.beat();
        return lock;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        await unlink(side).catch(() => undefined);
      }
      const holder = await readOwner(storeDir);
      // A live pid alone is not proof: after a crash and a reboot another program may carry it.
      if (holder && processAlive(holder.pid) && !(await untouchedFor(ownerPath(storeDir), staleMs))) return undefined;
      // Stale: move it aside under a unique name so only one contender removes this very file.
      const aside = join(storeDir, `.owner-stale-${randomBytes(4).toString('hex')}.tmp`);
      try {
        await rename(ownerPath(storeDir), aside);
        const moved = parseRecord(await readFile(aside, 'utf8'));
        if (moved && holder && moved.instance !== holder.instance && processAlive(moved.pid)) {
          // Another window took over between the read and the move: give its record back.
          await rename(aside, ownerPath(storeDir)).catch(() => undefined);
          return undefined;
        }
        await unlink(aside).catch(() => undefined);
      } catch {
        // Someone else moved it first; try again.
      }
    }
    return undefined;
  }

  /** Touches the record now and then, so other windows can tell a live owner from an abandoned record. */
  private beat(): void {
    const now = (): Date => new Date();
    this.heartbeat = setInterval(() => void utimes(ownerPath(this.storeDir), now(), now()).catch(() => undefined), OWNER_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get current(): OwnerRecord {
    return { ...this.record };
  }

  /** Publishes where this owner's listeners are, for windows that want to join. */
  async update(ports: { httpPort: number | null; grpcPort: number | null; host: string }): Promise<void> {
    if (this.released) return;
    this.record = { ...this.record, ...ports };
    const side = await writeSide(this.storeDir, this.record);
    await rename(side, ownerPath(this.storeDir)).catch(async () => unlink(side).catch(() => undefined));
  }

  /** Gives the store up (after the engine has written everything). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.heartbeat);
    const holder = await readOwner(this.storeDir);
    if (holder?.instance === this.record.instance) await unlink(ownerPath(this.storeDir)).catch(() => undefined);
  }
}
