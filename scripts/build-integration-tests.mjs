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
  // vscode is provided by the extension host; mocha is loaded from node_modules so its reporters resolve;
  // grpc-js too, because the OTLP gRPC exporter also require()s it at run time and needs the one instance.
  external: ['vscode', 'mocha', '@grpc/grpc-js'],
  // ESM-only packages (the OTLP exporters) call createRequire(import.meta.url), which a CJS bundle lacks.
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
});
