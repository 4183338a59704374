import type { CriticalPathSegment } from '../../src/core/analysis/criticalPath';
import type { WaterfallModel } from './waterfallModel';
import type { TraceTimeline } from './zoomWindow';

/**
 * Critical-path segments grouped by row, as [start, end] pairs of trace fractions (the zoom
 * window's units), so a row can mark the stretches of its bar that are on the path.
 */
export function criticalSegmentsByRow(
  model: WaterfallModel,
  timeline: TraceTimeline,
  segments: readonly CriticalPathSegment[],
): Map<number, number[]> {
  const byRow = new Map<number, number[]>();
  for (const segment of segments) {
    const row = model.rowById.get(segment.spanId);
    if (row === undefined) continue;
    const pairs = byRow.get(row) ?? [];
    pairs.push((segment.startTime - timeline.traceStart) / timeline.duration, (segment.endTime - timeline.traceStart) / timeline.duration);
    byRow.set(row, pairs);
  }
  return byRow;
}
