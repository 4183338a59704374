import { launchChromium, chromiumAvailable, CHROMIUM_PATH } from '../../test/browser/support/chromium';
import { preparePage } from '../../test/browser/support/browserSuite';
import { openPrintedAddress, postJson, startLoupeServe } from '../../test/browser/support/loupeServe';
import { syntheticTraceRequest } from '../../test/browser/support/syntheticTrace';
import { measureWaterfall, UNCAPPED_FRAME_ARGS, type WaterfallTiming } from '../../test/browser/support/waterfallPerf';
import { fmt, judge, ratio, type BenchRow, type BenchSection } from '../support/report';
import { ensureBuilt } from '../support/serversUnderTest';

const SIZES = [1000, 10_000, 100_000];

/** Item 6: the waterfall in headless Chromium against `loupe serve`, for 1k, 10k and 100k spans. */
export async function benchWaterfall(quick: boolean): Promise<BenchSection> {
  if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  ensureBuilt();
  const serve = await startLoupeServe();
  const browser = await launchChromium({ extraArgs: UNCAPPED_FRAME_ARGS });
  const timings: WaterfallTiming[] = [];
  try {
    await openPrintedAddress(browser.context, serve);
    const page = await browser.context.newPage();
    await preparePage(page);
    for (const spans of SIZES) {
      const { request, traceId } = syntheticTraceRequest({ spanCount: spans, seed: spans });
      await postJson(serve, '/api/import', request);
      // Once to warm the page's code, then measured (the first open of a session pays for JIT).
      if (spans === SIZES[0]) await measureWaterfall(page, serve.baseUrl, traceId, spans, 30);
      timings.push(await measureWaterfall(page, serve.baseUrl, traceId, spans, quick ? 120 : 300));
    }
  } finally {
    await browser.close();
    await serve.stop();
  }
  const [small, , big] = timings;
  const rows: BenchRow[] = timings.flatMap((t) => [
    {
      measure: `${t.spans.toLocaleString('en-US')} spans: first rows`,
      value: `${fmt(t.firstRowsMs, 0)} ms`,
      baseline: t === small ? undefined : '1,000 spans',
      ratio: t === small ? undefined : ratio(t.firstRowsMs / small.firstRowsMs),
      target: t === big ? '≤ 1,500 ms and ≤ 20×' : undefined,
      status:
        t === big
          ? judge(t.firstRowsMs, '<=', 1500) === 'met' && judge(t.firstRowsMs / small.firstRowsMs, '<=', 20) === 'met'
            ? 'met'
            : 'missed'
          : 'info',
    },
    {
      measure: `${t.spans.toLocaleString('en-US')} spans: scroll frame p95`,
      value: `${fmt(t.frameP95Ms, 1)} ms`,
      baseline: `p50 ${fmt(t.frameP50Ms, 1)} ms`,
      target: t === big ? '≤ 16 ms' : undefined,
      status: t === big ? judge(t.frameP95Ms, '<=', 16) : 'info',
    },
  ]);
  return {
    title: '6. Waterfall in headless Chromium (loupe serve, agent-shaped synthetic traces, uncapped frame rate)',
    rows,
    figures: { timings },
  };
}
