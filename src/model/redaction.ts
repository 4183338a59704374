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
  // GITHUB_TOKEN, hf_token, process.env.NPM_TOKEN…; not a count such as `…time_to_first_token`.
  '/(?<!time_to_first)_token$/',
  '*passphrase*',
  'pwd',
  '*.pwd',
  '*_pwd',
  '*jwt*',
  '*ssh_key*',
  '*ssh-key*',
  '*api.key*',
  'signature',
  '*.signature',
  '*_signature',
  '*-signature',
  'auth',
  '*.auth',
  '*_auth',
  '*-auth',
];

/**
 * Well-known secret formats, masked wherever they appear in a value, whatever its key: provider
 * keys (`sk-…`, `ghp_…`/`github_pat_…`, `hf_…`, `AKIA…`), JSON Web Tokens and `Bearer …`
 * credentials. The whole match is replaced.
 */
const SECRET_TOKENS = new RegExp(
  [
    String.raw`\bsk-(?:[A-Za-z0-9]+-)*[A-Za-z0-9_-]{20,}`,
    String.raw`\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})`,
    String.raw`\bhf_[A-Za-z0-9]{30,}`,
    String.raw`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`,
    String.raw`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`,
    String.raw`\bBearer\s+[A-Za-z0-9._~+/-]{12,}=*`,
  ].join('|'),
  'g',
);
/** `scheme://user:password@host`: the user and password are masked, the rest of the address kept. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@:]+:[^\s/?#@]+@/gi;
/** `?key=…`, `&api_key=…`, `&token=…` and the like in a URL: the value is masked, the name kept. */
const SECRET_QUERY =
  /([?&](?:key|api[_-]?key|apikey|token|access[_-]?token|auth|sig|signature|password|secret|client[_-]?secret)=)[^&#\s"'<>]+/gi;
/** Cheap first look: every format above contains one of these. */
const MAY_HOLD_SECRET =
  /sk-|gh[pousr]_|github_pat_|hf_|AKIA|ASIA|eyJ|Bearer|:\/\/|[?&][a-z_-]*(?:key|token|auth|sig|signature|password|secret)=/i;

/** True when `text` holds a well-known secret format (see `redactSecretValues`). */
export function holdsSecretValue(text: string): boolean {
  if (!MAY_HOLD_SECRET.test(text)) return false;
  return redactSecretValues(text) !== text;
}

/** `text` with every well-known secret format in it masked; the same string when there is none. */
export function redactSecretValues(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text;
  return text.replace(SECRET_TOKENS, REDACTED).replace(URL_CREDENTIALS, `$1${REDACTED}@`).replace(SECRET_QUERY, `$1${REDACTED}`);
}

/**
 * `redactSecretValues(text)` for a text whose first `cleanLength` characters are known to hold no
 * secret format (they were scanned before, as the start of an earlier text): only what follows,
 * and the words just before it that a match could begin in, are scanned. No format matches across
 * whitespace except `Bearer` and the spaces after it, so the scan starts at the beginning of the
 * word before the last whitespace ahead of the known part; a text without whitespace there is
 * scanned whole.
 */
export function redactSecretValuesAfter(text: string, cleanLength: number): string {
  const from = scanStart(text, Math.min(cleanLength, text.length));
  if (from === 0) return redactSecretValues(text);
  const tail = text.slice(from);
  const masked = redactSecretValues(tail);
  return masked === tail ? text : text.slice(0, from) + masked;
}

/** Where a scan must start so that no match beginning before `end` is missed. */
function scanStart(text: string, end: number): number {
  let at = end - 1;
  // Back to whitespace, past it, then past the word before it (`Bearer` in `Bearer   token`).
  while (at > 0 && !isSpace(text.charCodeAt(at))) at--;
  while (at > 0 && isSpace(text.charCodeAt(at))) at--;
  while (at > 0 && !isSpace(text.charCodeAt(at))) at--;
  return at <= 0 ? 0 : at + 1;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x2028 || code === 0x2029 || code === 0xfeff;
}

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
