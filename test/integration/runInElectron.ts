// Runs the same integration suite in desktop VS Code via @vscode/test-electron, which downloads
// VS Code into .vscode-test/ (needs internet; on machines without it use runInCodeServer.ts).
// Usage: npm run test:integration:electron   (on headless Linux wrap it in xvfb-run -a)
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { readIntegrationEvents, summarizeSuite } from './testResults';

const repoRoot = path.resolve(__dirname, '..', '..');

async function main(): Promise<number> {
  const scratchDir = mkdtempSync(path.join(tmpdir(), 'loupe-electron-'));
  const resultsPath = path.join(scratchDir, 'results.jsonl');
  // The same fixture workspace as under code-server: sources for Reveal Source, free receiver ports.
  const workspace = path.join(scratchDir, 'workspace');
  cpSync(path.join(repoRoot, 'test', 'integration', 'fixtures', 'workspace'), workspace, { recursive: true });
  try {
    let exitCode: number;
    try {
      exitCode = await runTests({
        version: process.env.VSCODE_TEST_VERSION ?? 'stable',
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: path.join(repoRoot, 'out', 'integration', 'suite', 'index'),
        extensionTestsEnv: { LOUPE_TEST_RESULTS: resultsPath },
        launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      });
    } catch (error) {
      // runTests rejects with the exit code (or a download error) when the host fails.
      console.error(`VS Code test run failed: ${error instanceof Error ? error.message : String(error)}`);
      exitCode = 1;
    }
    const outcome = summarizeSuite(readIntegrationEvents(resultsPath));
    console.log(outcome.lines.join('\n'));
    return exitCode === 0 && outcome.ended && outcome.failures === 0 ? 0 : 1;
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`FAILED: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
