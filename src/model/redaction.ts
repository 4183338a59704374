/** What a masked value reads after redaction. */
export const REDACTED = '[redacted]';

/**
 * Attribute keys whose values are credentials by default (`loupe.redact`). Patterns are globs
 * matched against the whole key, case-insensitively: `*` is any run of characters (dots
 * included), `?` is one character. Token *counts* (`gen_ai.usage.input_tokens`,
 * `llm.token_count.prompt`, `…time_to_first_token`) are deliberately not matched.
 */
export const DEFAULT_REDACT_PATTERNS: readonly string[] = [
  '*authorization*',
  '*api_key*',
  '*api-key*',
  '*apikey*',
  '*password*',
  '*passwd*',
  '*secret*',
  '*access_token*',
  '*access-token*',
  '*refresh_token*',
  '*refresh-token*',
  'id_token',
  '*.id_token',
  '*api_token*',
  '*api-token*',
  '*auth_token*',
  '*auth-token*',
  '*session_token*',
  '*security-token*',
  '*csrf-token*',
  '*bearer*',
  '*private_key*',
  '*private-key*',
  '*credential*',
  '*cookie*',
  'token',
  '*.token',
];

/** A `loupe.redact` pattern that cannot be used, with the reason. */
export class RedactPatternError extends Error {
  override readonly name = 'RedactPatternError';

  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(`Redaction pattern ${JSON.stringify(pattern)} cannot be used: ${reason}`);
  }
}

/**
 * Turns one pattern into a case-insensitive whole-key expression. A pattern written between
 * slashes (`/^x-.*-key$/`) is a regular expression (searched, not anchored, unless it anchors
 * itself); anything else is a glob.
 */
export function compileRedactPattern(pattern: string): RegExp {
  if (typeof pattern !== 'string' || pattern.trim() === '') throw new RedactPatternError(String(pattern), 'it is empty');
  if (pattern.length > 1 && pattern.startsWith('/') && pattern.endsWith('/')) {
    const source = pattern.slice(1, -1);
    try {
      return new RegExp(source, 'i');
    } catch (error) {
      throw new RedactPatternError(pattern, `not a valid regular expression (${(error as Error).message})`);
    }
  }
  const source = [...pattern].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : escapeRegExp(ch))).join('');
  return new RegExp(`^${source}$`, 'is');
}

/** Problems with a list of patterns, one message per unusable pattern (empty when all are fine). */
export function findRedactPatternProblems(patterns: readonly unknown[]): string[] {
  const problems: string[] = [];
  for (const pattern of patterns) {
    if (typeof pattern !== 'string') {
      problems.push(`Redaction pattern ${JSON.stringify(pattern)} cannot be used: it is not a string`);
      continue;
    }
    try {
      compileRedactPattern(pattern);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}

/** Cap on remembered keys, so a sender inventing endless distinct keys cannot grow the cache without bound. */
const MAX_CACHED_KEYS = 10_000;

/** Decides, per attribute key, whether its value is masked. Decisions are cached per key. */
export class KeyRedactor {
  private readonly expressions: RegExp[];
  private readonly decisions = new Map<string, boolean>();

  /** Throws `RedactPatternError` for the first unusable pattern. */
  constructor(patterns: readonly string[] = DEFAULT_REDACT_PATTERNS) {
    this.expressions = patterns.map(compileRedactPattern);
  }

  get isEmpty(): boolean {
    return this.expressions.length === 0;
  }

  matches(key: string): boolean {
    return this.decisions.get(key) ?? this.decide(key);
  }

  // Apart from `matches`: a closure over `key` there would cost a context allocation on every call, hits included.
  private decide(key: string): boolean {
    const decision = this.expressions.some((expression) => expression.test(key));
    if (this.decisions.size >= MAX_CACHED_KEYS) this.decisions.clear();
    this.decisions.set(key, decision);
    return decision;
  }
}

function escapeRegExp(ch: string): string {
  return /[\\^$.|+()[\]{}/-]/.test(ch) ? `\\${ch}` : ch;
}
