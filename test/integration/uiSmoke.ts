import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import type { RunningCodeServer } from './codeServer';
import { checkNetworkConsent } from './networkConsent';
import { recordPageProblems, workbenchUrl } from './workbench';
import type { WorkbenchLaunch } from './workbench';

export interface SmokeCheck {
  title: string;
  passed: boolean;
  durationMs: number;
  error?: string;
}

export interface UiSmokeOptions {
  context: BrowserContext;
  server: RunningCodeServer;
  launch: WorkbenchLaunch;
  /** Folder for screenshots and the page console log. */
  outputDir: string;
  /** code-server's user data: the extension's global storage (and its owner file) lives below it. */
  userDataDir: string;
}

const welcomeText = 'No traces yet.';

/** VS Code's four default themes: their label in the Color Theme picker, the webview body's theme kind, screenshot name. */
const THEMES: [string, string, string][] = [
  ['Light Modern', 'vscode-light', 'light-modern'],
  ['Dark Modern', 'vscode-dark', 'dark-modern'],
  ['Dark High Contrast', 'vscode-high-contrast', 'hc-dark'],
  ['Light High Contrast', 'vscode-high-contrast-light', 'hc-light'],
];

/** Run in the trace page: each legend kind's colour against the editor background, as WCAG contrast ratios. */
const KIND_CONTRAST_SCRIPT = `(() => {
  // No regular expressions: this text is a template literal, where backslashes would be eaten.
  const parse = (text) => {
    const t = text.trim();
    if (t.startsWith('#')) return [1, 3, 5].map((i) => parseInt(t.slice(i, i + 2), 16));
    return t.slice(t.indexOf('(') + 1, t.indexOf(')')).split(',').slice(0, 3).map((v) => Number(v.trim()));
  };
  const lum = (rgb) => {
    const [r, g, b] = rgb.map((v) => { const c = v / 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const background = parse(getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background'));
  const out = {};
  for (const item of document.querySelectorAll('.legend-item')) {
    const swatch = item.querySelector('span');
    if (swatch) out[item.textContent.trim()] = ratio(parse(getComputedStyle(swatch).backgroundColor), background);
  }
  return out;
})()`;

const RUN_NAME = 'invoke_agent trip-planner';
const HOSTILE_NAME = '<img src=x onerror="window.__pwned=1"> [run](command:workbench.action.terminal.new)';

