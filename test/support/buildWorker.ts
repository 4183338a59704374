import { build } from 'esbuild';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bundles the engine thread's entry the way esbuild.mjs does, into a fresh temp folder. */
export async function buildEngineWorker(): Promise<string> {
  const outdir = await mkdtemp(join(tmpdir(), 'loupe-worker-'));
  const outfile = join(outdir, 'engineWorker.js');
  await build({
    entryPoints: [join(__dirname, '..', '..', 'src/core/worker/engineWorker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  });
  return outfile;
}
