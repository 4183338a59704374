import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PersistenceError } from '../../src/core/store/tracePersistence';
import { TracePersistence } from '../../src/core/store/tracePersistence';
import { growSampleTrace, sampleTrace, sampleTraceId } from '../unit/store/sampleTraces';
import { sleep, useTempDirs, waitUntil } from '../unit/store/storeTestDirs';

/**
 * Tests run as root here, and root ignores permission bits, so `chmod 0555` cannot make a folder
 * unwritable. Three real refusals are used instead:
 *  - ENOTDIR: the store path runs through a regular file (works for any user, anywhere);
 *  - ENOSPC and EROFS: a tiny tmpfs mounted for the test, filled up or remounted read-only
 *    (needs the right to mount, which root has here; skipped with the reason where it is missing);
 *  - EACCES: chmod 0555, only when not running as root.
 */
describe('TracePersistence on a disk that refuses writes', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };
  const open: TracePersistence[] = [];
  beforeEach(() => process.on('unhandledRejection', onRejection));
  afterEach(async () => {
    for (const persistence of open.splice(0)) await persistence.close();
    process.off('unhandledRejection', onRejection);
    assert.deepEqual(rejections.splice(0), [], 'no unhandled rejection');
  });
  // After the hook that closes, so writes still in flight end before their folder is removed.
  const tempDir = useTempDirs();

  function make(dir: string, errors: PersistenceError[], extra: { recovered?: () => void } = {}): TracePersistence {
    const persistence = new TracePersistence(dir, {
      flushDelayMs: 10,
      retryDelayMs: 150,
      onError: (error) => errors.push(error),
      onRecovered: extra.recovered,
    });
    open.push(persistence);
    return persistence;
  }

  it('ENOTDIR: one clear error, traces kept in memory, quiet throttled retries, recovery when the path works again', async () => {
    const root = await tempDir();
    const blocker = join(root, 'not-a-folder');
    await writeFile(blocker, 'a regular file where the store folder should be');
    const dir = join(blocker, 'store');
    const errors: PersistenceError[] = [];
    let recoveries = 0;
    const persistence = make(dir, errors, { recovered: () => recoveries++ });

    const loaded = await persistence.load();
    assert.deepEqual(loaded.traces, []);
    assert.equal(loaded.problems.length, 1);
    assert.match(loaded.problems[0], /ENOTDIR.*kept in memory only/);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, 'ENOTDIR');
    assert.equal(errors[0].path, join(dir, 'traces'));
    assert.match(errors[0].message, new RegExp(`Cannot create the trace store folder ${join(dir, 'traces')}: ENOTDIR`));

    const traces = Array.from({ length: 5 }, (_, i) => sampleTrace(i, 2));
    const started = Date.now();
    while (Date.now() - started < 800) {
      for (const trace of traces) {
        growSampleTrace(trace, Number.parseInt(trace.traceId, 16));
        persistence.markDirty(trace);
      }
      await sleep(15);
    }
    await persistence.flush();
    await persistence.flush();
    assert.equal(errors.length, 1, 'reported once, not per write or per retry');
    assert.match(persistence.lastError ?? '', /ENOTDIR/);
    assert.equal(persistence.pendingCount, 5, 'kept pending in memory');
    const attempts = persistence.counters.failedCycles;
    assert.ok(attempts <= 2 + 800 / 150 + 2, `retries are throttled (${attempts} failed cycles in ~0.8 s)`);

    await rm(blocker);
    await waitUntil(() => persistence.pendingCount === 0, 5000, 'the retry after the disk came back');
    assert.equal(persistence.lastError, undefined);
    assert.equal(recoveries, 1);
    const reloaded = await new TracePersistence(dir).load();
    assert.deepEqual(reloaded.traces, traces, 'the latest in-memory state reached the disk');

    // A second failure is a new episode and is reported again.
    await rm(join(dir, 'traces'), { recursive: true });
    await writeFile(join(dir, 'traces'), 'blocked again');
    persistence.markDirty(traces[0]);
    await persistence.flush();
    assert.equal(errors.length, 2);
    assert.match(errors[1].message, /Cannot write .*\.json: ENOTDIR/);
  });

  it('EACCES: a folder without write permission (non-root only)', async function () {
    if (process.getuid?.() === 0) this.skip(); // root writes through permission bits; covered by the other cases
    const dir = await tempDir();
    const errors: PersistenceError[] = [];
    await new TracePersistence(dir).load();
    await chmod(join(dir, 'traces'), 0o555);
    try {
      const persistence = make(dir, errors);
      persistence.markDirty(sampleTrace(1, 1));
      await persistence.flush();
      assert.equal(errors.length, 1);
      assert.equal(errors[0].code, 'EACCES');
      assert.equal(persistence.pendingCount, 1);
    } finally {
      await chmod(join(dir, 'traces'), 0o755);
    }
  });

  describe('on a tiny tmpfs', () => {
    let mountPoint: string | undefined;
    const mountTmpfs = async (dir: string, size: string): Promise<boolean> => {
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
        mountPoint = dir;
        return true;
      } catch {
        return false;
      }
    };
    const remount = (options: string): void => {
      execFileSync('mount', ['-o', `remount,${options}`, mountPoint as string], { stdio: 'pipe' });
    };
    afterEach(async () => {
      for (const persistence of open.splice(0)) await persistence.close();
      if (mountPoint) execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
      mountPoint = undefined;
    });

    it('ENOSPC: a full disk keeps the stored version intact and leaves no partial temp file', async function () {
      const dir = await tempDir();
      if (!(await mountTmpfs(dir, '256k'))) this.skip(); // not allowed to mount here
      const errors: PersistenceError[] = [];
      const persistence = make(dir, errors);
      await persistence.load();
      const small = sampleTrace(0, 2);
      persistence.markDirty(small);
      await persistence.flush();
      const before = await readFile(join(dir, 'traces', `${sampleTraceId(0)}.json`), 'utf8');

      const grown = sampleTrace(0, 200, 2000); // ~450 KB: cannot fit
      persistence.markDirty(grown);
      await persistence.flush();
      assert.equal(errors.length, 1);
      assert.equal(errors[0].code, 'ENOSPC');
      assert.match(errors[0].message, /ENOSPC \(no space left on device\)/);
      assert.equal(await readFile(join(dir, 'traces', `${sampleTraceId(0)}.json`), 'utf8'), before);
      assert.deepEqual(await readdir(join(dir, 'traces')), [`${sampleTraceId(0)}.json`], 'no temp file holds the space');

      remount('size=4m');
      await waitUntil(() => persistence.pendingCount === 0, 5000, 'the retry after space was freed');
      assert.equal(persistence.lastError, undefined);
      assert.deepEqual((await new TracePersistence(dir).load()).traces, [grown]);
    });

    it('EROFS: a read-only file system keeps what was stored and Loupe keeps working in memory', async function () {
      const dir = await tempDir();
      if (!(await mountTmpfs(dir, '4m'))) this.skip(); // not allowed to mount here
      const errors: PersistenceError[] = [];
      const first = make(dir, errors);
      await first.load();
      first.markDirty(sampleTrace(1, 3));
      first.updateMeta({ nextSeq: 3 });
      await first.close();
      remount('ro');

      const persistence = make(dir, errors);
      const loaded = await persistence.load();
      assert.deepEqual(loaded.problems, []);
      assert.deepEqual(loaded.traces, [sampleTrace(1, 3)], 'a read-only store still loads');
      const trace = sampleTrace(2, 1);
      persistence.markDirty(trace);
      persistence.remove(sampleTraceId(1));
      persistence.updateMeta({ nextSeq: 4 });
      await persistence.flush();
      await persistence.flush();
      assert.equal(errors.length, 1);
      assert.equal(errors[0].code, 'EROFS');
      assert.match(errors[0].message, /EROFS \(read-only file system\)/);
      assert.ok(errors[0].path.startsWith(dir));
      assert.equal(persistence.pendingCount, 3);
      assert.ok(existsSync(join(dir, 'traces', `${sampleTraceId(1)}.json`)));

      remount('rw');
      await persistence.flush();
      assert.equal(persistence.lastError, undefined);
      const after = await new TracePersistence(dir).load();
      assert.deepEqual(after.traces, [trace]);
      assert.equal(after.meta.nextSeq, 4);
    });
  });
});
