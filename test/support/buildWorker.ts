import { build } from 'esbuild';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function bundle(entry: string, outfile: string) {
  return build({
    entryPoints: [join(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  });
}

/** Bundles the engine thread's entry the way esbuild.mjs does, into a fresh temp folder. */
export async function buildEngineWorker(): Promise<string> {
  const outdir = await mkdtemp(join(tmpdir(), 'loupe-worker-'));
  const outfile = join(outdir, 'engineWorker.js');
  await bundle('src/core/host/engineWorker.ts', outfile);
  return outfile;
}

let cli: Promise<string> | undefined;

/**
 * `loupe serve` from the current source, bundled as esbuild.mjs does: cli.js with the engine
 * thread's engineWorker.js beside it (once per test run). No web UI: it serves its placeholder page.
 */
export function buildCli(): Promise<string> {
  cli ??= (async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'loupe-cli-'));
    await Promise.all([
      bundle('src/cli/main.ts', join(outdir, 'cli.js')),
      bundle('src/core/host/engineWorker.ts', join(outdir, 'engineWorker.js')),
    ]);
    return join(outdir, 'cli.js');
  })();
  return cli;
}
