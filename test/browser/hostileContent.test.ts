import { strict as assert } from 'node:assert';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Page } from 'playwright-core';
import { revealInvisible } from '../../src/model/revealInvisible';
import { agentTracerProvider } from './support/agentSpans';
import { hugePayload, PAYLOADS } from './support/hostileCorpus';
import { preparePage, requireChromium, screenshot } from './support/browserSuite';
import { launchChromium, watchPageProblems, type LaunchedBrowser } from './support/chromium';
import { openPrintedAddress, startLoupeServe, type LoupeServe } from './support/loupeServe';

const HUGE = hugePayload();

const INIT = `
  window.__name = (fn) => fn;
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
`;

async function sendHostileTrace(baseUrl: string): Promise<{ traceId: string; spanIds: Record<string, string> }> {
  const provider = agentTracerProvider(baseUrl, `svc ${PAYLOADS.img}`);
  const tracer = provider.getTracer(`scope ${PAYLOADS.script}`);
  const root = tracer.startSpan(`root ${PAYLOADS.script}`, {
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': `agent ${PAYLOADS.svg}` },
  });
  const parent = trace.setSpan(context.active(), root);
  const spanIds: Record<string, string> = {};
  for (const [key, payload] of Object.entries(PAYLOADS)) {
    const span = tracer.startSpan(
      payload,
      { attributes: { [`attr.${key}`]: payload, [`${payload}.as.key`]: key, 'url.full': PAYLOADS.link } },
      parent,
    );
    span.addEvent(`event ${payload}`, { detail: payload });
    spanIds[key] = span.spanContext().spanId;
    span.end();
  }
  const llm = tracer.startSpan(
    `chat ${PAYLOADS.anchor}`,
    {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': `model ${PAYLOADS.breakout}`,
        'gen_ai.usage.input_tokens': 10,
        'gen_ai.usage.output_tokens': 5,
        'gen_ai.input.messages': JSON.stringify([
          { role: 'system', parts: [{ type: 'text', content: PAYLOADS.style }] },
          { role: `user ${PAYLOADS.img}`, parts: [{ type: 'text', content: `${PAYLOADS.iframe}\n${PAYLOADS.rtl}` }] },
        ]),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'tool_call', id: PAYLOADS.svg, name: PAYLOADS.script, arguments: { html: PAYLOADS.img } }] },
        ]),
        'huge.value': HUGE,
      },
    },
    parent,
  );
  spanIds.llm = llm.spanContext().spanId;
  llm.end();
  const failing = tracer.startSpan(`fail ${PAYLOADS.template}`, {}, parent);
  const error = new Error(PAYLOADS.img);
  error.stack = `Error: ${PAYLOADS.img}\n    at evil (javascript:window.__pwned='frame':1:1)\n    at run (/work/<img src=x onerror=window.__pwned='path'>.ts:3:4)`;
  failing.recordException(error);
  failing.setStatus({ code: SpanStatusCode.ERROR, message: PAYLOADS.anchor });
  spanIds.failing = failing.spanContext().spanId;
  failing.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return { traceId: root.spanContext().traceId, spanIds };
}

async function assertInert(page: Page, where: string): Promise<void> {
  const state = await page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned,
    violations: (window as unknown as { __violations: string[] }).__violations,
    scripts: document.scripts.length,
    injected: document.querySelectorAll(
      'img, iframe, object, embed, style, body script, svg script, a[href^="javascript"], [onerror], [onload], [srcdoc]',
    ).length,
    hidden: getComputedStyle(document.body).display,
  }));
  assert.equal(state.pwned, undefined, `${where}: a payload ran`);
  assert.deepEqual(state.violations, [], `${where}: something tried to load or run against the CSP`);
  assert.equal(state.scripts, 1, `${where}: only Loupe's own script`);
  assert.equal(state.injected, 0, `${where}: markup from span data reached the DOM`);
  assert.equal(state.hidden, 'block', `${where}: injected styles applied`);
}

