import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningCodeServer } from './codeServer';

// Flags that let Debian's Chromium run headless in a container without reaching the network.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Launches Chromium with a fresh profile; requests leaving the machine are aborted and logged. */
export async function launchChromium(executablePath: string, userDataDir: string, blockedRequestsLog: string): Promise<BrowserContext> {
  mkdirSync(userDataDir, { recursive: true });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 800 },
  });
  await context.route(
    (url) => (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:') && !loopbackHosts.has(url.hostname),
    (route) => {
      appendFileSync(blockedRequestsLog, `${route.request().url()}\n`);
      return route.abort('blockedbyclient');
    },
  );
  return context;
}

export interface WorkbenchLaunch {
  workspace: string;
  extensionDevelopmentPath: string;
  /** The built suite entry (without .js), for a test run; omitted for interactive UI checks. */
  extensionTestsPath?: string;
}

/** The workbench URL whose payload makes code-server load the extension under development. */
export function workbenchUrl(server: Pick<RunningCodeServer, 'origin' | 'authority'>, launch: WorkbenchLaunch): string {
  const remote = (file: string): string => `vscode-remote://${server.authority}${file}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(launch.extensionDevelopmentPath)]];
  if (launch.extensionTestsPath) payload.push(['extensionTestsPath', remote(launch.extensionTestsPath)]);
  const query = new URLSearchParams({ folder: launch.workspace, payload: JSON.stringify(payload) });
  return `${server.origin}/?${query.toString()}`;
}

/** Appends the page's console errors and crashes to a log file for post-mortem reading. */
export function recordPageProblems(page: Page, logFile: string): void {
  const write = (line: string): void => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') write(`[${message.type()}] ${message.text()}`);
  });
  page.on('pageerror', (error) => write(`[pageerror] ${error.stack ?? error.message}`));
  page.on('crash', () => write('[crash] page crashed'));
}

/** test-results/integration/, emptied so every artifact in it comes from this run. */
export function freshResultsDir(repoRoot: string): string {
  const dir = path.join(repoRoot, 'test-results', 'integration');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}
