import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { sendAgentRuns, type SentRuns } from '../unit/mcp/agentRuns';
import { FakeModelServer } from '../unit/replay/fakeModelServer';
import { preparePage, requireChromium, screenshot } from './support/browserSuite';
import { launchChromium, watchPageProblems, type LaunchedBrowser } from './support/chromium';
import { fetchWithToken, openPrintedAddress, startLoupeServe, type LoupeServe } from './support/loupeServe';

describe('replay in the browser UI of loupe serve', function () {
  const fake = new FakeModelServer();
  let serve: LoupeServe;
  let browser: LaunchedBrowser;
  let page: Page;
  let problems: string[];
  let runs: SentRuns;

  before(async function () {
    requireChromium(this);
    const fakePort = await fake.start();
    // The key goes to the server OPENAI_BASE_URL names (here the fake), and to no other.
    serve = await startLoupeServe({ env: { OPENAI_API_KEY: 'sk-env-for-replay', OPENAI_BASE_URL: `http://127.0.0.1:${fakePort}/v1` } });
    runs = await sendAgentRuns(serve.httpPort);
    browser = await launchChromium();
    await openPrintedAddress(browser.context, serve);
    page = await browser.context.newPage();
    await preparePage(page);
    problems = watchPageProblems(page);
  });

  after(async () => {
    await page?.close();
    await browser?.close();
    await serve?.stop();
    await fake.stop();
  });

  it('opens from the span details, sends nothing before Run, then the edited call with the environment key', async () => {
    const chatSpanId = await (async () => {
      const response = await fetchWithToken(serve, `/api/traces/${runs.newestTraceId}/waterfall`);
      const rows = (await response.json()) as { spanId: string; name: string }[];
      return rows.find((row) => row.name === 'chat gpt-4o')!.spanId;
    })();
    await page.goto(`${serve.baseUrl}/#/trace/${runs.newestTraceId}/${chatSpanId}`);
    const popup = page.waitForEvent('popup');
    await page.locator('.details button', { hasText: 'Replay…' }).click({ timeout: 20_000 });
    const replay = await popup;
    const replayProblems = watchPageProblems(replay);
    await replay.locator('.draft-form').waitFor({ timeout: 20_000 });
    assert.match(await replay.locator('.target').innerText(), /Run will call: https:\/\/api\.openai\.com\/v1\/chat\/completions/);
    assert.match(await replay.locator('.run-bar').innerText(), /OPENAI_API_KEY/);
    await replay.locator('.field', { hasText: 'Base URL' }).locator('input').fill(`http://127.0.0.1:${fake.port}/v1`);
    await replay.locator('.message textarea').first().fill('Weather in Paris?');
    await replay.locator('.field', { hasText: 'Temperature' }).locator('input').fill('0.7');
    await replay.locator('.target', { hasText: `127.0.0.1:${fake.port}` }).waitFor();
    assert.equal(fake.received.length, 0, 'nothing is sent before Run');
    await replay.locator('button', { hasText: /^Run$/ }).click();
    await replay.locator('.side-by-side').waitFor({ timeout: 20_000 });
    assert.equal(fake.received.length, 1);
    assert.equal(fake.last.headers.authorization, 'Bearer sk-env-for-replay');
    assert.deepEqual(fake.last.body.messages, [
      { role: 'system', content: 'You answer weather questions with the get_weather tool.' },
      { role: 'user', content: 'Weather in Paris?' },
    ]);
    assert.equal(fake.last.body.temperature, 0.7);
    assert.match(await replay.locator('.diff').innerText(), /\+ Paris is sunny\./);
    await screenshot(replay, 'replay-browser-result');

    const before = (await (await fetchWithToken(serve, `/api/traces`)).json()) as unknown[];
    await replay.locator('button', { hasText: 'Keep as Trace' }).click();
    await replay.locator('.keep-bar', { hasText: /Kept as trace/ }).waitFor({ timeout: 10_000 });
    const after = (await (await fetchWithToken(serve, `/api/traces`)).json()) as { traceId: string; services: string[] }[];
    assert.equal(after.length, before.length + 1);
    const kept = after.find((t) => t.services.includes('loupe-replay'))!;
    const detail = (await (await fetchWithToken(serve, `/api/traces/${kept.traceId}`)).json()) as {
      spans: { links: { spanId: string }[] }[];
    };
    assert.equal(detail.spans[0].links[0].spanId, chatSpanId);
    assert.deepEqual(replayProblems, []);
    assert.deepEqual(problems, []);
  });

  it('says clearly when the server fails, and keeps nothing', async () => {
    const replay = await browser.context.newPage();
    await replay.goto(`${serve.baseUrl}/replay.html?trace=${runs.olderTraceId}&span=${'0'.repeat(15)}1`);
    await replay.locator('.problem', { hasText: /no longer stored|not a single model call/ }).waitFor({ timeout: 10_000 });
    const spans = (await (await fetchWithToken(serve, `/api/traces/${runs.newestTraceId}/waterfall`)).json()) as {
      spanId: string;
      name: string;
    }[];
    await replay.goto(
      `${serve.baseUrl}/replay.html?trace=${runs.newestTraceId}&span=${spans.find((s) => s.name === 'chat gpt-4o')!.spanId}`,
    );
    await replay.locator('.draft-form').waitFor({ timeout: 10_000 });
    await replay.locator('.field', { hasText: 'Base URL' }).locator('input').fill(`http://127.0.0.1:${fake.port}/v1`);
    fake.behaviour = 'error500';
    const tracesBefore = ((await (await fetchWithToken(serve, `/api/traces`)).json()) as unknown[]).length;
    await replay.locator('button', { hasText: /^Run$/ }).click();
    const problem = replay.locator('.problem:not([hidden])');
    await problem.waitFor({ timeout: 10_000 });
    assert.equal(
      await problem.innerText(),
      `http://127.0.0.1:${fake.port}/v1/chat/completions answered HTTP 500: The server is overloaded.`,
    );
    assert.equal(await replay.locator('button', { hasText: 'Keep as Trace' }).count(), 0);
    assert.equal(((await (await fetchWithToken(serve, `/api/traces`)).json()) as unknown[]).length, tracesBefore);
    fake.behaviour = 'answer';
    await replay.close();
  });
});
