import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import type { TraceSummary } from '../../src/model/traceTypes';
import type { SessionSummary } from '../../src/model/sessionTypes';
import { recordedRuns, type RecordedRun } from '../unit/agents/recordedRuns';
import { preparePage, requireChromium, screenshot } from './support/browserSuite';
import { launchChromium, watchPageProblems, type LaunchedBrowser } from './support/chromium';
import { getJson, openPrintedAddress, startLoupeServe, type LoupeServe } from './support/loupeServe';

/** Sends a recorded CLI run to `loupe serve` over OTLP/HTTP as the CLI did (gzip bodies, its content types). */
async function replay(baseUrl: string, run: RecordedRun): Promise<void> {
  for (const request of run.requests) {
    const path = request.transport === 'grpc' ? undefined : request.path;
    assert.ok(path, 'HTTP recordings only');
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': request.contentType, 'content-encoding': 'gzip' },
      body: new Uint8Array(request.gzipBody),
    });
    assert.equal(response.status, 200, `${request.file}: ${await response.text()}`);
  }
}

describe('coding-agent runs in the browser (loupe serve)', function () {
  let serve: LoupeServe;
  let browser: LaunchedBrowser;
  let page: Page;
  let problems: string[];

  before(async function () {
    requireChromium(this);
    serve = await startLoupeServe();
    browser = await launchChromium();
    await openPrintedAddress(browser.context, serve);
    const runs = recordedRuns();
    await replay(
      serve.baseUrl,
      runs.find((r) => r.agent === 'copilot-cli' && r.scenario === 'tool-roundtrip')!,
    );
    for (const agent of ['codex', 'claude-code']) {
      await replay(
        serve.baseUrl,
        runs.find((r) => r.agent === agent && r.scenario === 'tool-roundtrip')!,
      );
    }
  });

  after(async () => {
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

  it('lists the sessions, one per run, and opens one as a story of turns, model calls and tool calls', async () => {
    await page.goto(`${serve.baseUrl}/#/sessions`);
    await page.locator('.session-list-page[data-state=ready]').waitFor({ timeout: 15_000 });
    const rows = page.locator('.session-table tbody tr');
    const listed = await getJson<SessionSummary[]>(serve, '/api/sessions');
    const traces = await getJson<TraceSummary[]>(serve, '/api/traces');
    assert.equal(
      await rows.count(),
      3,
      JSON.stringify([
        listed.map((s) => [s.service, s.sessionId]),
        traces.filter((t) => !t.services.includes('codex_exec')).map((t) => [t.name, t.sessions]),
      ]),
    );
    const agents = (await rows.locator('td:nth-child(2)').allInnerTexts()).sort();
    assert.deepEqual(agents, ['claude-code', 'codex_exec', 'github-copilot']);
    await screenshot(page, 'coding-agent-sessions');

    await page.locator('.session-table tr', { hasText: 'claude-code' }).locator('a.session-link').click();
    await page.locator('.session-page[data-state=ready]').waitFor({ timeout: 15_000 });
    assert.match(await page.locator('.turn-prompt pre').innerText(), /^Read the file notes\.txt in the current directory/);
    assert.equal(await page.locator('.step.model-call').count(), 2);
    assert.equal(await page.locator('.step.tool-call .step-name').innerText(), 'Read');
    assert.match(await page.locator('.session-tokens .fact-value').innerText(), /1\.7k cache read, 100 cache write/);
    assert.match(await page.locator('.session-cost .fact-value').innerText(), /^\$0\.0123 reported by the agent$/);
    await page.locator('.step.tool-call summary', { hasText: 'Result' }).click();
    assert.match(await page.locator('.step.tool-call .payload-result pre').innerText(), /PELICAN/);
    await screenshot(page, 'coding-agent-session-claude');

    await page.goto(`${serve.baseUrl}/#/sessions`);
    await page.locator('.session-table tr', { hasText: 'codex_exec' }).locator('a.session-link').click();
    await page.locator('.session-page[data-state=ready]').waitFor({ timeout: 15_000 });
    assert.deepEqual(await page.locator('.step.tool-call .step-name').allInnerTexts(), ['exec', 'exec_command']);
    assert.equal(await page.locator('.step.model-call[data-source=log]').count(), 2, "Codex's calls come from its log events");
    await screenshot(page, 'coding-agent-session-codex');
  });

  it("shows Copilot's own cost on its model call with Loupe's price beside it", async () => {
    const traces = await getJson<TraceSummary[]>(serve, '/api/traces');
    const copilot = traces.find((t) => t.services.includes('github-copilot'))!;
    assert.equal(copilot.llmCalls, 2);
    await page.goto(`${serve.baseUrl}/#/trace/${copilot.traceId}`);
    const chat = page.locator('.wf-row:not([hidden])', { hasText: 'chat gpt-5.5' }).first();
    await chat.click();
    const facts = await page.locator('.details .facts').first().innerText();
    assert.match(facts, /\$0(\.0+)? \(reported\) · Loupe's price \$0\.00/);
    await screenshot(page, 'coding-agent-copilot-cost');
  });

  it("marks Codex's runtime bookkeeping spans and reads none of them as a model or tool call", async () => {
    const traces = await getJson<TraceSummary[]>(serve, '/api/traces');
    const codex = traces.filter((t) => t.services.includes('codex_exec'));
    assert.ok(codex.length > 5, 'Codex spreads one run over many traces');
    assert.ok(codex.every((t) => t.llmCalls === 0));
    const turn = codex.find((t) => t.name === 'turn/start')!;
    await page.goto(`${serve.baseUrl}/#/trace/${turn.traceId}`);
    await page.locator('.wf-row:not([hidden])').first().click();
    assert.match(await page.locator('.details .facts').first().innerText(), /Runtime\s+bookkeeping span of the agent's runtime/);
    await screenshot(page, 'coding-agent-codex-runtime');
  });
});
