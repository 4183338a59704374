import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWNER_FILE_NAME, OwnerLock, readOwner } from '../../../src/vscode/engine/ownerLock';

describe('store owner lock', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'loupe-owner-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('lets exactly one of many windows opening at once own the store', async () => {
    const locks = await Promise.all(Array.from({ length: 8 }, () => OwnerLock.tryAcquire(dir, '127.0.0.1')));
    const owners = locks.filter((lock): lock is OwnerLock => lock !== undefined);
    assert.equal(owners.length, 1);
    assert.equal((await readOwner(dir))?.instance, owners[0].current.instance);
    assert.deepEqual((await readdir(dir)).sort(), [OWNER_FILE_NAME], 'no side files left behind');
  });

  it('publishes ports, and frees the store on release for the next owner', async () => {
    const first = (await OwnerLock.tryAcquire(dir, '127.0.0.1'))!;
    await first.update({ host: '127.0.0.1', httpPort: 4318, grpcPort: 4317 });
    assert.deepEqual(
      { ...(await readOwner(dir)), since: 0, instance: '' },
      { pid: process.pid, instance: '', host: '127.0.0.1', httpPort: 4318, grpcPort: 4317, since: 0 },
    );
    assert.equal(await OwnerLock.tryAcquire(dir, '127.0.0.1'), undefined, 'held by a live process');
    await first.release();
    assert.equal(await readOwner(dir), undefined);
    assert.ok(await OwnerLock.tryAcquire(dir, '127.0.0.1'));
  });

  it('takes over a record left by a process that is gone, or one that cannot be read', async () => {
    await writeFile(
      join(dir, OWNER_FILE_NAME),
      JSON.stringify({ pid: 2 ** 22 + 4321, instance: 'gone', host: '127.0.0.1', httpPort: 4318, grpcPort: 4317, since: 1 }),
    );
    const taken = await OwnerLock.tryAcquire(dir, '127.0.0.1');
    assert.ok(taken);
    assert.equal((await readOwner(dir))?.pid, process.pid);
    await taken.release();
    await writeFile(join(dir, OWNER_FILE_NAME), '{"pid": "not a number"');
    assert.ok(await OwnerLock.tryAcquire(dir, '127.0.0.1'));
    assert.equal(JSON.parse(await readFile(join(dir, OWNER_FILE_NAME), 'utf8')).pid, process.pid);
  });

  it('takes over a record untouched for longer than the heartbeat allows, even if its pid is alive', async () => {
    // After a crash and a reboot, the recorded pid may belong to an unrelated program.
    const file = join(dir, OWNER_FILE_NAME);
    await writeFile(
      file,
      JSON.stringify({ pid: process.pid, instance: 'abandoned', host: '127.0.0.1', httpPort: 4318, grpcPort: 4317, since: 1 }),
    );
    assert.equal(await OwnerLock.tryAcquire(dir, '127.0.0.1'), undefined, 'recently touched: a live owner');
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(file, old, old);
    const taken = await OwnerLock.tryAcquire(dir, '127.0.0.1');
    assert.ok(taken);
    assert.notEqual((await readOwner(dir))?.instance, 'abandoned');
    await taken.release();
  });

  it('release leaves another owner’s record alone', async () => {
    const first = (await OwnerLock.tryAcquire(dir, '127.0.0.1'))!;
    // Another window's record replaced ours (it judged ours stale).
    await writeFile(
      join(dir, OWNER_FILE_NAME),
      JSON.stringify({ pid: process.pid, instance: 'other', host: '127.0.0.1', httpPort: null, grpcPort: null, since: 2 }),
    );
    await first.release();
    assert.equal((await readOwner(dir))?.instance, 'other');
  });
});
