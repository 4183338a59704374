import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningCodeServer } from './codeServer';
import { recordPageProblems, workbenchUrl } from './workbench';
import type { WorkbenchLaunch } from './workbench';

export interface SmokeCheck {
  title: string;
  passed: boolean;
  durationMs: number;
  error?: string;
}

export interface UiSmokeOptions {
  context: BrowserContext;
  server: RunningCodeServer;
  launch: WorkbenchLaunch;
  /** Folder for screenshots and the page console log. */
  outputDir: string;
}

const welcomeText = 'No traces yet.';

/** Drives the workbench like a user: open the Loupe view from the activity bar and the command palette. */
export async function runUiSmoke(options: UiSmokeOptions): Promise<SmokeCheck[]> {
  const page = await options.context.newPage();
  recordPageProblems(page, path.join(options.outputDir, 'ui-smoke-console.log'));
  const checks: SmokeCheck[] = [];
  const steps: [string, () => Promise<void>][] = [
    ['workbench loads with the Loupe activity-bar icon', () => openWorkbench(page, options)],
    ['clicking the Loupe icon shows the Traces view with its welcome text', async () => {
      await activityItem(page, 'Loupe').click();
      await assertTracesViewShowsWelcome(page);
      await page.screenshot({ path: path.join(options.outputDir, 'ui-smoke-loupe-view.png') });
    }],
    ['"Loupe: Show Traces" from the command palette brings the view back', async () => {
      await activityItem(page, 'Explorer').click();
      await page.locator('.part.sidebar .title-label', { hasText: /explorer/i }).waitFor({ timeout: 10_000 });
      await runPaletteCommand(page, 'Loupe: Show Traces');
      await assertTracesViewShowsWelcome(page);
    }],
  ];
  for (const [title, step] of steps) {
    const started = Date.now();
    try {
      await step();
      checks.push({ title, passed: true, durationMs: Date.now() - started });
    } catch (error) {
      checks.push({ title, passed: false, durationMs: Date.now() - started, error: (error as Error).stack ?? String(error) });
      await page.screenshot({ path: path.join(options.outputDir, 'ui-smoke-failure.png') }).catch(() => undefined);
      break;
    }
  }
  await page.close();
  return checks;
}

async function openWorkbench(page: Page, options: UiSmokeOptions): Promise<void> {
  await page.goto(workbenchUrl(options.server, options.launch));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await activityItem(page, 'Loupe').waitFor({ timeout: 60_000 });
}

function activityItem(page: Page, label: string) {
  return page.locator('.part.activitybar .action-item', { has: page.locator(`[aria-label^="${label}"]`) }).first();
}

async function assertTracesViewShowsWelcome(page: Page): Promise<void> {
  const sidebar = page.locator('.part.sidebar');
  await sidebar.locator('.title-label', { hasText: /loupe/i }).waitFor({ timeout: 15_000 });
  const welcome = sidebar.locator('.welcome-view-content', { hasText: welcomeText });
  await welcome.waitFor({ timeout: 15_000 });
  const text = await welcome.innerText();
  assert.match(text, /OTLP gRPC localhost:4317/, `welcome view text was: ${text}`);
}

async function runPaletteCommand(page: Page, label: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${label}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}
