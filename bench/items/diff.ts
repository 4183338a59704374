import { launchChromium, chromiumAvailable, CHROMIUM_PATH } from '../../test/browser/support/chromium';
import { preparePage } from '../../test/browser/support/browserSuite';
import { getJson, openPrintedAddress, postJson, startLoupeServe } from '../../test/browser/support/loupeServe';
import { diffTracePair } from '../../test/browser/support/diffTraces';
import { measureDiffOpen } from '../../test/browser/support/diffPerf';
import type { TraceDiff } from '../../src/model/compareTypes';
import { fmt, judge, type BenchSection } from '../support/report';
import { ensureBuilt } from '../support/serversUnderTest';

const SPANS = 5000;

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The diff of two 5,000-span runs opened in the browser UI of `loupe serve` (headless Chromium). */
export async function benchDiff(quick: boolean): Promise<BenchSection> {
  if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  ensureBuilt();
  const serve = await startLoupeServe();
  const browser = await launchChromium();
  const rounds = quick ? 3 : 5;
  const openMs: number[] = [];
  const apiMs: number[] = [];
  let rows = 0;
  let summary = '';
  let firstOpenMs: number;
  try {
    const { a, b, traceA, traceB } = diffTracePair(SPANS);
    await postJson(serve, '/api/import', a);
    await postJson(serve, '/api/import', b);
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      const diff = await getJson<TraceDiff>(serve, `/api/diff/${traceA}/${traceB}`);
      apiMs.push(performance.now() - started);
      rows = diff.rows.length;
      summary = `${diff.summary.same} same, ${diff.summary.changed} changed, ${diff.summary.added} added, ${diff.summary.removed} removed`;
    }
    await openPrintedAddress(browser.context, serve);
    const page = await browser.context.newPage();
    await preparePage(page);
    // Once to warm the page's code (the first open of a session pays for compiling it), then measured.
    firstOpenMs = await measureDiffOpen(page, serve.baseUrl, traceA, traceB);
    for (let i = 0; i < rounds; i++) openMs.push(await measureDiffOpen(page, serve.baseUrl, traceA, traceB));
  } finally {
    await browser.close();
    await serve.stop();
  }
  const open = median(openMs);
  return {
    title: `Diff of two ${SPANS.toLocaleString('en-US')}-span runs (loupe serve, headless Chromium; median of ${rounds})`,
    rows: [
      {
        measure: 'GET /api/diff (both runs aligned, JSON over HTTP)',
        value: `${fmt(median(apiMs), 0)} ms`,
        baseline: `${rows} rows: ${summary}`,
        status: 'info',
      },
      {
        measure: 'Diff page, first open in a fresh page (its code not yet compiled)',
        value: `${fmt(firstOpenMs, 0)} ms`,
        target: '≤ 2,000 ms',
        status: judge(firstOpenMs, '<=', 2000),
      },
      {
        measure: 'Diff page opens (address change → rows painted)',
        value: `${fmt(open, 0)} ms`,
        baseline: `max ${fmt(Math.max(...openMs), 0)} ms`,
        target: '≤ 2,000 ms',
        status: judge(open, '<=', 2000),
      },
    ],
    figures: { firstOpenMs, openMs, apiMs, rows, summary },
  };
}
