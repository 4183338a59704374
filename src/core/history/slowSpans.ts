import type { SpanSlowness } from '../../model/traceTypes';
import { type LatencySketch, quantile } from './latencySketch';

/**
 * Spans of one kind needed before their p95 means anything. Below ~20 samples the p95 is simply
 * the slowest one seen, so a single earlier hiccup would set the bar; at 30 it lies between the
 * 28th and 29th fastest, so one or two earlier outliers no longer decide it.
 */
export const MIN_BASELINE_SAMPLES = 30;
/**
 * How far past the p95 a span must be. By definition one normal span in twenty is above the p95,
 * which would mark several spans of every larger run; 1.5× the p95 keeps the mark for real outliers.
 */
export const SLOW_FACTOR = 1.5;
/** And by at least this much, so a 2 ms span that took 4 ms is not called slow. */
export const MIN_SLOW_EXCESS_MS = 50;

/** The baseline a span is compared with: its name, and its model for a model call. */
export function baselineKey(name: string, model: string): string {
  return model ? `${name}\u0000${model}` : name;
}

/** Judges one duration against a baseline (which must not contain the span itself). */
export function judgeSlow(durationMs: number, baseline: LatencySketch | undefined): SpanSlowness | undefined {
  if (!baseline || baseline.n < MIN_BASELINE_SAMPLES) return undefined;
  const p95 = quantile(baseline, 0.95);
  if (p95 === null) return undefined;
  if (durationMs < p95 * SLOW_FACTOR || durationMs - p95 < MIN_SLOW_EXCESS_MS) return undefined;
  return { ratio: Math.round((durationMs / Math.max(p95, 0.001)) * 10) / 10, baselineP95Ms: p95, samples: baseline.n };
}
