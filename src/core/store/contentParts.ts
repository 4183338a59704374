/**
 * How a large string value is cut into parts that repeat across spans.
 *
 * An agent resends its whole conversation on every model call, as one JSON array of messages
 * (`gen_ai.input.messages`, `llm.input_messages`, `ai.prompt.messages`…). Cut at the array's
 * top-level elements, call n's value is call n−1's parts plus the new messages' parts, so each
 * message is stored once however many calls repeat it. Each part keeps the separator before it
 * (`,` and whitespace), so the parts joined give back the exact original text, byte for byte.
 * Any other large value is one part.
 */

/** Values shorter than this (in UTF-16 units, about bytes for text) stay inline in their span. */
export const CONTENT_MIN_CHARS = 1024;
/** Parts shorter than this stay inline in the value's part list instead of becoming a file. */
export const PART_MIN_CHARS = 128;

/**
 * The text split at the top-level elements of a JSON array, or `[text]` when the text is not
 * one (or has fewer than two elements). Never parses: scans brackets and strings only, so a
 * malformed array is still cut somewhere sensible and the parts still join to the original.
 */
export function splitContent(text: string): string[] {
  let at = 0;
  const n = text.length;
  while (at < n && isSpace(text.charCodeAt(at))) at++;
  if (at >= n || text.charCodeAt(at) !== 0x5b /* [ */) return [text];
  const cuts: number[] = [];
  let depth = 0;
  let inString = false;
  for (let i = at; i < n; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b /* { */) {
      depth++;
      // The first element begins right after the array's opening bracket.
      if (depth === 1) cuts.push(i + 1);
    } else if (c === 0x5d || c === 0x7d /* ] } */) {
      depth--;
      if (depth === 0) {
        cuts.push(i);
        break;
      }
    } else if (c === 0x2c /* , */ && depth === 1) cuts.push(i);
  }
  if (cuts.length < 3) return [text];
  const parts: string[] = [];
  let from = 0;
  for (const cut of cuts) {
    if (cut > from) parts.push(text.slice(from, cut));
    from = cut;
  }
  if (from < n) parts.push(text.slice(from));
  return parts;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