/** Drives the workbench like a user: open the Loupe view, send a run, read its rows, open it. */
export async function runUiSmoke(options: UiSmokeOptions): Promise<SmokeCheck[]> {
  const page = await options.context.newPage();
  recordPageProblems(page, path.join(options.outputDir, 'ui-smoke-console.log'));
  const shot = (name: string) => page.screenshot({ path: path.join(options.outputDir, `${name}.png`) });
  const checks: SmokeCheck[] = [];
  let traceId = '';
  let second: Page | undefined;
  const steps: [string, () => Promise<void>][] = [
    ['workbench loads with the Loupe activity-bar icon', () => openWorkbench(page, options)],
    [
      'clicking the Loupe icon shows the Traces view with its welcome text',
      async () => {
        await showLoupeView(page);
        await assertTracesViewShowsWelcome(page);
        await shot('ui-smoke-loupe-view');
      },
    ],
    [
      '"Loupe: Show Traces" from the command palette brings the view back',
      async () => {
        await activityItem(page, 'Explorer').click();
        await page.locator('.part.sidebar .title-label', { hasText: /explorer/i }).waitFor({ timeout: 10_000 });
        await runPaletteCommand(page, 'Loupe: Show Traces');
        await assertTracesViewShowsWelcome(page);
      },
    ],
    [
      'a run sent with the OpenTelemetry SDK appears as a tree row with its spans',
      async () => {
        traceId = await sendTripRun(await receiverPort(options.userDataDir));
        const row = traceRow(page);
        await row.waitFor({ timeout: 15_000 });
        const text = await row.innerText();
        assert.match(text, /trip-planner/);
        assert.match(text, /\$\d/, 'the row leads with the cost');
        assert.match(text, /2\.1k tok/);
        await page.locator('.part.sidebar').screenshot({ path: path.join(options.outputDir, 'ui-smoke-tree-default-width.png') });
        await row.locator('.monaco-tl-twistie').click();
        const spanRows = page.locator('.part.sidebar .monaco-list-row[aria-level="2"]');
        await spanRows.first().waitFor({ timeout: 10_000 });
        await page
          .locator('.part.sidebar .monaco-list-row[aria-level="3"]')
          .first()
          .waitFor({ timeout: 10_000 })
          .catch(async () => {
            await spanRows.first().locator('.monaco-tl-twistie').click();
          });
        await page.locator('.part.sidebar .monaco-list-row', { hasText: 'chat claude-sonnet-4' }).first().waitFor({ timeout: 10_000 });
        await page.locator('.statusbar-item', { hasText: /Loupe 1 trace · 4 spans/ }).waitFor({ timeout: 10_000 });
        await shot('ui-smoke-trace-rows');
      },
    ],
    [
      'clicking the row opens the trace panel with its waterfall',
      async () => {
        await traceRow(page).locator('.label-name').click();
        const frame = await traceFrame(page);
        await frame.locator(`.trace-page[data-trace-id="${traceId}"][data-state=ready]`).waitFor({ timeout: 20_000 });
        await frame.locator('.wf-row').nth(3).waitFor({ timeout: 10_000 });
        await frame.locator('.wf-row', { hasText: 'chat claude-sonnet-4' }).first().click();
        await frame.locator('.details').waitFor({ timeout: 10_000 });
        await sleep(500);
        await shot('ui-smoke-trace-panel');
      },
    ],
    [
      'the trace panel keeps its kind colours readable (≥ 4.5:1) in Light Modern, Dark Modern and both High Contrast themes',
      async () => {
        for (const [theme, kind, file] of THEMES) {
          await runPaletteCommand(page, 'Preferences: Color Theme');
          const input = page.locator('.quick-input-widget input');
          await input.fill(theme);
          await page
            .locator('.quick-input-list .monaco-list-row .label-name', { hasText: new RegExp(`^${theme}$`) })
            .first()
            .click();
          const frame = await traceFrame(page);
          await frame.locator(`body[data-vscode-theme-kind="${kind}"]`).waitFor({ state: 'attached', timeout: 20_000 });
          await sleep(800);
          const ratios = (await frame.evaluate(KIND_CONTRAST_SCRIPT)) as Record<string, number>;
          for (const [name, ratio] of Object.entries(ratios)) assert.ok(ratio >= 4.5, `${theme}: ${name} contrast ${ratio.toFixed(2)}:1`);
          await shot(`ui-smoke-theme-${file}`);
        }
      },
    ],
    [
      '"Reveal source" in the span details opens the mapped workspace file at the line',
      async () => {
        const frame = await traceFrame(page);
        await frame.locator('.details .reveal-source').first().click();
        await page.locator('.tabs-container .tab', { hasText: 'weather.py' }).waitFor({ timeout: 15_000 });
        await page.locator('.statusbar-item', { hasText: /Ln 6, Col 1/ }).waitFor({ timeout: 10_000 });
        // Beside the trace panel, not over it: two editor groups, the panel still shown in one.
        assert.equal(await page.locator('.editor-group-container').count(), 2, 'the source opens in a second editor group');
        await (await traceFrame(page)).locator('.trace-page[data-state=ready]').waitFor({ timeout: 5_000 });
        await shot('ui-smoke-reveal-source');
      },
    ],
    [
      'after a window reload the trace panel comes back with its selected span',
      async () => {
        // VS Code's own reload writes the workbench state (open editors, webview state) first.
        const reloaded = page.waitForEvent('load', { timeout: 60_000 });
        await runPaletteCommand(page, 'Developer: Reload Window');
        await reloaded;
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        // Named again once the restored window has read its traces.
        const tab = page.locator('.tabs-container .tab', { hasText: 'Trace: invoke_agent trip-planner' });
        await tab.waitFor({ timeout: 30_000 });
        await tab.click();
        const frame = await traceFrame(page);
        await frame.locator(`.trace-page[data-trace-id="${traceId}"][data-state=ready]`).waitFor({ timeout: 30_000 });
        await frame.locator('.wf-row.selected', { hasText: 'chat claude-sonnet-4' }).waitFor({ timeout: 10_000 });
        await shot('ui-smoke-after-reload');
      },
    ],
    [
      '"Loupe: Show Sessions" lists the run as a session and opens it as its turn of model and tool calls',
      async () => {
        await runPaletteCommand(page, 'Loupe: Show Sessions');
        const list = await frameWith(page, '.session-list-page[data-state=ready]');
        await list.locator('a.session-link', { hasText: 'lisbon-weekend' }).click();
        const frame = await frameWith(page, '.session-page[data-state=ready]');
        assert.equal(await frame.locator('.step.model-call').count(), 2);
        assert.equal(await frame.locator('.step.tool-call .step-name').innerText(), 'search_flights');
        assert.match(await frame.locator('.turn-errors').innerText(), /flight search timed out/);
        await shot('ui-smoke-session');
      },
    ],
    [
      'a second window joins the first (same traces), and takes the receiver over when the first closes',
      async () => {
        second = await options.context.newPage();
        recordPageProblems(second, path.join(options.outputDir, 'ui-smoke-second-window-console.log'));
        await openWorkbench(second, options);
        await second.locator('.statusbar-item', { hasText: /Loupe \(joined\) 1 trace/ }).waitFor({ timeout: 30_000 });
        await showLoupeView(second);
        await traceRow(second).waitFor({ timeout: 15_000 });
        await second.screenshot({ path: path.join(options.outputDir, 'ui-smoke-second-window-joined.png') });
        await page.close();
        await second.locator('.statusbar-item', { hasText: /Loupe 1 trace · 4 spans/ }).waitFor({ timeout: 30_000 });
        // The new owner receives: a run sent to the published port shows up in this window.
        await sendTripRun(await receiverPort(options.userDataDir));
        await second.locator('.statusbar-item', { hasText: /Loupe 2 traces · 8 spans/ }).waitFor({ timeout: 20_000 });
        await second.screenshot({ path: path.join(options.outputDir, 'ui-smoke-second-window-owner.png') });
      },
    ],
    [
      'a run named with hostile markup shows as text in its row and tooltip, and nothing runs',
      async () => {
        const view = second!;
        await sendTripRun(await receiverPort(options.userDataDir), HOSTILE_NAME);
        const row = view.locator('.part.sidebar .monaco-list-row[aria-level="1"]', { hasText: 'onerror' }).first();
        await row.waitFor({ timeout: 15_000 });
        assert.match(await row.locator('.label-name').innerText(), /<img src=x onerror=/);
        await view.screenshot({ path: path.join(options.outputDir, 'ui-smoke-hostile-row.png') });
        await row.locator('.label-name').hover();
        const hover = view.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Trace ID' }).first();
        await hover.waitFor({ timeout: 15_000 });
        const text = await hover.innerText();
        assert.ok(text.includes('<img src=x onerror="window.__pwned=1">'), `tooltip text: ${text}`);
        assert.ok(text.includes('[run](command:workbench.action.terminal.new)'), 'a Markdown link stays text');
        assert.equal(await hover.locator('img, a, script, iframe, svg').count(), 0, 'no element comes from the span name');
        await view.screenshot({ path: path.join(options.outputDir, 'ui-smoke-hostile-tooltip.png') });
        assert.equal(await view.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
      },
    ],
    [
      'a network address for the receiver asks first: Cancel stays on loopback, consent opens it',
      async () => {
        await checkNetworkConsent(second!, options.userDataDir, (name) =>
          second!.screenshot({ path: path.join(options.outputDir, `${name}.png`) }),
        );
      },
    ],
    [
      '"Compare with…" on a run opens the diff of it and the previous run of the same agent',
      async () => {
        const view = second!;
        const row = view.locator('.part.sidebar .monaco-list-row[aria-level="1"]', { hasText: RUN_NAME }).first();
        await row.click({ button: 'right' });
        await view.locator('.context-view .action-label', { hasText: 'Compare with…' }).waitFor({ timeout: 10_000 });
        // The menu is driven by keys, as a mouse click on its items does not always land in the web workbench.
        for (let i = 0; i < 12; i++) {
          await view.keyboard.press('ArrowDown');
          const focused = await view
            .locator('.context-view .action-item.focused')
            .innerText()
            .catch(() => '');
          if (focused.includes('Compare with')) break;
        }
        await view.keyboard.press('Enter');
        const first = view.locator('.quick-input-list .monaco-list-row').first();
        await first.waitFor({ timeout: 10_000 });
        assert.match(await first.innerText(), /previous run/);
        await view.keyboard.press('Enter');
        const frame = await frameWith(view, '.diff-page');
        await frame.locator('.diff-page[data-state=ready] .diff-row').first().waitFor({ timeout: 20_000 });
        assert.equal(await frame.locator('.diff-row[data-status=same]').count(), 4);
        await frame.locator('.diff-row', { hasText: 'chat claude-sonnet-4' }).first().click();
        await frame.locator('.prompt-diff-section').first().waitFor({ timeout: 10_000 });
        await sleep(300);
        await view.screenshot({ path: path.join(options.outputDir, 'ui-smoke-diff-panel.png') });
      },
    ],
    [
      '"Compare Groups…" asks for two filters and opens the comparison',
      async () => {
        const view = second!;
        await runPaletteCommand(view, 'Loupe: Compare Groups…');
        const input = view.locator('.quick-input-widget input');
        await input.waitFor({ timeout: 10_000 });
        await input.fill('verison=1');
        await view.locator('.quick-input-message', { hasText: /Unknown filter key/ }).waitFor({ timeout: 10_000 });
        await input.fill('service=travel-agent');
        await view.keyboard.press('Enter');
        await view.locator('.quick-input-widget .quick-input-title', { hasText: 'group B' }).waitFor({ timeout: 10_000 });
        await input.fill('agent=trip-planner');
        await view.keyboard.press('Enter');
        const frame = await frameWith(view, '.compare-page');
        await frame.locator('.compare-page[data-state=ready] .compare-row').first().waitFor({ timeout: 20_000 });
        await sleep(300);
        await view.screenshot({ path: path.join(options.outputDir, 'ui-smoke-compare-panel.png') });
      },
    ],
  ];
  for (const [title, step] of steps) {
    const started = Date.now();
    try {
      await step();
      checks.push({ title, passed: true, durationMs: Date.now() - started });
    } catch (error) {
      checks.push({ title, passed: false, durationMs: Date.now() - started, error: (error as Error).stack ?? String(error) });
      await page.screenshot({ path: path.join(options.outputDir, 'ui-smoke-failure.png') }).catch(() => undefined);
      await second?.screenshot({ path: path.join(options.outputDir, 'ui-smoke-failure-second-window.png') }).catch(() => undefined);
      break;
    }
  }
  await page.close();
  await second?.close();
  return checks;
}

async function openWorkbench(page: Page, options: UiSmokeOptions): Promise<void> {
  await page.goto(workbenchUrl(options.server, options.launch));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await activityItem(page, 'Loupe').waitFor({ timeout: 60_000 });
}

function activityItem(page: Page, label: string) {
  return page.locator('.part.activitybar .action-item', { has: page.locator(`[aria-label^="${label}"]`) }).first();
}

/**
 * Clicks the Loupe icon until its view shows: a window restoring its layout may already show it,
 * and a click then hides the side bar again.
 */
async function showLoupeView(page: Page): Promise<void> {
  const title = page.locator('.part.sidebar .title-label', { hasText: /loupe/i });
  for (let attempt = 0; attempt < 4; attempt++) {
    if (await title.isVisible().catch(() => false)) return;
    await activityItem(page, 'Loupe').click();
    await title.waitFor({ timeout: 2_000 }).catch(() => undefined);
  }
}

function traceRow(page: Page) {
  return page.locator('.part.sidebar .monaco-list-row[aria-level="1"]', { hasText: RUN_NAME }).first();
}

async function assertTracesViewShowsWelcome(page: Page): Promise<void> {
  const sidebar = page.locator('.part.sidebar');
  await sidebar.locator('.title-label', { hasText: /loupe/i }).waitFor({ timeout: 15_000 });
  const welcome = sidebar.locator('.welcome-view-content', { hasText: welcomeText });
  await welcome.waitFor({ timeout: 15_000 });
  const text = await welcome.innerText();
  assert.match(text, /OTLP gRPC localhost:4317/, `welcome view text was: ${text}`);
}

async function runPaletteCommand(page: Page, label: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${label}`);
  // Click the exact command: other commands can match the same words and be listed first.
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: exact }).first().click({ timeout: 10_000 });
}

/** The HTTP port of the window that owns Loupe's store, from the owner file it publishes. */
async function receiverPort(userDataDir: string): Promise<number> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const file = findOwnerFile(path.join(userDataDir, 'User', 'globalStorage'));
    const port = file ? (JSON.parse(readFileSync(file, 'utf8')) as { httpPort?: number }).httpPort : undefined;
    if (port) return port;
    await sleep(200);
  }
  throw new Error(`no Loupe owner file with an HTTP port under ${userDataDir}`);
}

function findOwnerFile(globalStorage: string): string | undefined {
  if (!existsSync(globalStorage)) return undefined;
  for (const entry of readdirSync(globalStorage)) {
    const candidate = path.join(globalStorage, entry, 'owner.json');
    if (entry.toLowerCase() === 'loupe-dev.loupe' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** A planner agent run: two model calls and a failed tool, exported over OTLP/HTTP like an agent would. */
async function sendTripRun(httpPort: number, name = RUN_NAME): Promise<string> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'travel-agent' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${httpPort}/v1/traces` }) })],
  });
  const tracer = provider.getTracer('loupe-ui-smoke');
  const root = tracer.startSpan(name, {
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'trip-planner',
      'gen_ai.conversation.id': 'lisbon-weekend',
    },
  });
  const parent = trace.setSpan(context.active(), root);
  const chat = (input: number, output: number) =>
    tracer.startSpan(
      'chat claude-sonnet-4',
      {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4',
          'gen_ai.usage.input_tokens': input,
          'gen_ai.usage.output_tokens': output,
          'gen_ai.input.messages': JSON.stringify([
            { role: 'user', parts: [{ type: 'text', content: 'Plan a weekend in Lisbon <script>alert(1)</script>' }] },
          ]),
          // Where the agent ran (a container): Reveal source maps it into the fixture workspace.
          'code.file.path': '/home/ci/build/agent/tools/weather.py',
          'code.line.number': 6,
        },
      },
      parent,
    );
  const first = chat(1200, 180);
  await sleep(30);
  first.end();
  const tool = tracer.startSpan(
    'execute_tool search_flights',
    { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search_flights' } },
    parent,
  );
  await sleep(20);
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'flight search timed out' });
  tool.end();
  const second = chat(600, 150);
  await sleep(25);
  second.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return root.spanContext().traceId;
}

/** The panel page that holds `selector` (VS Code nests each in iframe.webview → #active-frame). */
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
  throw new Error(`no panel page with ${selector} appeared`);
}

/** The trace panel's page: VS Code nests it in iframe.webview → #active-frame. */
async function traceFrame(page: Page): Promise<Frame> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (
        (await frame
          .locator('.trace-page')
          .count()
          .catch(() => 0)) > 0
      )
        return frame;
    }
    await sleep(200);
  }
  throw new Error('no trace panel page appeared');
}
