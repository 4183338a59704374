/**
 * How a large string value is cut into parts that repeat across spans.
 *
 * An agent resends its whole conversation on every model call, as JSON (`gen_ai.input.messages`,
 * `llm.input_messages`, `ai.prompt.messages`…), and reports each answer once more as the call's
 * output. In JSON text the long strings are the message texts; cut out as parts of their own (the
 * escaped text between the quotes), each message is stored once however many calls repeat it and
 * whichever wrapper (input or output message) it came in. The JSON between them (`"},{"role":…`)
 * is short and stays inline. The parts joined give back the exact original text, byte for byte.
 * Any other large value is one part.
 */

/** Values shorter than this (in UTF-16 units, about bytes for text) stay inline in their span. */
export const CONTENT_MIN_CHARS = 1024;
/** Parts shorter than this stay inline in the value's part list instead of becoming a file. */
export const PART_MIN_CHARS = 128;

/**
 * The text cut around its long JSON string literals, or `[text]` when it does not look like
 * JSON (or has no long string). Never parses: it only tracks string literals, so a malformed
 * document is still cut somewhere sensible and the parts still join to the original.
 */
export function splitContent(text: string): string[] {
  let at = 0;
  const n = text.length;
  while (at < n && isSpace(text.charCodeAt(at))) at++;
  const first = text.charCodeAt(at);
  if (first !== 0x5b /* [ */ && first !== 0x7b /* { */) return [text];
  return splitFrom(text, 0, at);
}

/**
 * Like `splitContent` for the text from `from` on, where `text[from]` closes a string literal
 * that ended a long part (so the scan resumes outside any string, just after it).
 */
export function splitAfterPart(text: string, from: number): string[] {
  return splitFrom(text, from, from + 1);
}

function splitFrom(text: string, from: number, scanAt: number): string[] {
  const n = text.length;
  const parts: string[] = [];
  for (let i = scanAt; i < n; i++) {
    if (text.charCodeAt(i) !== 0x22 /* " */) continue;
    const open = i + 1;
    let close = open;
    while (close < n) {
      const c = text.charCodeAt(close);
      if (c === 0x5c /* \ */) close += 2;
      else if (c === 0x22) break;
      else close++;
    }
    if (close >= n) break; // an unterminated string: the rest stays one piece
    if (close - open >= PART_MIN_CHARS) {
      parts.push(text.slice(from, open), text.slice(open, close));
      from = close;
    }
    i = close;
  }
  if (from < n) parts.push(text.slice(from));
  return parts;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
