import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../../../src/cli/serveArgs';
import { makeFolder, writeTextFile } from '../../../src/core/store/storeFiles';
import { loadStore } from '../../../src/core/store/storeLoader';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('store folders and files are owner-only', () => {
  let root: string;
  beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'loupe-perm-'))));
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('creates the store and its traces folder 0700 and writes files 0600', async () => {
    const store = join(root, 'a', 'store');
    await loadStore(store, () => undefined);
    assert.equal(await modeOf(store), 0o700);
    assert.equal(await modeOf(join(store, 'traces')), 0o700);
    await writeTextFile(join(store, 'traces', 'x.json'), '{}');
    assert.equal(await modeOf(join(store, 'traces', 'x.json')), 0o600);
    assert.deepEqual(await readdir(join(store, 'traces')), ['x.json']);
  });

  it('narrows a store made world-readable by an earlier version', async () => {
    const store = join(root, 'old');
    await mkdir(join(store, 'traces'), { recursive: true, mode: 0o755 });
    await chmod(store, 0o755);
    await loadStore(store, () => undefined);
    assert.equal(await modeOf(store), 0o700);
    assert.equal(await modeOf(join(store, 'traces')), 0o700);
  });

  it('reports a folder that cannot be made instead of looping (/proc/self/x), and a file in the way', async () => {
    const started = Date.now();
    await assert.rejects(makeFolder('/proc/self/x/traces'), { code: 'ENOENT' });
    assert.ok(Date.now() - started < 1_000);
    await writeTextFile(join(root, 'file'), 'x');
    await assert.rejects(makeFolder(join(root, 'file', 'traces')), { code: 'ENOTDIR' });
  });

  it('refuses --store with an empty name', () => {
    const parsed = parseCli(['serve', '--store', '']);
    assert.equal(parsed.command, 'usage-error');
  });
});
