import type { CompareMetric, CompareRow, CompareVerdict } from '../../src/model/compareTypes';
import { formatCost, formatDuration, formatShare } from '../../src/model/formatValues';

/** A per-run figure of a comparison row in its unit. */
export function formatMetric(metric: CompareMetric, value: number): string {
  switch (metric) {
    case 'durationMs':
      return formatDuration(value);
    case 'costUsd':
      return formatCost(value);
    case 'errorRate':
      return formatShare(value);
    default:
      return value >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
  }
}

/** The change with its sign: "+412 ms", "−$0.0021", "+1.5". */
export function formatMetricDelta(metric: CompareMetric, delta: number): string {
  if (delta === 0) return '±0';
  const sign = delta > 0 ? '+' : '−';
  return `${sign}${formatMetric(metric, Math.abs(delta))}`;
}

/** "+200%", "−12%", "new" when A was zero. */
export function formatRelative(row: Pick<CompareRow, 'relativeDelta' | 'delta'>): string {
  if (row.relativeDelta === null) return row.delta === 0 ? '' : 'new';
  const pct = row.relativeDelta * 100;
  const rounded = Math.abs(pct) >= 10 ? Math.round(pct) : Number(pct.toFixed(1));
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${Math.abs(rounded)}%`;
}

export const VERDICT_LABELS: Record<CompareVerdict, string> = {
  significant: 'significant',
  noise: 'within noise',
  'too-few-runs': 'too few runs',
};

export function formatPValue(p: number | null): string {
  if (p === null) return '—';
  if (p < 0.0001) return '<0.0001';
  return p.toPrecision(2);
}

/** A signed change in tokens, ms or dollars for one diff row; empty when nothing changed. */
export function formatSignedDuration(ms: number): string {
  if (Math.abs(ms) < 0.0005) return '';
  return `${ms > 0 ? '+' : '−'}${formatDuration(Math.abs(ms))}`;
}

export function formatSignedTokens(tokens: number): string {
  if (tokens === 0) return '';
  return `${tokens > 0 ? '+' : '−'}${Math.abs(Math.round(tokens))}`;
}

export function formatSignedCost(usd: number): string {
  if (Math.abs(usd) < 1e-9) return '';
  return `${usd > 0 ? '+' : '−'}${formatCost(Math.abs(usd))}`;
}
