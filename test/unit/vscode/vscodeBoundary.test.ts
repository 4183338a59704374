import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const IMPORTS_VSCODE = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]vscode['"]/;

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

function importingVscode(files: string[]): string[] {
  return files.filter((file) => IMPORTS_VSCODE.test(readFileSync(join(ROOT, file), 'utf8')));
}

describe('where vscode may be imported', () => {
  it('only under src/vscode/: the engine, the protocol, the CLI and the UI run without VS Code', () => {
    const outside = importingVscode([...sourcesUnder('src'), ...sourcesUnder('webview')]).filter(
      (file) => !file.startsWith(join('src', 'vscode')),
    );
    assert.deepEqual(outside, []);
  });

  it('not in the extension’s pure core (src/vscode/model, src/vscode/engine), which the unit tests run in plain Node', () => {
    assert.deepEqual(
      importingVscode([...sourcesUnder(join('src', 'vscode', 'model')), ...sourcesUnder(join('src', 'vscode', 'engine'))]),
      [],
    );
  });
});
