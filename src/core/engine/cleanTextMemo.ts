/**
 * The last message text of each (trace, attribute) found to hold no secret format, so the next
 * call's text, which an agent builds by appending to the previous one, is scanned only where it
 * differs (see `redactSecretValuesAfter`). Bounded by entries and by characters; the oldest go first.
 */
export class CleanTextMemo {
  private readonly texts = new Map<string, string>();
  private chars = 0;

  constructor(
    private readonly maxEntries = 32,
    private readonly maxChars = 16 * 1024 * 1024,
  ) {}

  /** How many leading characters of `text` are known clean under `key` (0 when none). */
  cleanPrefix(key: string, text: string): number {
    const previous = this.texts.get(key);
    if (previous === undefined) return 0;
    // A JSON list of messages grows by losing its closing bracket (and maybe a brace or quote) and
    // gaining the new messages; comparing slices compares memory, far faster than scanning.
    for (const cut of [0, 1, 2, 3, 8, 64]) {
      const length = previous.length - cut;
      if (length <= 0) break;
      if (text.length >= length && text.slice(0, length) === previous.slice(0, length)) return length;
    }
    return 0;
  }

  remember(key: string, text: string): void {
    this.forget(key);
    if (text.length > this.maxChars) return;
    this.texts.set(key, text);
    this.chars += text.length;
    for (const [oldest, value] of this.texts) {
      if (this.texts.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.texts.delete(oldest);
      this.chars -= value.length;
    }
  }

  forget(key: string): void {
    const previous = this.texts.get(key);
    if (previous === undefined) return;
    this.texts.delete(key);
    this.chars -= previous.length;
  }
}
