import type { Page } from 'playwright-core';

export interface WaterfallTiming {
  spans: number;
  /** From asking for the trace to the first waterfall rows on screen. */
  firstRowsMs: number;
  /** Frame-to-frame times while scrolling (browser launched without the 60 Hz cap). */
  frameP50Ms: number;
  frameP95Ms: number;
  frameMaxMs: number;
  frames: number;
}

/** Chromium flags that let requestAnimationFrame run as fast as frames are produced, so frame times measure work, not vsync. */
export const UNCAPPED_FRAME_ARGS = ['--disable-frame-rate-limit', '--disable-gpu-vsync'];

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Opens a trace from the list page and scrolls its waterfall: 240 px per frame for `frames` frames
 * (ten rows each frame, so every frame re-fills pooled rows; back to the top at the end), recording
 * frame-to-frame times.
 */
export async function measureWaterfall(
  page: Page,
  baseUrl: string,
  traceId: string,
  spans: number,
  frames = 300,
): Promise<WaterfallTiming> {
  await page.goto(`${baseUrl}/`);
  await page.waitForSelector('.list-page[data-state=ready]');
  await page.evaluate((id) => {
    (window as unknown as { __t0: number }).__t0 = performance.now();
    location.hash = `#/trace/${id}`;
  }, traceId);
  await page.waitForFunction(
    () => document.querySelectorAll('.wf-row:not([hidden])').length > 10 || document.querySelector('.trace-page[data-state=ready]'),
    undefined,
    {
      polling: 'raf',
      timeout: 120_000,
    },
  );
  const firstRowsMs = await page.evaluate(() => performance.now() - (window as unknown as { __t0: number }).__t0);
  await page.waitForSelector('.trace-page[data-state=ready]', { timeout: 120_000 });
  // Let the post-render work (details, critical path) settle before measuring scrolling.
  await page.waitForTimeout(1500);
  const deltas = await page.evaluate(
    (count) =>
      new Promise<number[]>((resolve) => {
        const body = document.querySelector('.wf-body') as HTMLElement;
        const out: number[] = [];
        let last = 0;
        let n = 0;
        const step = (time: number) => {
          if (last) out.push(time - last);
          last = time;
          // Wrap to the top at the end so every measured frame has rows to re-fill.
          const next = body.scrollTop + 240;
          body.scrollTop = next + body.clientHeight >= body.scrollHeight ? 0 : next;
          if (++n < count) requestAnimationFrame(step);
          else resolve(out);
        };
        requestAnimationFrame(step);
      }),
    frames,
  );
  const sorted = [...deltas].sort((a, b) => a - b);
  return {
    spans,
    firstRowsMs,
    frameP50Ms: percentile(sorted, 0.5),
    frameP95Ms: percentile(sorted, 0.95),
    frameMaxMs: sorted[sorted.length - 1] ?? NaN,
    frames: deltas.length,
  };
}

export function formatTiming(t: WaterfallTiming): string {
  return `${String(t.spans).padStart(7)} spans: first rows ${t.firstRowsMs.toFixed(0).padStart(5)} ms, scroll frames p50 ${t.frameP50Ms.toFixed(1)} ms, p95 ${t.frameP95Ms.toFixed(1)} ms, max ${t.frameMaxMs.toFixed(1)} ms (${t.frames} frames)`;
}
