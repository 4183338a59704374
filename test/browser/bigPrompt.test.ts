import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { agentTracerProvider } from './support/agentSpans';
import { preparePage, requireChromium, screenshot } from './support/browserSuite';
import { launchChromium, watchPageProblems, type LaunchedBrowser } from './support/chromium';
import { openPrintedAddress, startLoupeServe, type LoupeServe } from './support/loupeServe';

/** About 1 MB of varied text (multi-byte characters, quotes, newlines), no invisible characters. */
function bigPrompt(): string {
  const words = ['naïve', 'café', '数据', '🚀', '"quoted"', 'back\\slash', 'plain', 'ascii', 'résumé', 'line'];
  let out = '';
  for (let i = 0; out.length < 1_000_000; i++) out += words[(i * 7) % words.length] + (i % 13 === 0 ? '\n' : ' ');
  return out;
}

describe('a 1 MB prompt in the UI', function () {
  this.timeout(120_000);
  let serve: LoupeServe;
  let browser: LaunchedBrowser;
  let page: Page;
  const store = mkdtempSync(join(tmpdir(), 'loupe-browser-bigprompt-'));

  before(function () {
    requireChromium(this);
  });

  after(async () => {
    await page?.close();
    await browser?.close();
    await serve?.stop();
    rmSync(store, { recursive: true, force: true });
  });

  it('reads back byte for byte after a restart, from the store', async () => {
    serve = await startLoupeServe({ store });
    const prompt = bigPrompt();
    const provider = agentTracerProvider(serve.baseUrl, 'big-prompt-agent');
    const llm = provider.getTracer('big').startSpan('chat gpt-4o', {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: prompt }] }]),
      },
    });
    llm.end();
    await provider.forceFlush();
    await provider.shutdown();
    const traceId = llm.spanContext().traceId;
    const spanId = llm.spanContext().spanId;
    // The next Loupe reads the trace from its file and the prompt from the content store.
    await serve.stop();
    serve = await startLoupeServe({ store });

    browser = await launchChromium();
    await openPrintedAddress(browser.context, serve);
    page = await browser.context.newPage();
    await preparePage(page);
    const problems = watchPageProblems(page);
    await page.goto(`${serve.baseUrl}/#/trace/${traceId}`);
    await page.waitForSelector('.trace-page[data-state=ready]');
    await page.locator(`.wf-row[data-span-id="${spanId}"]`).click();
    await page.waitForSelector('.details .chat-message');
    const unfold = page.locator('.details .chat .fold-toggle');
    for (let i = 0, n = await unfold.count(); i < n; i++) await unfold.nth(i).click();
    const shown = await page.locator('.details .chat-message pre.chat-text').first().textContent();
    assert.equal(shown?.length, prompt.length, 'the whole prompt is shown');
    assert.ok(Buffer.from(shown ?? '').equals(Buffer.from(prompt)), 'byte for byte');
    await screenshot(page, 'big-prompt-details');
    assert.deepEqual(problems, []);
  });
});
