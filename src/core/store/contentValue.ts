/** One piece of a stored value: the sha256 (hex) of a content file, or short text kept inline. */
export type ContentPart = string | { text: string };

/** Reads stored parts back as text (from memory, its cache or the store's content files). */
export interface ContentReader {
  joinParts(parts: readonly ContentPart[]): string;
}

/** The JSON form of a value held as content parts, as written in a trace file. */
export interface ContentRefJson {
  contentRef: {
    /** Parts after the shared prefix (all of them when `from` is absent). */
    parts: ContentPart[];
    /** The first `count` parts are those of the same attribute of span `spanId` in the same file. */
    from?: [spanId: string, count: number];
    /** UTF-16 length of the whole value. */
    chars: number;
  };
}

/**
 * An attribute value whose text lives in the store's content files. It reads like any OTLP
 * string value (`stringValue` is a getter that joins the parts when asked), so every reader of
 * spans works unchanged, while memory holds only the part list. It is never cloned as such:
 * spread or structured-cloned it loses its text, so values leaving the engine go through
 * `materializeValue` first.
 */
export class ContentValue {
  /** Set while a trace file is being written: the prefix this value shares with an earlier span. */
  encoded: ContentRefJson['contentRef'] | undefined;

  constructor(
    readonly parts: readonly ContentPart[],
    readonly chars: number,
    private readonly reader: ContentReader,
  ) {}

  get stringValue(): string {
    return this.reader.joinParts(this.parts);
  }

  toJSON(): ContentRefJson {
    return { contentRef: this.encoded ?? { parts: [...this.parts], chars: this.chars } };
  }
}

export function isContentValue(value: unknown): value is ContentValue {
  return value instanceof ContentValue;
}

export function isContentRefJson(value: unknown): value is ContentRefJson {
  const ref = (value as ContentRefJson | null)?.contentRef;
  return typeof ref === 'object' && ref !== null && Array.isArray(ref.parts) && typeof ref.chars === 'number';
}

/** Content hashes a part list refers to. */
export function* hashesOf(parts: readonly ContentPart[]): Iterable<string> {
  for (const part of parts) if (typeof part === 'string') yield part;
}

/**
 * The attributes with every content value read back into a plain string value: for anything
 * that leaves the engine as data (exports, messages to another thread), where a getter would be lost.
 */
export function materializeAttributes<T extends { key: string; value: unknown }>(attributes: readonly T[]): T[] {
  if (!attributes.some((kv) => kv.value instanceof ContentValue)) return attributes as T[];
  return attributes.map((kv) => (kv.value instanceof ContentValue ? { ...kv, value: { stringValue: kv.value.stringValue } } : kv));
}
