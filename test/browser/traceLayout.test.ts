import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import { agentTracerProvider, sendAgentTrace, type SentAgentTrace } from './support/agentSpans';
import { preparePage, requireChromium, screenshot } from './support/browserSuite';
import { launchChromium, watchPageProblems, type LaunchedBrowser } from './support/chromium';
import { openPrintedAddress, startLoupeServe, type LoupeServe } from './support/loupeServe';

type Box = { x: number; y: number; width: number; height: number };

async function box(page: Page, selector: string): Promise<Box> {
  const found = await page.locator(selector).first().boundingBox();
  assert.ok(found, `${selector} is not laid out`);
  return found;
}

/** Pairs of axis labels whose boxes overlap. */
function overlappingLabels(page: Page): Promise<string[]> {
  return page.locator('.wf-axis text').evaluateAll((texts) => {
    const boxes = texts
      .map((t) => ({ text: t.textContent ?? '', rect: t.getBoundingClientRect() }))
      .sort((a, b) => a.rect.left - b.rect.left);
    const clashes: string[] = [];
    for (let i = 1; i < boxes.length; i++)
      if (boxes[i].rect.left < boxes[i - 1].rect.right + 2) clashes.push(`${boxes[i - 1].text}|${boxes[i].text}`);
    return clashes;
  });
}

describe('trace panel layout: the timeline keeps its width', function () {
  let serve: LoupeServe;
  let browser: LaunchedBrowser;
  let provider: TracerProvider;
  let sent: SentAgentTrace;
  let page: Page;
  let problems: string[];

  before(async function () {
    requireChromium(this);
    serve = await startLoupeServe();
    browser = await launchChromium();
    await openPrintedAddress(browser.context, serve);
    provider = agentTracerProvider(serve.baseUrl);
    sent = await sendAgentTrace(provider, 'invoke_agent layout');
  });

  after(async () => {
    await provider?.shutdown();
    await browser?.close();
    await serve?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-layout-${this.currentTest.title.replace(/\W+/g, '-')}`);
    await page.close();
    assert.deepEqual(problems, [], 'the page logged errors');
  });

  async function open(width: number): Promise<void> {
    page = await browser.context.newPage();
    await page.setViewportSize({ width, height: 640 });
    await preparePage(page);
    problems = watchPageProblems(page);
    await page.goto(`${serve.baseUrl}/#/trace/${sent.traceId}`);
    await page.waitForSelector('.trace-page[data-state=ready]');
  }

  for (const width of [745, 1046]) {
    it(`gives the timeline the panel until a span is selected, at ${width} px`, async () => {
      await open(width);
      assert.equal(await page.locator('.details-pane').isVisible(), false, 'details shown with nothing selected');
      const axis = await box(page, '.wf-axis');
      assert.ok(axis.width >= width * 0.6, `timeline ${axis.width} px of ${width}`);
      const label = await box(page, '.wf-top-label');
      assert.ok(label.width <= width * 0.3, `name column ${label.width} px of ${width}`);
      assert.deepEqual(await overlappingLabels(page), []);
      await screenshot(page, `layout-${width}-no-selection`);

      await page.locator(`.wf-row[data-span-id="${sent.llmSpanId}"]`).click();
      await page.waitForSelector('.details .chat-message');
      const details = await box(page, '.details-pane');
      const waterfall = await box(page, '.waterfall');
      const after = await box(page, '.wf-axis');
      if (width < 1000) {
        assert.ok(details.y >= waterfall.y + waterfall.height - 1, 'narrow panel: details below the waterfall');
        assert.ok(after.width >= width * 0.6, `timeline ${after.width} px of ${width} with details below`);
      } else {
        assert.ok(details.x >= waterfall.x + waterfall.width - 1, 'wide panel: details beside the waterfall');
        assert.ok(after.width >= 400, `timeline ${after.width} px of ${width} with details beside`);
      }
      assert.deepEqual(await overlappingLabels(page), []);
      await screenshot(page, `layout-${width}-selected`);

      await page.keyboard.press('Escape');
      await page.waitForSelector('.details-pane', { state: 'hidden' });
    });
  }

  it('remembers the details placement, their size and the name column across traces and reloads', async () => {
    await open(1046);
    await page.locator(`.wf-row[data-span-id="${sent.llmSpanId}"]`).click();
    await page.waitForSelector('.details .chat-message');
    await page.locator('.details-placement').click();
    const below = await box(page, '.details-pane');
    assert.ok(below.y > (await box(page, '.waterfall')).y + 50, 'the placement button moves the details below');

    // Drag the splitter up 60 px and the name column's edge right 80 px.
    const splitter = await box(page, '.splitter');
    await page.mouse.move(splitter.x + splitter.width / 2, splitter.y + splitter.height / 2);
    await page.mouse.down();
    await page.mouse.move(splitter.x + splitter.width / 2, splitter.y - 60, { steps: 4 });
    await page.mouse.up();
    const taller = await box(page, '.details-pane');
    assert.ok(taller.height > below.height + 40, `details grew from ${below.height} to ${taller.height}`);
    const label = await box(page, '.wf-top-label');
    const edge = await box(page, '.wf-resizer');
    await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
    await page.mouse.down();
    await page.mouse.move(edge.x + edge.width / 2 + 80, edge.y + edge.height / 2, { steps: 4 });
    await page.mouse.up();
    const wider = await box(page, '.wf-top-label');
    assert.ok(Math.abs(wider.width - label.width - 80) <= 2, `name column ${label.width} → ${wider.width}`);
    // State is written shortly after a change: wait until it holds the new name-column width.
    await page.waitForFunction((width) => {
      const saved = JSON.parse(sessionStorage.getItem('loupe.uiState') ?? '{}') as { layout?: { labelWidth?: number } };
      return Math.abs((saved.layout?.labelWidth ?? 0) - width) <= 2;
    }, wider.width);

    await page.reload();
    await page.waitForSelector('.trace-page[data-state=ready]');
    await page.waitForSelector('.details .chat-message');
    const again = await box(page, '.details-pane');
    assert.ok(Math.abs(again.height - taller.height) <= 2, `details height ${again.height}, was ${taller.height}`);
    assert.ok(again.y > (await box(page, '.waterfall')).y + 50, 'still below');
    assert.ok(Math.abs((await box(page, '.wf-top-label')).width - wider.width) <= 2, 'name column width kept');
  });
});
