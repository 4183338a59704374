/**
 * Characters that change how text looks without being seen: bidirectional overrides, embeddings
 * and isolates (which can make `gnp.exe` read as `exe.png`), invisible spaces or joiners, and
 * Unicode tag characters (U+E0000–U+E007F), which spell out ASCII that renders as nothing and so
 * can hide an instruction for a model inside ordinary-looking text. Zero-width (non-)joiners,
 * left/right marks and the tags of a subdivision flag emoji (🏴 + tags + U+E007F) are left alone:
 * emoji and several scripts need them.
 */
const ANY_INVISIBLE = /[\u200B\u2060\uFEFF\u202A-\u202E\u2066-\u2069]|\uDB40[\uDC00-\uDC7F]/;
const EVERY_INVISIBLE = /\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}|[\u{E0000}-\u{E007F}]+|[\u200B\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/gu;

/**
 * Replaces each such character with a visible marker such as `⟪U+202E⟫`; a run of tag characters
 * becomes one marker showing the text it spells (`⟪tags "ignore the user"⟫`). Other text is unchanged.
 */
export function revealInvisible(text: string): string {
  if (!ANY_INVISIBLE.test(text)) return text;
  return text.replace(EVERY_INVISIBLE, (match) => {
    const first = match.codePointAt(0)!;
    if (first === 0x1f3f4) return match;
    if (first >= 0xe0000) return `⟪tags ${JSON.stringify(spelledByTags(match))}⟫`;
    return `⟪U+${first.toString(16).toUpperCase().padStart(4, '0')}⟫`;
  });
}

/** The ASCII a run of tag characters stands for; tags outside printable ASCII show as their code. */
function spelledByTags(run: string): string {
  let out = '';
  for (const char of run) {
    const ascii = char.codePointAt(0)! - 0xe0000;
    out += ascii >= 0x20 && ascii < 0x7f ? String.fromCharCode(ascii) : `U+${(ascii + 0xe0000).toString(16).toUpperCase()}`;
  }
  return out;
}
