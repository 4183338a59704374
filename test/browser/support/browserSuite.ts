import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_PATH } from './chromium';

export const RESULTS_DIR = join(__dirname, '..', '..', '..', 'test-results');

/**
 * Skips the suite loudly when Chromium is missing on a developer machine; on CI (env CI set)
 * a missing browser is a failure.
 */
export function requireChromium(context: Mocha.Context): void {
  if (chromiumAvailable()) return;
  const message = `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium).`;
  if (process.env.CI) throw new Error(message);
  console.log(`\n${'!'.repeat(72)}\n  SKIPPED: browser tests. ${message}\n${'!'.repeat(72)}\n`);
  context.skip();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** esbuild (via tsx) wraps named functions with `__name`; page.evaluate sends them to the browser as text. */
export async function preparePage(page: Page): Promise<void> {
  await page.addInitScript('window.__name = (fn) => fn;');
}

/** Visible waterfall rows (pooled slots that are in use). */
export function visibleRowCount(page: Page): Promise<number> {
  return page.locator('.wf-row:not([hidden])').count();
}
