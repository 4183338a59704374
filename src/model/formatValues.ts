/** Display formatting for durations, token counts, money, shares and times. Locale-independent on purpose. */

const DASH = '—';

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** 3 significant digits at most: 0.000512 → "512 ns"… 12.34 → "12.3 ms", 1534 → "1.53 s", 65 s → "1m 5s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return DASH;
  if (ms === 0) return '0 ms';
  if (ms < 0.001) return `${trimZeros((ms * 1e6).toPrecision(3))} ns`;
  if (ms < 1) return `${trimZeros((ms * 1e3).toPrecision(3))} µs`;
  if (ms < 1000) return `${trimZeros(ms.toPrecision(3))} ms`;
  if (ms < 60_000) return `${trimZeros((ms / 1000).toPrecision(3))} s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours}h ${minutes}m` : `${minutes}m ${seconds}s`;
}

/** Whole numbers with thousands separators: 12345 → "12,345". */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return DASH;
  const sign = value < 0 ? '-' : '';
  const digits = String(Math.round(Math.abs(value)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Compact token counts for badges: 999 → "999", 1234 → "1.2k", 123456 → "123k", 1.5e6 → "1.5M". */
export function formatTokens(value: number): string {
  if (!Number.isFinite(value) || value < 0) return DASH;
  if (value < 1000) return String(Math.round(value));
  if (value < 10_000) return `${trimZeros((value / 1000).toFixed(1))}k`;
  if (value < 1_000_000) return `${Math.round(value / 1000)}k`;
  if (value < 10_000_000) return `${trimZeros((value / 1e6).toFixed(1))}M`;
  return `${Math.round(value / 1e6)}M`;
}

/**
 * US dollars: null (unknown price) → "—"; under $1 three significant digits, because one model
 * call often costs a fraction of a cent ($0.000169, $0.0031, $0.12); from $1 cents.
 */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return DASH;
  if (usd === 0) return '$0';
  const abs = Math.abs(usd);
  const sign = usd < 0 ? '-' : '';
  if (abs < 0.000001) return `${sign}<$0.000001`;
  if (abs < 1) return `${sign}$${trimZeros(abs.toFixed(2 - Math.floor(Math.log10(abs))))}`;
  if (abs < 1000) return `${sign}$${abs.toFixed(2)}`;
  return `${sign}$${formatCount(abs)}`;
}

/** A 0..1 share as a percentage: 0.1234 → "12.3%", tiny but non-zero → "<0.1%". */
export function formatShare(share: number): string {
  if (!Number.isFinite(share)) return DASH;
  if (share === 0) return '0%';
  if (share > 0 && share < 0.001) return '<0.1%';
  return `${trimZeros((share * 100).toFixed(1))}%`;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** Local wall-clock date and time of a Unix-ms instant: "2026-11-21 17:43:53". */
export function formatDateTime(unixMs: number): string {
  if (!Number.isFinite(unixMs)) return DASH;
  const d = new Date(unixMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local time with milliseconds: "17:43:53.123". */
export function formatClock(unixMs: number): string {
  if (!Number.isFinite(unixMs)) return DASH;
  const d = new Date(unixMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** How long ago, coarse: "just now", "5 min ago", "3 h ago", else the date and time. */
export function formatAge(unixMs: number, now: number): string {
  const seconds = (now - unixMs) / 1000;
  if (!Number.isFinite(seconds)) return DASH;
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${Math.floor(seconds)} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return formatDateTime(unixMs);
}

/** `2.8× its usual 1.2 s`: how a slow span compares with the usual (p95) duration of its kind. */
export function formatSlowness(slow: { ratio: number; baselineP95Ms: number }): string {
  return `${slow.ratio.toFixed(1)}× its usual ${formatDuration(slow.baselineP95Ms)}`;
}
