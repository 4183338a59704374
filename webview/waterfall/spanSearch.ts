import type { WaterfallModel } from './waterfallModel';

const searchTexts = new WeakMap<WaterfallModel, string[]>();

/** The lower-cased text each row is searched by, built once per model on the first search. */
function searchTextOf(model: WaterfallModel): string[] {
  let texts = searchTexts.get(model);
  if (!texts) {
    texts = model.rows.map((span) =>
      `${span.name}\u0000${span.service}\u0000${span.model ?? ''}\u0000${span.kind}\u0000${span.spanId}`.toLowerCase(),
    );
    searchTexts.set(model, texts);
  }
  return texts;
}

/** Rows (in display order) whose name, service, model, kind or span id contains `query`, ignoring case. */
export function searchRows(model: WaterfallModel, query: string): Int32Array {
  const needle = query.trim().toLowerCase();
  if (!needle) return new Int32Array(0);
  const texts = searchTextOf(model);
  const hits: number[] = [];
  for (let r = 0; r < texts.length; r++) if (texts[r].includes(needle)) hits.push(r);
  return Int32Array.from(hits);
}

/** Splits `text` into plain and matching pieces for highlighting (case-insensitive, non-overlapping). */
export function highlightPieces(text: string, query: string): { text: string; match: boolean }[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [{ text, match: false }];
  const lower = text.toLowerCase();
  const pieces: { text: string; match: boolean }[] = [];
  let from = 0;
  // toLowerCase can change length for a few characters; fall back to no highlight then.
  if (lower.length !== text.length) return [{ text, match: false }];
  for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + needle.length)) {
    if (at > from) pieces.push({ text: text.slice(from, at), match: false });
    pieces.push({ text: text.slice(at, at + needle.length), match: true });
    from = at + needle.length;
  }
  if (from < text.length) pieces.push({ text: text.slice(from), match: false });
  return pieces.length ? pieces : [{ text, match: false }];
}

/** The next (or previous) match after `current` in display order, wrapping around. */
export function stepMatch(matches: Int32Array, current: number, direction: 1 | -1): number {
  if (matches.length === 0) return -1;
  if (direction > 0) {
    for (const row of matches) if (row > current) return row;
    return matches[0];
  }
  for (let k = matches.length - 1; k >= 0; k--) if (matches[k] < current) return matches[k];
  return matches[matches.length - 1];
}

/** The search state of a view: matching rows, a flag per row for drawing, and the current match. */
export class SpanMatches {
  rows: Int32Array = new Int32Array(0);
  flags: Uint8Array | undefined;
  current = -1;

  /** Recomputes for a (new) model or query; the current match survives when it still matches. */
  update(model: WaterfallModel, query: string): void {
    this.rows = searchRows(model, query);
    if (this.rows.length === 0) {
      this.flags = undefined;
      this.current = -1;
      return;
    }
    this.flags = new Uint8Array(model.rows.length);
    for (const row of this.rows) this.flags[row] = 1;
    if (this.current >= 0 && !this.flags[this.current]) this.current = -1;
  }

  /** 1-based position of the current match, 0 when there is none. */
  get position(): number {
    return this.current >= 0 ? this.rows.indexOf(this.current) + 1 : 0;
  }
}
