/**
 * Characters that change how text looks without being seen: bidirectional overrides, embeddings
 * and isolates (which can make `gnp.exe` read as `exe.png`) and invisible spaces or joiners.
 * Zero-width (non-)joiners and left/right marks are left alone: emoji and several scripts need them.
 */
const ANY_INVISIBLE = /[\u200B\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/;
const EVERY_INVISIBLE = /[\u200B\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/g;

/** Replaces each such character with a visible marker such as `⟪U+202E⟫`; other text is unchanged. */
export function revealInvisible(text: string): string {
  if (!ANY_INVISIBLE.test(text)) return text;
  return text.replace(EVERY_INVISIBLE, (c) => `⟪U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟫`);
}
