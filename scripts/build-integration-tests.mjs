// Bundles the integration suite for the VS Code extension host into out/integration/suite/:
// index.js (the extensionTestsPath entry) plus one bundle per *.test.ts beside it.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';

const suiteDir = 'test/integration/suite';
const outdir = 'out/integration/suite';
const entryPoints = readdirSync(suiteDir)
  .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
  .map((name) => path.join(suiteDir, name));

rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
  // vscode is provided by the extension host; mocha is loaded from node_modules so its reporters resolve.
  external: ['vscode', 'mocha'],
});
