import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import type { Breakdown, TraceSummary } from '../../src/model/traceTypes';
import { formatCount, formatDuration, formatShare } from '../../src/model/formatValues';
import { agentTracerProvider, growTrace, sendAgentTrace, type SentAgentTrace } from './support/agentSpans';
import { preparePage, requireChromium, screenshot, visibleRowCount } from './support/browserSuite';
import { launchChromium, watchPageProblems, type LaunchedBrowser } from './support/chromium';
import { getJson, openPrintedAddress, postJson, startLoupeServe, type LoupeServe } from './support/loupeServe';
import { syntheticTraceRequest } from './support/syntheticTrace';

/** Waits for the row of `spanId` to be drawn as selected (rendering happens on the next frame). */
async function expectSelected(page: Page, spanId: string): Promise<void> {
  await page.waitForSelector(`.wf-row.selected[data-span-id="${spanId}"]`, { timeout: 5000 });
}

describe('trace view in the browser (loupe serve)', function () {
  let serve: LoupeServe;
  let browser: LaunchedBrowser;
  let provider: TracerProvider;
  let page: Page;
  let problems: string[];
  let first: SentAgentTrace;

  before(async function () {
    requireChromium(this);
    serve = await startLoupeServe();
    browser = await launchChromium();
    await openPrintedAddress(browser.context, serve);
    provider = agentTracerProvider(serve.baseUrl);
  });

  after(async () => {
    await provider?.shutdown();
    await browser?.close();
    await serve?.stop();
  });

  beforeEach(async () => {
    page = await browser.context.newPage();
    await preparePage(page);
    problems = watchPageProblems(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
    await page.close();
    assert.deepEqual(problems, [], 'the page logged errors');
  });

  it('lists traces newest first and adds new ones live over Server-Sent Events', async () => {
    first = await sendAgentTrace(provider, 'invoke_agent first run');
    await page.goto(`${serve.baseUrl}/`);
    await page.waitForSelector('.list-page[data-state=ready]');
    await page.waitForSelector(`tr[data-trace-id="${first.traceId}"]`);
    assert.equal(await page.locator('.trace-table tbody tr').count(), 1);

    // Sent after the page loaded: it must appear without a reload.
    const second = await sendAgentTrace(provider, 'invoke_agent second run');
    await page.waitForSelector(`tr[data-trace-id="${second.traceId}"]`, { timeout: 15_000 });
    const ids = await page.locator('.trace-table tbody tr').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.traceId));
    assert.deepEqual(ids, [second.traceId, first.traceId]);
    const rowText = await page.locator(`tr[data-trace-id="${first.traceId}"]`).innerText();
    assert.match(rowText, /invoke_agent first run/);
    assert.match(rowText, /weather-agent/);

    // The errors-only filter keeps both (each run has a failing tool); the text filter narrows.
    await page.locator('.trace-search input').fill('second');
    await page.waitForFunction(() => document.querySelectorAll('.trace-table tbody tr').length === 1);
    assert.equal(await page.locator(`tr[data-trace-id="${second.traceId}"]`).count(), 1);
    await page.locator('.trace-search input').fill('');
    await page.waitForFunction(() => document.querySelectorAll('.trace-table tbody tr').length === 2);
    await screenshot(page, 'trace-list');
  });

  it('opens a trace with one row and one bar per span, and shows an LLM call as a conversation', async () => {
    await page.goto(`${serve.baseUrl}/`);
    await page.locator(`tr[data-trace-id="${first.traceId}"] a.trace-link`).click();
    await page.waitForSelector(`.trace-page[data-trace-id="${first.traceId}"][data-state=ready]`);
    assert.equal(await visibleRowCount(page), first.spanCount);
    assert.equal(await page.locator('.wf-row:not([hidden]) .wf-bar:not([hidden])').count(), first.spanCount);
    const summary = (await getJson<TraceSummary[]>(serve, `/api/traces?q=${first.traceId}`))[0];
    assert.equal(await page.locator('.fact-spans .fact-value').innerText(), formatCount(summary.spanCount));
    assert.equal(await page.locator('.fact-duration .fact-value').innerText(), formatDuration(summary.durationMs));
    assert.equal(await page.locator('.fact-errors .fact-value').innerText(), formatCount(summary.errorCount));
    assert.equal(await page.locator('.wf-row.error:not([hidden])').count(), 1);
    assert.ok(await page.locator('.legend-item', { hasText: 'Model call' }).count());

    await page.locator(`.wf-row[data-span-id="${first.llmSpanId}"]`).click();
    await page.waitForSelector('.details .chat-message');
    const roles = await page.locator('.details .chat-role').allInnerTexts();
    assert.deepEqual(roles, ['System', 'User', 'Assistant']);
    assert.match(await page.locator('.details .chat').innerText(), /What is the weather in Paris today\?/);
    // Tool calls are open: their arguments show without a click.
    assert.equal(await page.locator('.details .tool-call[open]').count(), 1);
    assert.match(await page.locator('.details .tool-call pre').innerText(), /"city": "Paris"/);
    assert.match(await page.locator('.details .facts').first().innerText(), /420 in · 37 out/);
    // No editor in a browser: the source location is shown, the reveal button is not.
    assert.match(await page.locator('.details .source-location').innerText(), /weather\.ts:42/);
    assert.equal(await page.locator('.details .reveal-source').count(), 0);
    await screenshot(page, 'trace-llm-details');

    await page.locator('.wf-row.error:not([hidden])').click();
    await page.waitForSelector('.details .exception');
    assert.match(await page.locator('.details .exception').innerText(), /forecast service unavailable/);
    assert.match(await page.locator('.details .stack-frames').innerText(), /forecast\.ts:17:11/);
    await page.locator('.details .attr-filter input').fill('gen_ai.tool');
    await page.waitForFunction(() => document.querySelectorAll('.details .attr-section .attr-table tr').length === 1);
    await screenshot(page, 'trace-error-details');
  });

  it('navigates with the keyboard, collapses, searches and zooms without losing rows', async () => {
    await page.goto(`${serve.baseUrl}/#/trace/${first.traceId}`);
    await page.waitForSelector('.trace-page[data-state=ready]');
    await page.locator('.wf-body').focus();
    await page.keyboard.press('Home');
    await expectSelected(page, first.rootSpanId);
    await page.keyboard.press('ArrowDown');
    await expectSelected(page, first.llmSpanId);
    // Screen readers follow the selection through aria-activedescendant.
    const active = await page.locator('.wf-body').getAttribute('aria-activedescendant');
    assert.equal(await page.locator(`#${active}`).getAttribute('data-span-id'), first.llmSpanId);
    await page.waitForSelector('.details .chat-message');
    await page.keyboard.press('ArrowLeft');
    await expectSelected(page, first.rootSpanId);
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => document.querySelectorAll('.wf-row:not([hidden])').length === 1);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((n) => document.querySelectorAll('.wf-row:not([hidden])').length === n, first.spanCount);

    await page.locator('.span-search input').fill('tool');
    await page.waitForFunction(() => document.querySelector('.match-count')?.textContent === '1 of 2');
    assert.equal(await page.locator('.wf-row.match:not([hidden])').count(), 2);
    assert.equal(await page.locator('.wf-row.match mark').first().innerText(), 'tool');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.match-count')?.textContent === '2 of 2');

    const before = await page.locator('.wf-axis').textContent();
    const box = (await page.locator('.wf-body').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.7, box.y + 40);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -400);
    await page.keyboard.up('Control');
    await page.waitForFunction((text) => document.querySelector('.wf-axis')?.textContent !== text, before);
    assert.equal(await visibleRowCount(page), first.spanCount);

    // Dragging the timeline pans; the minimap shows the window and a double-click shows everything.
    const zoomed = await page.locator('.wf-axis').textContent();
    await page.mouse.move(box.x + box.width * 0.6, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + 40, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((text) => document.querySelector('.wf-axis')?.textContent !== text, zoomed);
    const windowBox = await page.locator('.wf-minimap-window').boundingBox();
    const minimapBox = await page.locator('.wf-minimap').boundingBox();
    assert.ok(windowBox && minimapBox && windowBox.width < minimapBox.width * 0.9, 'the minimap shows a partial window');
    await page.locator('.wf-minimap').dblclick();
    await page.waitForFunction((text) => document.querySelector('.wf-axis')?.textContent === text, before);

    await page.keyboard.down('Control');
    await page.mouse.move(box.x + box.width * 0.7, box.y + 40);
    await page.mouse.wheel(0, -400);
    await page.keyboard.up('Control');
    await page.waitForFunction((text) => document.querySelector('.wf-axis')?.textContent !== text, before);
    await page.locator('.wf-body').focus();
    await page.keyboard.press('0');
    await page.waitForFunction((text) => document.querySelector('.wf-axis')?.textContent === text, before);
  });

  it('shows the trace breakdown with the numbers the REST API reports', async () => {
    await page.goto(`${serve.baseUrl}/#/trace/${first.traceId}`);
    await page.waitForSelector('.trace-page[data-state=ready]');
    await page.locator('vscode-tab-header[data-tab=breakdown]').click();
    await page.waitForSelector('.breakdown-table[data-table=byKind] tbody tr');
    const breakdown = await getJson<Breakdown>(serve, `/api/traces/${first.traceId}/breakdown`);
    assert.ok(breakdown.byKind.length > 0);
    for (const row of breakdown.byKind) {
      const cells = page.locator(`.breakdown-table[data-table=byKind] tr[data-key="${row.key}"]`);
      assert.equal(await cells.locator('.col-count').innerText(), formatCount(row.count), row.key);
      assert.equal(await cells.locator('.col-totalMs').innerText(), formatDuration(row.totalMs), row.key);
      assert.equal(await cells.locator('.col-selfMs').innerText(), formatDuration(row.selfMs), row.key);
      assert.equal(await cells.locator('.col-p95Ms').innerText(), formatDuration(row.p95Ms), row.key);
      assert.equal(await cells.locator('.col-share').innerText(), formatShare(row.share), row.key);
    }
    for (const row of breakdown.byModel) {
      const cells = page.locator(`.breakdown-table[data-table=byModel] tr[data-key="${row.key}"]`);
      assert.equal(await cells.locator('.col-tokens').innerText(), formatCount(row.tokens), row.key);
    }
    assert.equal(await page.locator('.breakdown .bar-chart').count(), 3);
    await screenshot(page, 'trace-breakdown');
  });

  it('shows the breakdown across all traces', async () => {
    await page.goto(`${serve.baseUrl}/#/overview`);
    await page.waitForSelector('.overview-page[data-state=ready]');
    const overall = await getJson<Breakdown>(serve, '/api/breakdown');
    assert.match(await page.locator('.breakdown-totals').innerText(), new RegExp(`${overall.traceCount} traces`));
    for (const row of overall.byName) {
      const cells = page.locator(`.breakdown-table[data-table=byName] tr[data-key="${row.key}"]`);
      assert.equal(await cells.locator('.col-count').innerText(), formatCount(row.count), row.key);
      assert.equal(await cells.locator('.col-p50Ms').innerText(), formatDuration(row.p50Ms), row.key);
    }
    await screenshot(page, 'overview-breakdown');
  });

  it('catches up with changes missed while the server was away', async () => {
    const store = mkdtempSync(join(tmpdir(), 'loupe-browser-restart-'));
    let own = await startLoupeServe({ store });
    try {
      await postJson(own, '/api/import', syntheticTraceRequest({ spanCount: 3, seed: 1 }).request);
      await openPrintedAddress(browser.context, own);
      await page.goto(`${own.baseUrl}/`);
      await page.waitForFunction(() => document.querySelectorAll('.trace-table tbody tr').length === 1);
      const port = own.httpPort;
      await own.stop();
      const token = own.token;
      own = await startLoupeServe({ store, httpPort: port });
      // The same store keeps its token, so the page's cookie (and its event stream) still work.
      assert.equal(own.token, token);
      // Imported before the page's event stream reconnects: no change event will ever carry it.
      await postJson(own, '/api/import', syntheticTraceRequest({ spanCount: 3, seed: 2 }).request);
      await page.waitForFunction(() => document.querySelectorAll('.trace-table tbody tr').length === 2, undefined, { timeout: 20_000 });
    } finally {
      await own.stop();
      rmSync(store, { recursive: true, force: true });
    }
    // The page saw the server go away; that is expected here.
    problems.splice(0, problems.length, ...problems.filter((p) => !/ERR_CONNECTION_REFUSED|traces\/stream/.test(p)));
  });

  it('updates a growing trace in place, keeping selection, zoom and scroll', async () => {
    await page.setViewportSize({ width: 1400, height: 420 });
    await page.goto(`${serve.baseUrl}/#/trace/${first.traceId}`);
    await page.waitForSelector('.trace-page[data-state=ready]');
    await growTrace(provider, first.rootContext, 30, 'early step');
    await page.waitForFunction(
      (n) => document.querySelector('.trace-page')?.getAttribute('data-rows') === String(n),
      first.spanCount + 30,
      { timeout: 15_000 },
    );
    await page.locator(`.wf-row[data-span-id="${first.llmSpanId}"]`).click();
    await page.locator('.wf-body').evaluate((body) => (body.scrollTop = 120));
    await page.locator('.wf-body').focus();
    const unzoomed = await page.locator('.wf-axis').textContent();
    await page.keyboard.press('+');
    await page.waitForFunction((text) => document.querySelector('.wf-axis')?.textContent !== text, unzoomed);
    const axisBefore = await page.locator('.wf-axis').textContent();
    const topBefore = await page.locator('.wf-body').evaluate((body) => body.scrollTop);

    await growTrace(provider, first.rootContext, 20, 'late step');
    await page.waitForFunction(
      (n) => document.querySelector('.trace-page')?.getAttribute('data-rows') === String(n),
      first.spanCount + 50,
      { timeout: 15_000 },
    );
    await expectSelected(page, first.llmSpanId);
    assert.equal(await page.locator('.wf-body').evaluate((body) => body.scrollTop), topBefore);
    // The window keeps the same stretch of time, so the ruler reads the same.
    assert.equal(await page.locator('.wf-axis').textContent(), axisBefore);
    assert.match(await page.locator('.details .chat').innerText(), /weather in Paris/);
    await screenshot(page, 'trace-live-update');
  });
});
