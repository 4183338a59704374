import type { Page } from 'playwright-core';

/**
 * Opens the diff page of two runs from the trace list by changing the address (as a link does) and
 * returns the milliseconds until its rows are on screen: both runs fetched, aligned by the engine,
 * and the first rows painted.
 */
export async function measureDiffOpen(page: Page, baseUrl: string, traceA: string, traceB: string): Promise<number> {
  await page.goto(`${baseUrl}/#/`);
  await page.waitForSelector('.list-page');
  return page.evaluate(
    ([a, b]) =>
      new Promise<number>((resolve, reject) => {
        const started = performance.now();
        location.hash = `#/diff/${a}/${b}`;
        const check = () => {
          const state = document.querySelector<HTMLElement>('.diff-page')?.dataset.state;
          if (state === 'error') reject(new Error(document.querySelector('.diff-summary')?.textContent ?? 'diff failed'));
          else if (state === 'ready' && document.querySelector('.diff-row'))
            requestAnimationFrame(() => resolve(performance.now() - started));
          else if (performance.now() - started > 60_000) reject(new Error('the diff page did not open in 60 s'));
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    [traceA, traceB],
  );
}
