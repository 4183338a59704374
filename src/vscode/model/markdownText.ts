import { revealInvisible } from '../../model/revealInvisible';

const DEFAULT_MAX_CHARS = 300;

/**
 * Span text as inert Markdown: every ASCII punctuation mark is backslash-escaped (so no emphasis,
 * link, autolink, HTML tag or entity can form), line breaks become spaces, hidden bidi and
 * zero-width characters become visible markers, and long values are cut with their length shown.
 */
export function markdownText(text: string, maxChars = DEFAULT_MAX_CHARS): string {
  const value = String(text);
  const cut = value.length > maxChars ? `${value.slice(0, maxChars)}… (${value.length.toLocaleString('en-US')} characters)` : value;
  const flat = revealInvisible(cut)
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  return flat.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * Text for a notification: VS Code turns `[label](https:…|command:…|file:…)` in messages into
 * links, so span text or a server's answer must never form one. A space after `]` breaks it.
 */
export function inertMessageText(text: string): string {
  return revealInvisible(String(text)).replace(/\]\s*\(/g, '] (');
}

/** Text for a quick pick label or description, where `$(name)` would otherwise render as an icon. */
export function inertLabelText(text: string): string {
  return revealInvisible(String(text)).replace(/\$\(/g, '\\$(');
}
