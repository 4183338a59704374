import { parseStackFrames } from '../../model/stackFrames';
import type { CodeLocation } from '../../model/traceTypes';
import { isRevealablePath } from '../../model/webviewMessages';

/** Path segments, whatever the separator: `C:\a\b.py` and `/a/b.py` both end in `a`, `b.py`. */
export function pathSegments(filePath: string): string[] {
  return filePath.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
}

export function baseName(filePath: string): string {
  const segments = pathSegments(filePath);
  return segments[segments.length - 1] ?? '';
}

/** How many trailing segments two paths share (file names compared case-sensitively). */
export function sharedSuffixLength(a: string, b: string): number {
  const x = pathSegments(a);
  const y = pathSegments(b);
  let n = 0;
  while (n < x.length && n < y.length && x[x.length - 1 - n] === y[y.length - 1 - n]) n++;
  return n;
}

/**
 * The workspace file that best stands for a path recorded on another machine or in a container:
 * the candidate sharing the longest path suffix (at least the file name). Ties go to the shorter
 * candidate path, then to the first in order. undefined when none shares the file name.
 */
export function bestSuffixMatch(recordedPath: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestLength = 0;
  for (const candidate of candidates) {
    const length = sharedSuffixLength(recordedPath, candidate);
    if (length === 0) continue;
    if (
      length > bestLength ||
      (length === bestLength && best !== undefined && pathSegments(candidate).length < pathSegments(best).length)
    ) {
      best = candidate;
      bestLength = length;
    }
  }
  return best;
}

/** Where a span points in the user's code: its code location, else the innermost user frame of its error. */
export function sourceLocationOf(span: { code?: CodeLocation; error?: { stacktrace?: string } }): CodeLocation | undefined {
  if (span.code && isRevealablePath(span.code.filePath)) return span.code;
  const text = span.error?.stacktrace;
  if (!text) return undefined;
  const frame = parseStackFrames(text).find((f) => f.isUserCode && isRevealablePath(f.filePath));
  return frame && { filePath: frame.filePath, line: frame.line, column: frame.column, function: frame.function, source: 'stacktrace' };
}

/** The name to search workspace symbols for: `Agent.run` → `run`, `pkg::mod::f` → `f`, `<lambda>` → none. */
export function symbolNameOf(functionName: string | undefined): string | undefined {
  if (!functionName) return undefined;
  const last =
    functionName
      .replace(/^(async|new)\s+/, '')
      .split(/\.|::|#|\//)
      .pop()
      ?.trim() ?? '';
  return /^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(last) ? last : undefined;
}

/** A symbol found by the workspace search, reduced to what the choice needs. */
export interface SymbolCandidate {
  name: string;
  filePath: string;
}

/** Symbols named exactly `name`; among them the one whose file best matches the recorded path. */
export function bestSymbol<T extends SymbolCandidate>(symbols: readonly T[], name: string, recordedPath?: string): T | undefined {
  const exact = symbols.filter((symbol) => symbol.name === name || symbol.name === `${name}()` || symbol.name.endsWith(`.${name}`));
  if (exact.length === 0) return undefined;
  if (!recordedPath) return exact[0];
  let best = exact[0];
  let bestLength = sharedSuffixLength(recordedPath, best.filePath);
  for (const symbol of exact.slice(1)) {
    const length = sharedSuffixLength(recordedPath, symbol.filePath);
    if (length > bestLength) {
      best = symbol;
      bestLength = length;
    }
  }
  return best;
}

/** One sentence telling what the span carried when no file or symbol could be found. */
export function describeMissingSource(spanName: string, location: CodeLocation | undefined): string {
  const name = JSON.stringify(spanName.length > 80 ? `${spanName.slice(0, 80)}…` : spanName);
  if (!location) {
    return `Span ${name} carries no source location (no code.file.path attribute and no stack trace with your code). Instrument it with code.* attributes to jump to its source.`;
  }
  const where = `${location.filePath}${location.line ? `:${location.line}` : ''}${location.function ? ` (function ${location.function})` : ''}`;
  return `Could not find the source of span ${name} in this workspace: it points at ${where}, and no workspace file ends with that path${location.function ? ' nor does a workspace symbol have that name' : ''}. Open the folder that holds the agent's code.`;
}
