import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import type { TraceSummary } from '../../src/model/traceTypes';
import type { RevealSourceCommand } from '../../src/model/webviewMessages';
import { agentTracerProvider, growTrace, sendAgentTrace, type SentAgentTrace } from './support/agentSpans';
import { preparePage, requireChromium, screenshot, visibleRowCount } from './support/browserSuite';
import { launchChromium, watchPageProblems, type LaunchedBrowser } from './support/chromium';
import { getJson, startLoupeServe, type LoupeServe } from './support/loupeServe';
import { VsCodeWebviewHarness } from './support/vscodeWebviewHarness';

const VIOLATIONS = `
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
`;

describe('trace view as a VS Code webview (postMessage host, nonce CSP)', function () {
  let serve: LoupeServe;
  let browser: LaunchedBrowser;
  let provider: TracerProvider;
  let harness: VsCodeWebviewHarness;
  let page: Page;
  let problems: string[];
  let sent: SentAgentTrace;
  let origin: string;

  before(async function () {
    requireChromium(this);
    serve = await startLoupeServe();
    provider = agentTracerProvider(serve.baseUrl);
    sent = await sendAgentTrace(provider, 'invoke_agent in a panel');
    browser = await launchChromium();
    // The panel talks to the extension host (the harness), which sends the token; the page needs no cookie.
    harness = new VsCodeWebviewHarness(serve);
    origin = await harness.start({ page: 'trace', traceId: sent.traceId });
    page = await browser.context.newPage();
    await preparePage(page);
    await page.addInitScript(VIOLATIONS);
    await harness.attach(page);
    problems = watchPageProblems(page);
  });

  after(async () => {
    await page?.close();
    await harness?.stop();
    await provider?.shutdown();
    await browser?.close();
    await serve?.stop();
  });

  it('announces itself, asks only through valid messages and shows the panel trace', async () => {
    await page.goto(`${origin}/`);
    await page.waitForSelector(`.trace-page[data-trace-id="${sent.traceId}"][data-state=ready]`);
    assert.equal(await visibleRowCount(page), sent.spanCount);
    assert.equal(harness.received[0]?.type, 'ready');
    assert.ok(harness.received.some((m) => m.type === 'request' && m.method === 'waterfallColumns'));
    assert.deepEqual(harness.rejected, []);
    // Inside VS Code there is no "back to the list" button: the sidebar tree is the list.
    assert.equal(await page.locator('.back-button').count(), 0);
    // Nor the browser's top bar on the page across traces: the panel title names it.
    await harness.post({ type: 'show', view: { page: 'overview' } });
    await page.waitForSelector('.overview-page');
    assert.equal(await page.locator('.page-header').count(), 0);
    await harness.post({ type: 'show', view: { page: 'trace', traceId: sent.traceId } });
    await page.waitForSelector(`.trace-page[data-trace-id="${sent.traceId}"][data-state=ready]`);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
  });

  it('reveals a span source and a stack frame through the host', async () => {
    await page.locator(`.wf-row[data-span-id="${sent.llmSpanId}"]`).click();
    await page.waitForSelector('.details .chat-message');
    // The toolkit's button (a registered custom element with its own theme-aware styles), not bare text.
    assert.equal(await page.locator('.details .reveal-source').evaluate((el) => el.shadowRoot !== null), true);
    await page.locator('.details .reveal-source').click();
    await page.locator('.wf-row.error').click();
    await page.locator('.details .stack-frame.user button').first().click();
    const reveals = await waitFor(() => {
      const found = harness.received.filter((m): m is RevealSourceCommand => m.type === 'revealSource');
      return found.length >= 2 ? found : undefined;
    });
    assert.deepEqual(reveals[0].location, { filePath: '/workspace/agent/weather.ts', line: 42, source: 'attributes' });
    assert.equal(reveals[1].location.filePath, '/workspace/agent/tools/forecast.ts');
    assert.equal(reveals[1].location.line, 17);
    assert.equal(reveals[1].location.column, 11);
    await screenshot(page, 'vscode-webview-error');
  });

  it('follows the host: a show message selects a span, a trace change grows the view in place', async () => {
    await harness.post({ type: 'show', view: { page: 'trace', traceId: sent.traceId, spanId: sent.llmSpanId } });
    await page.waitForSelector(`.wf-row.selected[data-span-id="${sent.llmSpanId}"]`);

    await growTrace(provider, sent.rootContext, 3, 'panel step');
    const summary = (await getJson<TraceSummary[]>(serve, `/api/traces?q=${sent.traceId}`))[0];
    const stats = await getJson<Record<string, number>>(serve, '/api/stats');
    await harness.post({ type: 'traceChange', change: { upserted: [summary], removed: [], cleared: false, stats: stats as never } });
    await page.waitForFunction((n) => document.querySelector('.trace-page')?.getAttribute('data-rows') === String(n), sent.spanCount + 3);
    await page.waitForSelector(`.wf-row.selected[data-span-id="${sent.llmSpanId}"]`);
  });

  it('keeps its UI state across a reload (setState), not its data', async () => {
    await page.locator('.wf-body').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => document.querySelectorAll('.wf-row:not([hidden])').length === 1);
    await page.waitForTimeout(800);
    const state = await page.evaluate(() => JSON.parse(sessionStorage.getItem('vscodeState') ?? 'null'));
    assert.equal(state.view.traceId, sent.traceId);
    assert.deepEqual(state.trace.collapsed, [sent.rootSpanId]);
    assert.equal(JSON.stringify(state).includes('weather in Paris'), false, 'no trace data in the persisted state');

    const before = harness.received.length;
    await page.reload();
    await page.waitForSelector('.trace-page[data-state=ready]');
    await page.waitForFunction(() => document.querySelectorAll('.wf-row:not([hidden])').length === 1);
    await page.waitForSelector(`.wf-row.selected[data-span-id="${sent.rootSpanId}"]`);
    assert.equal(harness.received[before]?.type, 'ready');
    assert.deepEqual(harness.rejected, []);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
    assert.deepEqual(problems, []);
  });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
