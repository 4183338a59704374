/**
 * The MCP registration and the replay page in a real VS Code workbench (code-server):
 * "MCP: List Servers" lists Loupe, and Replay… on a model call edits, runs against a fake
 * OpenAI-compatible server and keeps the answer as a linked trace. Screenshots go to
 * test-results/mcp/. Run: `node esbuild.mjs && npx tsx test/integration/mcpAndReplayInCodeServer.ts`
 * (needs scripts/setup-code-server.sh first).
 */
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame, Page } from 'playwright-core';
import { sendAgentRuns } from '../unit/mcp/agentRuns';
import { FakeModelServer } from '../unit/replay/fakeModelServer';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { findInstalledTools } from './installedTools';
import { launchChromium, recordPageProblems, workbenchUrl } from './workbench';

const repoRoot = path.resolve(__dirname, '..', '..');

async function receiverPort(userDataDir: string): Promise<number> {
  const deadline = Date.now() + 30_000;
  const storage = path.join(userDataDir, 'User', 'globalStorage');
  while (Date.now() < deadline) {
    const dir = existsSync(storage) ? readdirSync(storage).find((e) => e.toLowerCase() === 'loupe-dev.loupe') : undefined;
    const file = dir && path.join(storage, dir, 'owner.json');
    const port = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { httpPort?: number }).httpPort : undefined;
    if (port) return port;
    await sleep(200);
  }
  throw new Error('no Loupe owner file with an HTTP port');
}

async function runPaletteCommand(page: Page, label: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${label}`);
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: exact }).first().click({ timeout: 10_000 });
}

async function frameWith(page: Page, selector: string): Promise<Frame> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (
        (await frame
          .locator(selector)
          .count()
          .catch(() => 0)) > 0
      )
        return frame;
    }
    await sleep(200);
  }
  throw new Error(`no webview with ${selector} appeared`);
}

async function main(): Promise<void> {
  const lookup = findInstalledTools();
  if (!lookup.found) throw new Error(`code-server is not installed (${lookup.problem}); run scripts/setup-code-server.sh`);
  const scratchDir = mkdtempSync(path.join(tmpdir(), 'loupe-mcp-ui-'));
  const outputDir = path.join(repoRoot, 'test-results', 'mcp');
  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(outputDir, { recursive: true });
  const workspace = path.join(scratchDir, 'workspace');
  cpSync(path.join(repoRoot, 'test', 'integration', 'fixtures', 'workspace'), workspace, { recursive: true });
  const fake = new FakeModelServer();
  const fakePort = await fake.start();
  let server: RunningCodeServer | undefined;
  let context: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    server = await startCodeServer({ tools: lookup.tools, scratchDir, workspace, env: {} });
    // MCP lives in the chat features, which the quiet test settings turn off.
    const settingsPath = path.join(scratchDir, 'user-data', 'User', 'settings.json');
    writeFileSync(
      settingsPath,
      JSON.stringify({ ...JSON.parse(readFileSync(settingsPath, 'utf8')), 'chat.disableAIFeatures': false }, null, 2),
    );
    context = await launchChromium(lookup.tools.chromium, path.join(scratchDir, 'chromium'), path.join(outputDir, 'blocked-requests.log'));
    const page = await context.newPage();
    recordPageProblems(page, path.join(outputDir, 'console.log'));
    const shot = (name: string) => page.screenshot({ path: path.join(outputDir, `${name}.png`) });
    await page.goto(workbenchUrl(server, { workspace, extensionDevelopmentPath: repoRoot }));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const runs = await sendAgentRuns(await receiverPort(path.join(scratchDir, 'user-data')));
    console.log(`sent runs; newest trace ${runs.newestTraceId}`);

    await runPaletteCommand(page, 'MCP: List Servers');
    const loupeRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Loupe' }).first();
    await loupeRow.waitFor({ timeout: 20_000 });
    await shot('mcp-list-servers');
    console.log(`MCP server list rows: ${JSON.stringify(await page.locator('.quick-input-list .monaco-list-row').allInnerTexts())}`);
    await loupeRow.click();
    await sleep(1_000);
    await shot('mcp-loupe-server-actions');
    console.log(`Loupe server actions: ${JSON.stringify(await page.locator('.quick-input-list .monaco-list-row').allInnerTexts())}`);
    const start = page.locator('.quick-input-list .monaco-list-row', { hasText: /Start Server/ }).first();
    if (await start.count()) {
      await start.click();
      await sleep(3_000);
      await runPaletteCommand(page, 'MCP: List Servers');
      await loupeRow.waitFor({ timeout: 10_000 });
      await sleep(1_000);
      await shot('mcp-list-servers-after-start');
      console.log(`after start: ${JSON.stringify(await page.locator('.quick-input-list .monaco-list-row').allInnerTexts())}`);
    }
    await page.keyboard.press('Escape');

    // Replay: open the newest trace at its model call and press Replay… in the details.
    await runPaletteCommand(page, 'Loupe: Open Trace');
    await page.locator('.quick-input-list .monaco-list-row').first().click({ timeout: 10_000 });
    const traceFrame = await frameWith(page, '.trace-page');
    await traceFrame.locator('.trace-page[data-state=ready]').waitFor({ timeout: 20_000 });
    await traceFrame.locator('.wf-row', { hasText: 'chat gpt-4o' }).first().click();
    await traceFrame.locator('.details button', { hasText: 'Replay…' }).click({ timeout: 10_000 });
    const replay = await frameWith(page, '.draft-form');
    await sleep(500);
    await shot('replay-page');
    const target = await replay.locator('.target').innerText();
    console.log(`replay page says: ${target}`);
    assert.match(target, /Run will call: https:\/\/api\.openai\.com\/v1\/chat\/completions/);
    await replay.locator('.field', { hasText: 'Base URL' }).locator('input').fill(`http://127.0.0.1:${fakePort}/v1`);
    await replay.locator('.message textarea').first().fill('Weather in Paris, in one line?');
    await replay.locator('.target', { hasText: `127.0.0.1:${fakePort}` }).waitFor({ timeout: 5_000 });
    assert.equal(fake.received.length, 0, 'nothing is sent before Run');
    await replay.locator('button', { hasText: /^Run$/ }).click();
    await replay.locator('.side-by-side').waitFor({ timeout: 20_000 });
    assert.equal(fake.received.length, 1);
    assert.equal(fake.last.body.messages.at(-1).content, 'Weather in Paris, in one line?');
    await shot('replay-result');
    await replay.locator('button', { hasText: 'Keep as Trace' }).click();
    await replay.locator('.keep-bar', { hasText: /Kept as trace/ }).waitFor({ timeout: 10_000 });
    await shot('replay-kept');
    console.log(`kept: ${await replay.locator('.keep-bar').innerText()}`);
  } finally {
    await context?.close().catch(() => undefined);
    await server?.stop();
    await fake.stop();
    rmSync(scratchDir, { recursive: true, force: true, maxRetries: 5 });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
