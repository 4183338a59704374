/** At ingest only small JSON strings are parsed (metadata, usage details); bigger ones wait for detail views. */
export const INGEST_JSON_LIMIT = 16 * 1024;
/**
 * On-demand parsing (messages, tool payloads) takes strings as long as a message kept whole
 * (`loupe.limits.maxMessageBytes`, 16 MiB by default): a long session's last call resends a
 * conversation of several MB, and must show every message of it, not the first 2 MB as a cut list.
 * Parsing one runs on the engine's thread, about 50 ms per 8 MB here.
 */
export const DETAIL_JSON_LIMIT = 16 * 1024 * 1024;

function firstNonSpace(text: string): string {
  for (let i = 0; i < text.length && i < 64; i++) {
    const c = text[i];
    if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') return c;
  }
  return '';
}

/** True when the text could be a JSON object or array (cheap check before parsing). */
export function looksLikeJson(text: string): boolean {
  const c = firstNonSpace(text);
  return c === '{' || c === '[';
}

/**
 * Parses a JSON object or array held in a string; anything else (plain text, broken or oversized
 * JSON) gives undefined. Never throws.
 */
export function parseJsonText(text: string, maxChars: number): unknown {
  if (text.length > maxChars || !looksLikeJson(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Parses JSON when the string holds an object or array, else returns the string itself. */
export function jsonOrText(text: string, maxChars: number): unknown {
  const parsed = parseJsonText(text, maxChars);
  return parsed === undefined ? text : parsed;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The complete leading elements of a JSON array whose text was cut off (Loupe shortens oversized
 * attribute values at ingest), or undefined when not even one element is complete. Linear scan.
 */
export function parseTruncatedJsonArray(text: string, maxChars: number): unknown[] | undefined {
  const limit = Math.min(text.length, maxChars);
  let i = 0;
  while (i < limit && /\s/.test(text[i])) i++;
  if (text[i] !== '[') return undefined;
  let depth = 0;
  let inString = false;
  let lastComplete = -1;
  for (; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) depth++;
    else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
      if (depth === 1) lastComplete = i;
      if (depth === 0) return undefined; // the array closed: it was not truncated, just invalid
    }
  }
  if (lastComplete < 0) return undefined;
  try {
    const parsed = JSON.parse(`${text.slice(0, lastComplete + 1)}]`) as unknown;
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
