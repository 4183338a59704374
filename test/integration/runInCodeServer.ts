// Runs the integration suite inside a real VS Code workbench served by code-server, driven by
// Debian's Chromium, then a UI smoke test against the same server. Exit code: 0 only if both pass.
// Usage: npm run test:integration   (builds first; needs scripts/setup-code-server.sh)
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrowserContext } from 'playwright-core';
import { startCodeServer } from './codeServer';
import type { RunningCodeServer } from './codeServer';
import { findInstalledTools, toolsCacheDir } from './installedTools';
import { readIntegrationEvents, summarizeSuite } from './testResults';
import { runUiSmoke } from './uiSmoke';
import { launchChromium, freshResultsDir, recordPageProblems, workbenchUrl } from './workbench';
import type { WorkbenchLaunch } from './workbench';

const repoRoot = path.resolve(__dirname, '..', '..');
const suiteEntry = path.join(repoRoot, 'out', 'integration', 'suite', 'index');
const hardTimeoutMs = 5 * 60_000;
const suiteStartTimeoutMs = 90_000;
const suiteTimeoutMs = 3 * 60_000;

async function main(): Promise<number> {
  const lookup = findInstalledTools();
  if (!lookup.found) return reportMissingTools(lookup.problem);
  for (const built of [path.join(repoRoot, 'dist', 'extension.js'), `${suiteEntry}.js`]) {
    if (!existsSync(built)) throw new Error(`${built} is missing; run "npm run test:integration" (it builds first)`);
  }

  const scratchDir = mkdtempSync(path.join(tmpdir(), 'loupe-integration-'));
  const outputDir = freshResultsDir(repoRoot);
  const resultsPath = path.join(scratchDir, 'results.jsonl');
  // A copy of the fixture workspace: sources for Reveal Source, settings with free receiver ports.
  const workspace = path.join(scratchDir, 'workspace');
  cpSync(path.join(repoRoot, 'test', 'integration', 'fixtures', 'workspace'), workspace, { recursive: true });
  let server: RunningCodeServer | undefined;
  let context: BrowserContext | undefined;

  // code-server runs in its own process group, so it is stopped explicitly on every way out.
  const abort = (reason: string, exitCode: number): void => {
    console.error(`\nFAILED: ${reason}`);
    if (server) console.error(`--- code-server log (tail) ---\n${server.logTail()}`);
    setTimeout(() => process.exit(exitCode), 10_000).unref();
    void Promise.resolve(server?.stop()).finally(() => {
      rmSync(scratchDir, { recursive: true, force: true });
      process.exit(exitCode);
    });
  };
  const timer = setTimeout(() => abort(`integration run exceeded the hard timeout of ${hardTimeoutMs / 1000} s`, 1), hardTimeoutMs);
  const onSignal = (signal: NodeJS.Signals): void => abort(`interrupted by ${signal}`, 130);
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);

  try {
    const started = Date.now();
    server = await startCodeServer({
      tools: lookup.tools,
      scratchDir,
      workspace,
      env: { LOUPE_TEST_RESULTS: resultsPath },
    });
    console.log(`code-server ${lookup.tools.codeServerVersion} listening at ${server.origin} (${Date.now() - started} ms)`);
    const blockedRequestsLog = path.join(outputDir, 'blocked-requests.log');
    context = await launchChromium(lookup.tools.chromium, path.join(scratchDir, 'chromium-profile'), blockedRequestsLog);

    const launch: WorkbenchLaunch = { workspace, extensionDevelopmentPath: repoRoot };
    console.log('\nExtension host suite (code-server)');
    const suiteCode = await runSuite(context, server, { ...launch, extensionTestsPath: suiteEntry }, resultsPath, outputDir);

    console.log('\nUI smoke (Chromium against the workbench)');
    const checks = await runUiSmoke({ context, server, launch, outputDir, userDataDir: path.join(scratchDir, 'user-data') });
    for (const check of checks) {
      console.log(check.passed ? `  ✔ ${check.title} (${check.durationMs}ms)` : `  ✗ ${check.title}\n     ${check.error}`);
    }
    const smokePassed = checks.length > 0 && checks.every((check) => check.passed);
    console.log(`\n  ${checks.filter((c) => c.passed).length} passing`);
    if (!smokePassed) console.log(`  ${checks.filter((c) => !c.passed).length} failing`);
    console.log(`  screenshots and logs: ${outputDir}`);
    if (existsSync(blockedRequestsLog)) console.log(`  note: the workbench tried to leave the machine; see ${blockedRequestsLog}`);

    if (suiteCode !== 0 || !smokePassed) {
      console.error(`\n--- code-server log (tail) ---\n${server.logTail()}`);
      console.error('\nIntegration tests FAILED');
      return 1;
    }
    console.log('\nIntegration tests passed');
    return 0;
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await context?.close().catch(() => undefined);
    await server?.stop();
    if (server) copyFileSync(server.logPath, path.join(outputDir, 'code-server.log'));
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

/** Opens the workbench with the test payload and waits for the host to report its exit code. */
async function runSuite(
  context: BrowserContext,
  server: RunningCodeServer,
  launch: WorkbenchLaunch,
  resultsPath: string,
  outputDir: string,
): Promise<number> {
  const page = await context.newPage();
  recordPageProblems(page, path.join(outputDir, 'suite-console.log'));
  let exitCode: number | undefined;
  await page.exposeFunction('codeAutomationExit', (code: number) => {
    exitCode = code;
  });
  await page.goto(workbenchUrl(server, launch));

  const started = Date.now();
  let problem: string | undefined;
  while (exitCode === undefined) {
    const elapsed = Date.now() - started;
    const events = readIntegrationEvents(resultsPath);
    if (events.length === 0 && elapsed > suiteStartTimeoutMs) {
      problem = `the suite did not start within ${suiteStartTimeoutMs / 1000} s (is the smoke-test driver enabled and the extension built?)`;
      break;
    }
    if (elapsed > suiteTimeoutMs) {
      problem = `the suite did not finish within ${suiteTimeoutMs / 1000} s`;
      break;
    }
    await sleep(250);
  }
  await page.close().catch(() => undefined);

  const outcome = summarizeSuite(readIntegrationEvents(resultsPath));
  console.log(outcome.lines.join('\n'));
  if (problem) {
    console.error(`\nFAILED: ${problem}`);
    return 1;
  }
  if (exitCode !== 0 || outcome.failures > 0 || !outcome.ended) {
    if (exitCode !== 0 && outcome.failures === 0) console.error(`\nFAILED: the extension host exited with code ${exitCode}`);
    return 1;
  }
  return 0;
}

/** Without code-server and Chromium the tier cannot run: fail in CI, skip loudly elsewhere. */
function reportMissingTools(problem: string): number {
  const message = [
    `Integration tests need code-server, Node 24 and Chromium (${problem}).`,
    `Install them (cached in ${toolsCacheDir()}, takes a few minutes the first time) with:`,
    '  bash scripts/setup-code-server.sh',
  ].join('\n');
  if (process.env.CI) {
    console.error(`FAILED: ${message}`);
    return 1;
  }
  console.warn(`\n*** SKIPPED: integration tests did not run ***\n${message}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`FAILED: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
