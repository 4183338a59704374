/**
 * The part of the trace's time the timeline shows, as fractions of the trace duration (0 = trace
 * start, 1 = trace end). Bars are placed from these fractions, so zooming or panning moves bars
 * without rebuilding rows.
 */
export interface ZoomWindow {
  start: number;
  end: number;
}

export const FULL_WINDOW: Readonly<ZoomWindow> = Object.freeze({ start: 0, end: 1 });

/** The narrowest window: one millionth of the trace (a microsecond of a one-second trace). */
export const MIN_WINDOW_WIDTH = 1e-6;

/** A valid window: inside 0..1, at least MIN_WINDOW_WIDTH wide; shifted (not shrunk) when it overflows. */
export function clampWindow(window: ZoomWindow): ZoomWindow {
  let start = Number.isFinite(window.start) ? window.start : 0;
  let end = Number.isFinite(window.end) ? window.end : 1;
  if (end < start) [start, end] = [end, start];
  let width = Math.min(1, Math.max(MIN_WINDOW_WIDTH, end - start));
  if (start < 0) start = 0;
  if (start + width > 1) start = 1 - width;
  width = Math.min(width, 1 - start);
  return { start, end: start + width };
}

export function isFullWindow(window: ZoomWindow): boolean {
  return window.start <= 0 && window.end >= 1;
}

/** Zooms by `factor` (< 1 zooms in) keeping the time under `anchor` (0..1 across the view) in place. */
export function zoomAround(window: ZoomWindow, anchor: number, factor: number): ZoomWindow {
  const width = window.end - window.start;
  const at = window.start + Math.min(1, Math.max(0, anchor)) * width;
  const nextWidth = Math.min(1, Math.max(MIN_WINDOW_WIDTH, width * factor));
  const start = at - (at - window.start) * (nextWidth / width);
  return clampWindow({ start, end: start + nextWidth });
}

/** Moves the window by `delta` view widths (positive moves later in time), keeping its width. */
export function panWindow(window: ZoomWindow, delta: number): ZoomWindow {
  const width = window.end - window.start;
  const start = Math.min(1 - width, Math.max(0, window.start + delta * width));
  return { start, end: start + width };
}

/** The window covering view positions `from`..`to` (0..1 across the current view), e.g. a drag selection. */
export function windowFromView(window: ZoomWindow, from: number, to: number): ZoomWindow {
  const width = window.end - window.start;
  const a = window.start + Math.min(from, to) * width;
  const b = window.start + Math.max(from, to) * width;
  return clampWindow({ start: a, end: b });
}

/** A window centred on `at` (trace fraction) with the same width, e.g. to bring a span into view. */
export function centreWindowOn(window: ZoomWindow, at: number): ZoomWindow {
  const width = window.end - window.start;
  return clampWindow({ start: at - width / 2, end: at + width / 2 });
}

/** Maps trace times (ms) to fractions of the trace. */
export interface TraceTimeline {
  traceStart: number;
  duration: number;
}

export function timelineOf(traceStart: number, traceEnd: number): TraceTimeline {
  // A zero-length trace still gets a visible (tiny) timeline.
  return { traceStart, duration: Math.max(traceEnd - traceStart, 1e-3) };
}

export function traceFraction(timeline: TraceTimeline, time: number): number {
  return (time - timeline.traceStart) / timeline.duration;
}

/**
 * The window after the trace's extent changed (it grew): a zoomed window keeps showing the same
 * stretch of time; the whole-trace window stays the whole trace.
 */
export function carryWindow(window: ZoomWindow, before: TraceTimeline, after: TraceTimeline): ZoomWindow {
  if (isFullWindow(window)) return FULL_WINDOW;
  const from = before.traceStart + window.start * before.duration;
  const to = before.traceStart + window.end * before.duration;
  return clampWindow({ start: (from - after.traceStart) / after.duration, end: (to - after.traceStart) / after.duration });
}

/** The window as milliseconds since the trace start, for the time axis. */
export function windowOffsetsMs(timeline: TraceTimeline, window: ZoomWindow): [number, number] {
  return [window.start * timeline.duration, window.end * timeline.duration];
}

export interface BarPlacement {
  /** Fractions of the view's width; kept within a little beyond 0..1 so off-screen bars stay cheap. */
  left: number;
  width: number;
  visible: boolean;
}

/**
 * Where a span's bar goes in the view. `minWidth` (a view fraction, e.g. one pixel) keeps
 * instantaneous spans visible.
 */
export function placeBar(window: ZoomWindow, startFraction: number, endFraction: number, minWidth: number): BarPlacement {
  const viewWidth = window.end - window.start;
  let left = (startFraction - window.start) / viewWidth;
  let right = (endFraction - window.start) / viewWidth;
  if (right - left < minWidth) right = left + minWidth;
  const visible = right >= 0 && left <= 1;
  left = Math.max(-0.01, left);
  right = Math.min(1.01, right);
  return { left, width: Math.max(0, right - left), visible };
}
