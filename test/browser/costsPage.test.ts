import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { formatCost } from '../../src/model/formatValues';
import { fortyDaysOfRuns, type PlannedRun, sendRuns } from '../unit/history/fortyDaysOfRuns';
import { preparePage, requireChromium, screenshot } from './support/browserSuite';
import { launchChromium, watchPageProblems, type LaunchedBrowser } from './support/chromium';
import { openPrintedAddress, startLoupeServe, type LoupeServe } from './support/loupeServe';

const HOSTILE_AGENT = '<img src=x onerror="document.title=1">';

describe('Costs page in the browser (loupe serve)', function () {
  let serve: LoupeServe;
  let browser: LaunchedBrowser;
  let page: Page;
  let problems: string[];
  const now = Date.now();
  const runs: PlannedRun[] = fortyDaysOfRuns(now);
  runs[runs.length - 1] = { ...runs[runs.length - 1], agent: HOSTILE_AGENT };
  const pad = (n: number) => String(n).padStart(2, '0');
  const dayOf = (ms: number) => {
    const d = new Date(ms);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  };
  const costOf = (list: PlannedRun[]) => list.reduce((a, r) => a + r.calls.reduce((b, c) => b + c.costUsd, 0), 0);

  before(async function () {
    requireChromium(this);
    serve = await startLoupeServe();
    await sendRuns(Number(new URL(serve.baseUrl).port), runs);
    browser = await launchChromium();
    await openPrintedAddress(browser.context, serve);
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
  });
  beforeEach(async () => {
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 1100 });
    await preparePage(page);
    problems = watchPageProblems(page);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
    await page.close();
    assert.deepEqual(problems, [], 'the page logged errors');
  });

  const ready = async () => page.waitForSelector('.costs-page[data-state=ready]');
  const reload = async (click: string) => {
    await page.evaluate(() => (document.querySelector('.costs-page') as HTMLElement).setAttribute('data-state', 'loading'));
    await page.getByRole('button', { name: click, exact: true }).click();
    await ready();
  };

  it('shows the last 30 days: totals, a stacked day chart by agent or model, tables, and takes screenshots in both themes', async () => {
    await page.goto(`${serve.baseUrl}/#/costs`);
    await ready();
    const from = dayOf(now - 29 * 86_400_000);
    const inRange = runs.filter((r) => dayOf(r.startMs) >= from);
    const tiles = await page.locator('.cost-tile').allInnerTexts();
    assert.match(tiles[0], new RegExp(`Total cost\\s+${formatCost(costOf(inRange)).replace('$', '\\$')}`));
    assert.match(tiles[2], new RegExp(`Runs\\s+${inRange.length}\\b`));
    assert.equal(await page.locator('g.cost-day').count(), 30);
    const agents = await page.locator('.cost-legend li').allInnerTexts();
    assert.deepEqual(
      [...agents].sort(),
      ['(other)', 'coder', 'planner', 'reviewer', HOSTILE_AGENT].filter((a) => agents.includes(a)).sort(),
    );
    assert.ok(agents.includes(HOSTILE_AGENT), 'a hostile agent name is shown as text');
    assert.equal(await page.locator('.costs-page img').count(), 0, 'and never becomes markup');
    await screenshot(page, 'costs-light');

    await page.getByRole('button', { name: 'Model', exact: true }).click();
    assert.deepEqual((await page.locator('.cost-legend li').allInnerTexts()).sort(), ['claude-sonnet-4', 'gpt-4o']);
    assert.match(await page.locator('.cost-chart-section h2').innerText(), /by model/);

    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'costs-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('switches ranges (today, 7 days, custom) and exports CSV and JSON', async () => {
    await page.goto(`${serve.baseUrl}/#/costs`);
    await ready();
    await reload('7 days');
    assert.equal(await page.locator('g.cost-day').count(), 7);
    await reload('Today');
    const today = runs.filter((r) => dayOf(r.startMs) === dayOf(now));
    assert.match(
      (await page.locator('.cost-tile').first().innerText()).replace(/\s+/g, ' '),
      new RegExp(formatCost(costOf(today)).replace('$', '\\$')),
    );

    await reload('Custom');
    const first = dayOf(runs[0].startMs);
    await page.evaluate(() => (document.querySelector('.costs-page') as HTMLElement).setAttribute('data-state', 'loading'));
    await page.locator('input[aria-label="From day"]').fill(first);
    await page.locator('input[aria-label="From day"]').dispatchEvent('change');
    await ready();
    assert.equal(await page.locator('g.cost-day').count(), 40);
    assert.match(
      (await page.locator('.cost-tile').first().innerText()).replace(/\s+/g, ' '),
      new RegExp(formatCost(costOf(runs)).replace('$', '\\$')),
    );

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV' }).click()]);
    assert.match(csv.suggestedFilename(), /^loupe-costs-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile((await csv.path())!, 'utf8');
    const lines = text.trim().split('\r\n');
    assert.match(lines[0], /^group,key,runs,llmCalls/);
    assert.equal(lines.filter((line) => line.startsWith('day,')).length, 40);
    assert.ok(lines.some((line) => line.startsWith(`agent,"'<img src=x onerror=""document.title=1"">"`) || line.includes('<img')));

    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'JSON' }).click()]);
    const overview = JSON.parse(await readFile((await json.path())!, 'utf8')) as { totals: { runs: number } };
    assert.equal(overview.totals.runs, runs.length);
  });
});
