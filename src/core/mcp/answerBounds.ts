/**
 * Size bounds of MCP tool answers. A coding agent reads every character into its context, so
 * each answer is capped in characters as well as in rows, and says how to ask for the rest.
 */
export const MAX_ANSWER_CHARS = 60_000;
/** Spans per topology page; at ~100 characters a span a full page is about 50 KB. */
export const MAX_TOPOLOGY_SPANS = 500;
export const DEFAULT_TOPOLOGY_SPANS = 200;
/** Characters of a span's JSON per get_span page. */
export const SPAN_PAGE_CHARS = 20_000;
export const MAX_LIST_TRACES = 100;
export const MAX_SEARCH_RESULTS = 100;
/** Traces a search or error scan reads when no trace is named (newest first). */
export const MAX_SCANNED_TRACES = 50;
/** Spans a search or error scan loads at most (whole traces; the first trace is always read). */
export const MAX_SCANNED_SPANS = 250_000;
export const MAX_NAME_CHARS = 120;
export const MAX_MESSAGE_CHARS = 1_000;
export const MAX_STACK_CHARS = 2_000;

/** Cuts text to `max` characters with a marker saying how long it was. */
export function clip(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text;
}

/** Rounds to at most `digits` decimals so numbers stay short in answers. */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Takes items from `start` while the serialized answer stays under `maxChars` and at most
 * `maxItems` are taken. Always takes at least one item, so paging never stalls.
 */
export function takeWithinBudget<T>(items: readonly T[], start: number, maxItems: number, maxChars: number): T[] {
  const taken: T[] = [];
  let chars = 0;
  for (let i = start; i < items.length && taken.length < maxItems; i++) {
    const size = JSON.stringify(items[i]).length + 1;
    if (taken.length > 0 && chars + size > maxChars) break;
    taken.push(items[i]);
    chars += size;
  }
  return taken;
}

/** ISO time of Unix milliseconds (what a model reads best), or undefined for missing times. */
export function isoTime(ms: number): string | undefined {
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}