describe('hostile span content renders inert and readable', function () {
  let serve: LoupeServe;
  let browser: LaunchedBrowser;
  let page: Page;
  let problems: string[];
  let sent: { traceId: string; spanIds: Record<string, string> };

  before(async function () {
    requireChromium(this);
    serve = await startLoupeServe();
    browser = await launchChromium();
    await openPrintedAddress(browser.context, serve);
    sent = await sendHostileTrace(serve.baseUrl);
    page = await browser.context.newPage();
    await preparePage(page);
    await page.addInitScript(INIT);
    problems = watchPageProblems(page);
  });

  after(async () => {
    await page?.close();
    await browser?.close();
    await serve?.stop();
  });

  it('in the trace list, its filters and the header', async () => {
    await page.goto(`${serve.baseUrl}/`);
    await page.waitForSelector(`tr[data-trace-id="${sent.traceId}"]`);
    const row = await page.locator(`tr[data-trace-id="${sent.traceId}"]`).innerText();
    assert.ok(row.includes(`root ${PAYLOADS.script}`), row);
    assert.ok(row.includes(PAYLOADS.img));
    const models = await page.locator('select.filter-select').nth(2).locator('option').allInnerTexts();
    assert.ok(models.some((text) => text.includes(PAYLOADS.breakout)));
    await assertInert(page, 'list');
  });

  it('in waterfall rows, search highlights, tooltips and every details section', async () => {
    await page.goto(`${serve.baseUrl}/#/trace/${sent.traceId}`);
    await page.waitForSelector('.trace-page[data-state=ready]');
    assert.equal(await page.locator('.trace-name').innerText(), `root ${PAYLOADS.script}`);
    for (const [key, payload] of Object.entries(PAYLOADS)) {
      const name = page.locator(`.wf-row[data-span-id="${sent.spanIds[key]}"] .wf-name`);
      // Shown as written, with invisible direction and spacing characters made visible.
      assert.equal(await name.textContent(), revealInvisible(payload), `row name for ${key}`);
    }
    assert.equal(
      await page.locator(`.wf-row[data-span-id="${sent.spanIds.rtl}"] .wf-name`).textContent(),
      'invoice⟪U+202E⟫gnp.exe⟪U+202C⟫ — مرحبا שלום',
    );
    assert.equal(
      await page.locator(`.wf-row[data-span-id="${sent.spanIds.zeroWidth}"] .wf-name`).textContent(),
      'zero⟪U+200B⟫width\u200c\u200djoin⟪U+FEFF⟫er',
    );
    await page.locator('.span-search input').fill('<script>');
    await page.waitForFunction(() => document.querySelectorAll('.wf-row.match mark').length > 0);
    assert.equal(await page.locator('.wf-row.match mark').first().textContent(), '<script>');
    await assertInert(page, 'waterfall');

    const started = Date.now();
    await page.locator(`.wf-row[data-span-id="${sent.spanIds.llm}"]`).click();
    await page.waitForSelector('.details .chat-message');
    assert.ok(Date.now() - started < 5000, 'a span with a 1 MB attribute opens quickly');
    const chat = await page.locator('.details .chat').innerText();
    assert.ok(chat.includes(PAYLOADS.iframe));
    assert.ok(chat.includes(revealInvisible(PAYLOADS.rtl)));
    assert.ok(chat.includes(PAYLOADS.style));
    // Open every fold and collapsible, including the megabyte value.
    await page.locator('.details details').evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    const unfold = page.locator('.details .fold-toggle');
    for (let i = 0, n = await unfold.count(); i < n; i++) await unfold.nth(i).click();
    const hugeRow = page.locator('.details .attr-section .attr-table tr', { has: page.locator('th', { hasText: /^huge\.value$/ }) });
    const huge = await hugeRow.locator('pre').textContent();
    assert.ok(huge && huge.length > 1000 && huge.startsWith('AAAA'), 'the long value is shown as text');
    await assertInert(page, 'llm details');
    await screenshot(page, 'hostile-llm-details');

    for (const key of [...Object.keys(PAYLOADS), 'failing']) {
      await page.locator(`.wf-row[data-span-id="${sent.spanIds[key]}"]`).click();
      await page.waitForFunction((id) => document.querySelector('.details')?.getAttribute('data-span-id') === id, sent.spanIds[key]);
      await page.locator('.details details').evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
      const text = await page.locator('.details').innerText();
      if (key !== 'failing') assert.ok(text.includes(revealInvisible(PAYLOADS[key as keyof typeof PAYLOADS])), `details for ${key}`);
    }
    assert.match(await page.locator('.details .exception').innerText(), /javascript:window\.__pwned='frame'/);
    await assertInert(page, 'all details');
    await screenshot(page, 'hostile-error-details');
    const title = await page.locator(`.wf-row[data-span-id="${sent.spanIds.img}"]`).getAttribute('title');
    assert.ok(title?.startsWith(PAYLOADS.img));
    assert.deepEqual(problems, []);
  });

  it('in the breakdowns', async () => {
    await page.locator('vscode-tab-header[data-tab=breakdown]').click();
    await page.waitForSelector('.breakdown-table[data-table=byName] tbody tr');
    const names = await page.locator('.breakdown-table[data-table=byName]').innerText();
    assert.ok(names.includes(PAYLOADS.svg));
    await assertInert(page, 'trace breakdown');
    await page.goto(`${serve.baseUrl}/#/overview`);
    await page.waitForSelector('.overview-page[data-state=ready]');
    assert.ok((await page.locator('.breakdown').innerText()).includes(PAYLOADS.breakout));
    await assertInert(page, 'overview');
    await screenshot(page, 'hostile-overview');
    assert.deepEqual(problems, []);
  });
});
