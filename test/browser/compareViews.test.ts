import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import type { AgentRunSender } from '../support/agentRunSender';
import { sendAgentVersion, sendDiffPair } from '../support/agentRunSteps';
import { preparePage, requireChromium, screenshot } from './support/browserSuite';
import { launchChromium, watchPageProblems, type LaunchedBrowser } from './support/chromium';
import { openPrintedAddress, startLoupeServe, type LoupeServe } from './support/loupeServe';
import { VsCodeWebviewHarness } from './support/vscodeWebviewHarness';
import type { WebviewView } from '../../src/model/webviewMessages';

const VIOLATIONS = `
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
`;

describe('compare and diff pages in the browser (loupe serve)', function () {
  let serve: LoupeServe;
  let browser: LaunchedBrowser;
  let page: Page;
  let problems: string[];
  const senders: AgentRunSender[] = [];
  let pair: { a: string; b: string };

  before(async function () {
    requireChromium(this);
    serve = await startLoupeServe();
    browser = await launchChromium();
    await openPrintedAddress(browser.context, serve);
    const endpoint = `${serve.baseUrl}/v1/traces`;
    senders.push(await sendAgentVersion(endpoint, '1.0.0', 30, 200, 11), await sendAgentVersion(endpoint, '1.1.0', 30, 600, 12));
    const sent = await sendDiffPair(endpoint);
    senders.push(sent.sender);
    pair = sent;
  });

  after(async () => {
    for (const s of senders) await s.shutdown();
    await browser?.close();
    await serve?.stop();
  });

  beforeEach(async () => {
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await preparePage(page);
    problems = watchPageProblems(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
    await page.close();
    assert.deepEqual(problems, [], 'the page logged errors');
  });

  it('compares two versions: the 3× slower tool step is the first, significant row', async () => {
    await page.goto(`${serve.baseUrl}/#/compare?a=${encodeURIComponent('version=1.0.0')}&b=${encodeURIComponent('version=1.1.0')}`);
    await page.waitForSelector('.compare-page[data-state=ready] .compare-row', { timeout: 15_000 });
    const first = page.locator('.compare-row').first();
    assert.equal(await first.getAttribute('data-name'), 'execute_tool get_weather · duration');
    assert.match((await first.getAttribute('class'))!, /verdict-significant/);
    assert.match(await first.locator('td.verdict').innerText(), /significant/);
    const runs = await page.locator('.compare-groups tbody tr').first().locator('td').allInnerTexts();
    assert.deepEqual(runs, ['Runs', '30', '30']);
    const spanRow = page.locator('.compare-spans tr[data-span-name="execute_tool get_weather"] td');
    assert.equal(await spanRow.count(), 11);
    await screenshot(page, 'compare-groups');
    await page.locator('.compare-spans').scrollIntoViewIfNeeded();
    await screenshot(page, 'compare-groups-per-span');

    // A filter typo is explained, not silently ignored.
    await page.locator('.compare-filter').first().fill('verison=1.0.0');
    await page.locator('.compare-submit').click();
    await page.waitForSelector('.compare-page[data-state=error] .compare-error');
    assert.match(await page.locator('.compare-error').innerText(), /Unknown filter key "verison"/);
  });

  it('diffs two runs: one added row, one changed model call whose prompt diff marks the changed word', async () => {
    await page.goto(`${serve.baseUrl}/#/diff/${pair.a}/${pair.b}`);
    await page.waitForSelector('.diff-page[data-state=ready] .diff-row', { timeout: 15_000 });
    const statuses = await page.locator('.diff-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.status));
    assert.deepEqual(statuses, ['same', 'changed', 'same', 'added', 'same']);
    assert.match(await page.locator('.diff-row[data-status=added]').innerText(), /find_flights/);
    // The first change is selected on open: the model call, with its prompt diff.
    await page.waitForSelector('.prompt-diff-section[data-status=changed]');
    assert.equal(await page.locator('.prompt-diff-section[data-status=changed]').getAttribute('data-label'), 'system prompt');
    assert.deepEqual(await page.locator('.prompt-diff .word-removed').allInnerTexts(), ['careful']);
    assert.deepEqual(await page.locator('.prompt-diff .word-added').allInnerTexts(), ['thrifty']);
    assert.equal(await page.locator('.prompt-diff-section[data-status=same]').count(), 2);
    await screenshot(page, 'diff-runs');

    // Next change: the added tool call, with its duration counted as the change.
    await page.getByText('Next change').click();
    await page.waitForSelector('.diff-row.selected[data-status=added]');
    assert.match(await page.locator('.diff-details').innerText(), /Only in run B/);
  });

  it('opens the diff with the previous run of the same agent from a trace page', async () => {
    await page.goto(`${serve.baseUrl}/#/trace/${pair.b}`);
    await page.waitForSelector('.trace-page[data-state=ready]');
    await page.locator('.compare-previous').click();
    await page.waitForSelector('.diff-page[data-state=ready] .diff-row');
    assert.equal(await page.evaluate(() => location.hash), `#/diff/${pair.a}/${pair.b}`);
  });
});

describe('compare and diff pages as VS Code webviews (postMessage host, nonce CSP)', function () {
  let serve: LoupeServe;
  let browser: LaunchedBrowser;
  const senders: AgentRunSender[] = [];
  let pair: { a: string; b: string };

  before(async function () {
    requireChromium(this);
    serve = await startLoupeServe();
    browser = await launchChromium();
    const endpoint = `${serve.baseUrl}/v1/traces`;
    senders.push(await sendAgentVersion(endpoint, '1.0.0', 30, 200, 11), await sendAgentVersion(endpoint, '1.1.0', 30, 600, 12));
    const sent = await sendDiffPair(endpoint);
    senders.push(sent.sender);
    pair = sent;
  });

  after(async () => {
    for (const s of senders) await s.shutdown();
    await browser?.close();
    await serve?.stop();
  });

  async function openPanel(view: WebviewView, name: string, ready: string): Promise<{ page: Page; harness: VsCodeWebviewHarness }> {
    const harness = new VsCodeWebviewHarness(serve);
    const origin = await harness.start(view);
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 760 });
    await preparePage(page);
    await page.addInitScript(VIOLATIONS);
    await harness.attach(page);
    const problems = watchPageProblems(page);
    await page.goto(`${origin}/`);
    try {
      await page.waitForSelector(ready, { timeout: 15_000 });
    } catch (error) {
      await screenshot(page, `failed-${name}`);
      throw error;
    }
    await screenshot(page, name);
    assert.deepEqual(problems, [], 'the page logged errors');
    assert.deepEqual(harness.rejected, []);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
    return { page, harness };
  }

  it('shows the group comparison in a panel, asking through the compare query', async () => {
    const { page, harness } = await openPanel(
      { page: 'compare', a: 'version=1.0.0', b: 'version=1.1.0' },
      'vscode-compare-groups',
      '.compare-page[data-state=ready] .compare-row',
    );
    assert.ok(harness.received.some((m) => m.type === 'request' && m.method === 'compare'));
    assert.equal(await page.locator('.compare-row').first().getAttribute('data-name'), 'execute_tool get_weather · duration');
    // Inside VS Code the tree is the navigation: no browser header links.
    assert.equal(await page.locator('.nav-link').count(), 0);
    await page.close();
    await harness.stop();
  });

  it('shows the run diff in a panel with the prompt diff of the changed model call', async () => {
    const { page, harness } = await openPanel(
      { page: 'diff', traceA: pair.a, traceB: pair.b },
      'vscode-diff-runs',
      '.diff-page[data-state=ready] .prompt-diff-section[data-status=changed]',
    );
    assert.ok(harness.received.some((m) => m.type === 'request' && m.method === 'modelCallDiff'));
    assert.deepEqual(await page.locator('.prompt-diff .word-added').allInnerTexts(), ['thrifty']);
    await page.close();
    await harness.stop();
  });
});
