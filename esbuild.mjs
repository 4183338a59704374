// Bundles the extension, the CLI, the engine worker and the webview UI into dist/.
// Type-checking is separate (`npm run typecheck`); esbuild only strips types.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
};

const builds = [
  { ...node, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/core/host/engineWorker.ts'], outfile: 'dist/engineWorker.js' },
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
  {
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    // The replay page: its own small bundle, so the trace view does not carry it.
    entryPoints: { replay: 'webview/replay/replayMain.ts', 'replay-style': 'webview/replay/replay.css' },
    outdir: 'dist/webview',
  },
].filter((options) => Object.values(options.entryPoints).every((entry) => existsSync(entry)));

// The web UI's static companions: codicons, and index.html rendered by the same shell builder
// the VS Code panel uses (so both pages carry the same CSP and markup).
async function writeWebviewStatics() {
  if (!existsSync('webview/main.ts') || !existsSync('src/model/htmlShell.ts')) return;
  mkdirSync('dist/webview', { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/webview/${file}`);
  const shell = await esbuild.build({
    entryPoints: ['src/model/htmlShell.ts'],
    bundle: true,
    write: false,
    format: 'esm',
    logLevel: 'warning',
  });
  const { webviewShellHtml } = await import(`data:text/javascript;base64,${Buffer.from(shell.outputFiles[0].text).toString('base64')}`);
  const html = webviewShellHtml({
    scriptUri: 'main.js',
    styleUri: 'main.css',
    codiconUri: 'codicon.css',
    cspSource: "'self'",
    connectSrc: "'self'",
  });
  writeFileSync('dist/webview/index.html', html);
  // The replay page of `loupe serve` (the VS Code extension builds its own page around the same bundle).
  const replayHtml = webviewShellHtml({
    scriptUri: 'replay.js',
    styleUri: 'replay-style.css',
    codiconUri: 'codicon.css',
    cspSource: "'self'",
    connectSrc: "'self'",
    title: 'Loupe replay',
  });
  writeFileSync('dist/webview/replay.html', replayHtml);
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  await writeWebviewStatics();
} else {
  await Promise.all([...builds.map((options) => esbuild.build(options)), writeWebviewStatics()]);
}
