// Bundles the extension, the CLI, the engine worker and the webview UI into dist/.
// Type-checking is separate (`npm run typecheck`); esbuild only strips types.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
};

const builds = [
  { ...node, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/core/worker/engineWorker.ts'], outfile: 'dist/engineWorker.js' },
  {
    ...node,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: ['webview/main.ts', 'webview/main.css'],
    outdir: 'dist/webview',
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
  },
].filter((options) => options.entryPoints.every((entry) => existsSync(entry)));

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
