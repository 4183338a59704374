import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { preparePage, requireChromium, screenshot } from './support/browserSuite';
import { launchChromium, watchPageProblems, type LaunchedBrowser } from './support/chromium';
import { openPrintedAddress, startLoupeServe, type LoupeServe } from './support/loupeServe';
import { syntheticTraceRequest } from './support/syntheticTrace';

describe('the UI says when the store cannot be written (loupe serve)', function () {
  let store: string;
  let serve: LoupeServe;
  let browser: LaunchedBrowser;
  let page: Page;

  before(async function () {
    requireChromium(this);
    store = mkdtempSync(join(tmpdir(), 'loupe-banner-store-'));
    serve = await startLoupeServe({ store });
    browser = await launchChromium();
    await openPrintedAddress(browser.context, serve);
    page = await browser.context.newPage();
    await preparePage(page);
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    rmSync(store, { recursive: true, force: true });
  });

  async function exportTrace(seed: number): Promise<string> {
    const { request, traceId } = syntheticTraceRequest({ spanCount: 3, seed });
    const response = await fetch(`${serve.baseUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    assert.equal(response.status, 200);
    return traceId;
  }

  it('shows a banner on every page while traces are in memory only, and drops it once the store recovers', async () => {
    const problems = watchPageProblems(page);
    await page.goto(`${serve.baseUrl}/`);
    await page.waitForSelector('.list-page[data-state=ready]');
    assert.equal(await page.locator('.store-banner').isHidden(), true, 'no banner while the store works');

    // A file where the traces folder should be, as a full or read-only disk would refuse writes.
    rmSync(join(store, 'traces'), { recursive: true, force: true });
    writeFileSync(join(store, 'traces'), 'in the way');
    const traceId = await exportTrace(1);
    await page.waitForSelector(`tr[data-trace-id="${traceId}"]`);
    const banner = page.locator('.store-banner:not([hidden])');
    await banner.waitFor({ timeout: 10_000 });
    const text = await banner.innerText();
    assert.match(text, /Traces cannot be written to the store: .*traces/s);
    assert.match(text, /lost if Loupe stops before then/);
    assert.equal(await banner.getAttribute('role'), 'alert');
    await screenshot(page, 'store-banner-list');
    // The banner in a dark and a forced-colours (high-contrast) theme, for a look.
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'store-banner-list-dark');
    await page.emulateMedia({ colorScheme: 'dark', forcedColors: 'active' });
    await screenshot(page, 'store-banner-list-hc');
    await page.emulateMedia({ colorScheme: 'light', forcedColors: 'none' });

    // Another page of the same tab keeps it; a freshly opened page asks the stats and shows it too.
    await page.goto(`${serve.baseUrl}/#/overview`);
    await page.locator('.store-banner:not([hidden])').waitFor();
    await page.locator('.breakdown-totals').waitFor();
    await screenshot(page, 'store-banner-overview');
    const fresh = await browser.context.newPage();
    await fresh.goto(`${serve.baseUrl}/#/trace/${traceId}`);
    await fresh.locator('.store-banner:not([hidden])').waitFor({ timeout: 10_000 });
    await fresh.waitForSelector('.trace-page[data-state=ready]');
    await screenshot(fresh, 'store-banner-trace');
    await fresh.close();

    // The folder back: the next retry writes the trace and the banner goes.
    rmSync(join(store, 'traces'), { force: true });
    await page.locator('.store-banner').waitFor({ state: 'hidden', timeout: 20_000 });
    assert.deepEqual(problems, []);
  });
});
