import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openPageHtml } from '../../src/cli/openPage';
import { requireChromium, preparePage, screenshot } from './support/browserSuite';
import { launchChromium, watchPageProblems, type LaunchedBrowser } from './support/chromium';
import { startLoupeServe, type LoupeServe } from './support/loupeServe';
import { syntheticTraceRequest } from './support/syntheticTrace';

/** An OTLP/JSON export, as an agent sends it: no Loupe token. */
async function exportTrace(serve: LoupeServe, seed: number): Promise<string> {
  const { request, traceId } = syntheticTraceRequest({ spanCount: 3, seed });
  const response = await fetch(`${serve.baseUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  assert.equal(response.status, 200, await response.text());
  return traceId;
}

describe('the browser UI behind the access token (loupe serve)', function () {
  let serve: LoupeServe;
  let browser: LaunchedBrowser;

  before(async function () {
    requireChromium(this);
    serve = await startLoupeServe();
  });

  beforeEach(async () => {
    // A fresh profile for each test: no cookie from an earlier one.
    browser = await launchChromium();
  });

  afterEach(async () => {
    await browser?.close();
  });

  after(async () => {
    await serve?.stop();
  });

  it('shows no data without the token, and says where to find it', async () => {
    await exportTrace(serve, 1);
    const page = await browser.context.newPage();
    const problems = watchPageProblems(page, [/\/api\//]);
    await page.goto(`${serve.baseUrl}/`);
    await page.waitForSelector('.list-page[data-state=error]');
    const text = await page.locator('.list-page').innerText();
    assert.match(text, /401/);
    assert.match(text, /auth-token/);
    assert.match(text, /the address `loupe serve` prints/);
    assert.equal(await page.locator('.trace-table tbody tr').count(), 0);
    assert.deepEqual(problems, []);
    await screenshot(page, 'access-token-missing');
  });

  it('opens through the printed address: an HttpOnly cookie, a clean address, live updates over the cookie', async () => {
    const first = await exportTrace(serve, 2);
    const page = await browser.context.newPage();
    await preparePage(page);
    const problems = watchPageProblems(page);
    const statuses: number[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(`${serve.baseUrl}/?`)) statuses.push(response.status());
    });
    assert.match(serve.uiUrl, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    await page.goto(`${serve.uiUrl}#/`);

    // Redirected to the address without the token; the fragment (the view) survives.
    assert.deepEqual(statuses, [303]);
    assert.equal(page.url(), `${serve.baseUrl}/#/`);
    assert.ok(!(await page.evaluate(() => location.href)).includes('token'), 'the token left the address bar');
    const cookies = await browser.context.cookies(serve.baseUrl);
    assert.deepEqual(
      cookies.map(({ name, value, httpOnly, sameSite, path }) => ({ name, value, httpOnly, sameSite, path })),
      [{ name: `loupe_token_${serve.httpPort}`, value: serve.token, httpOnly: true, sameSite: 'Strict', path: '/' }],
    );
    assert.equal(await page.evaluate(() => document.cookie), '', 'page scripts cannot read the token');

    await page.waitForSelector(`.list-page[data-state=ready] tr[data-trace-id="${first}"]`);
    // Sent after the page loaded: it arrives over the event stream, which carries the cookie too.
    const second = await exportTrace(serve, 3);
    await page.waitForSelector(`tr[data-trace-id="${second}"]`, { timeout: 15_000 });
    assert.deepEqual(problems, []);
    await screenshot(page, 'access-token-list');
  });

  it('opens from the page `loupe serve --open` hands the browser (a file, so the token is on no command line)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-open-page-'));
    try {
      const file = join(dir, 'open-ui.html');
      writeFileSync(file, openPageHtml(serve.uiUrl));
      const page = await browser.context.newPage();
      await page.goto(pathToFileURL(file).href);
      await page.waitForURL(`${serve.baseUrl}/`);
      await page.waitForSelector('.list-page[data-state=ready]');
      assert.equal((await browser.context.cookies(serve.baseUrl))[0]?.value, serve.token);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a printed address with a wrong token, setting no cookie', async () => {
    const page = await browser.context.newPage();
    const response = await page.goto(`${serve.baseUrl}/?token=${'A'.repeat(serve.token.length)}`);
    assert.equal(response?.status(), 401);
    assert.match(await page.locator('body').innerText(), /not this Loupe's/);
    assert.deepEqual(await browser.context.cookies(serve.baseUrl), []);
  });
});
