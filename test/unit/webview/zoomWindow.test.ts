import { strict as assert } from 'node:assert';
import {
  FULL_WINDOW,
  MIN_WINDOW_WIDTH,
  carryWindow,
  centreWindowOn,
  clampWindow,
  isFullWindow,
  panWindow,
  placeBar,
  timelineOf,
  traceFraction,
  windowFromView,
  windowOffsetsMs,
  zoomAround,
} from '../../../webview/waterfall/zoomWindow';
import { rowWindow, scrollToReveal } from '../../../webview/waterfall/viewport';
import { mergeForView } from '../../../webview/waterfall/waterfallRowSlot';

function close(actual: number, expected: number, message?: string) {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${message ?? ''} ${actual} ≠ ${expected}`);
}

describe('zoom window', () => {
  it('clamps into 0..1 by shifting, swaps reversed ends, repairs NaN and enforces a minimum width', () => {
    assert.deepEqual(clampWindow({ start: -0.2, end: 0.3 }), { start: 0, end: 0.5 });
    const shifted = clampWindow({ start: 0.8, end: 1.3 });
    close(shifted.start, 0.5);
    close(shifted.end, 1);
    assert.deepEqual(clampWindow({ start: 0.6, end: 0.4 }), { start: 0.4, end: 0.6 });
    assert.deepEqual(clampWindow({ start: NaN, end: NaN }), FULL_WINDOW);
    const tiny = clampWindow({ start: 0.5, end: 0.5 });
    close(tiny.end - tiny.start, MIN_WINDOW_WIDTH);
    assert.deepEqual(clampWindow({ start: -5, end: 5 }), { start: 0, end: 1 });
  });

  it('zooms around the anchor, keeping the time under it in place', () => {
    const w = zoomAround(FULL_WINDOW, 0.25, 0.5);
    close(w.start, 0.125);
    close(w.end, 0.625);
    // The anchor's trace time is 0.25 both before and after.
    close(w.start + 0.25 * (w.end - w.start), 0.25);
    const back = zoomAround(w, 0.25, 2);
    close(back.start, 0);
    close(back.end, 1);
    assert.ok(isFullWindow(zoomAround(FULL_WINDOW, 0.5, 10)));
    const deep = zoomAround(FULL_WINDOW, 0.5, 1e-12);
    close(deep.end - deep.start, MIN_WINDOW_WIDTH);
  });

  it('pans by view widths without leaving the trace or changing width', () => {
    const w = { start: 0.2, end: 0.4 };
    const right = panWindow(w, 0.5);
    close(right.start, 0.3);
    close(right.end, 0.5);
    const far = panWindow(w, 100);
    close(far.start, 0.8);
    close(far.end, 1);
    const left = panWindow(w, -100);
    close(left.start, 0);
    close(left.end, 0.2);
  });

  it('turns a drag across the view into a window, either direction', () => {
    const w = windowFromView({ start: 0.5, end: 1 }, 0.8, 0.2);
    close(w.start, 0.6);
    close(w.end, 0.9);
    const c = centreWindowOn({ start: 0, end: 0.1 }, 0.99);
    close(c.start, 0.9);
    close(c.end, 1);
  });

  it('maps trace times to fractions and windows to milliseconds', () => {
    const timeline = timelineOf(1000, 3000);
    close(traceFraction(timeline, 1500), 0.25);
    assert.deepEqual(windowOffsetsMs(timeline, { start: 0.25, end: 0.5 }), [500, 1000]);
    assert.ok(timelineOf(5, 5).duration > 0);
  });

  it('keeps the same stretch of time in view when the trace grows', () => {
    const before = timelineOf(1000, 2000);
    const after = timelineOf(1000, 5000);
    const carried = carryWindow({ start: 0.5, end: 0.6 }, before, after);
    close(carried.start, 0.125);
    close(carried.end, 0.15);
    assert.deepEqual(carryWindow(FULL_WINDOW, before, after), FULL_WINDOW);
    // A trace that grows earlier too (a late-arriving parent) shifts the fractions.
    const earlier = carryWindow({ start: 0.5, end: 1 }, before, timelineOf(0, 2000));
    close(earlier.start, 0.75);
    close(earlier.end, 1);
  });

  it('places bars relative to the window with a minimum width and clipping', () => {
    const w = { start: 0.5, end: 1 };
    const bar = placeBar(w, 0.6, 0.7, 0.001);
    close(bar.left, 0.2);
    close(bar.width, 0.2);
    assert.equal(bar.visible, true);
    const instant = placeBar(w, 0.75, 0.75, 0.002);
    close(instant.width, 0.002);
    const before = placeBar(w, 0.1, 0.2, 0.001);
    assert.equal(before.visible, false);
    const straddling = placeBar(w, 0, 2, 0.001);
    assert.equal(straddling.visible, true);
    close(straddling.left, -0.01);
    close(straddling.width, 1.02);
  });
});

describe('viewport rows', () => {
  it('covers the visible rows plus overscan, within bounds', () => {
    assert.deepEqual(rowWindow(0, 100, 20, 1000, 5), { first: 0, end: 10 });
    assert.deepEqual(rowWindow(400, 100, 20, 1000, 5), { first: 15, end: 30 });
    assert.deepEqual(rowWindow(19_950, 100, 20, 1000, 5), { first: 992, end: 1000 });
    assert.deepEqual(rowWindow(0, 100, 20, 0, 5), { first: 0, end: 0 });
    assert.deepEqual(rowWindow(1e9, 100, 20, 3, 2), { first: 2, end: 3 });
  });

  it('scrolls only as far as needed to reveal a row', () => {
    assert.equal(scrollToReveal(100, 200, 20, 2), 40);
    assert.equal(scrollToReveal(100, 200, 20, 6), 100);
    assert.equal(scrollToReveal(100, 200, 20, 20), 220);
  });
});

describe('critical marks for the view', () => {
  it('clips to the view and merges marks closer than two pixels', () => {
    const whole = { start: 0, end: 1 };
    // 1000 px wide: gaps of 1 px merge, gaps of 10 px do not.
    assert.deepEqual(mergeForView([0.1, 0.2, 0.201, 0.3, 0.31, 0.4], whole, 1000), [0.1, 0.3, 0.31, 0.4]);
    const zoomed = { start: 0.5, end: 1 };
    assert.deepEqual(
      mergeForView([0.1, 0.2, 0.6, 0.7], zoomed, 1000).map((x) => Math.round(x * 1000) / 1000),
      [0.2, 0.4],
    );
  });

  it('draws a bounded number of marks for a parent with thousands of gaps', () => {
    const pairs: number[] = [];
    for (let i = 0; i < 16_000; i++) pairs.push(i / 16_000, (i + 0.95) / 16_000);
    assert.deepEqual(mergeForView(pairs, { start: 0, end: 1 }, 600), [0, 15_999.95 / 16_000]);
    const zoomed = mergeForView(pairs, { start: 0, end: 0.001 }, 10_000);
    assert.ok(zoomed.length <= 48, `${zoomed.length / 2} marks`);
    assert.equal(zoomed[zoomed.length - 1], 1.01);
  });
});
