import type { SpanKind, SpanStatus } from '../../src/model/traceTypes';

/** A span's status in words: OpenTelemetry's "unset" means the instrumentation recorded no error. */
export function statusText(status: SpanStatus, statusMessage?: string): string {
  if (status === 'error') return `error${statusMessage ? `: ${statusMessage}` : ''}`;
  return status === 'ok' ? 'OK' : 'no error recorded';
}

/** Kinds whose spans are expected to carry token usage; only for them is its absence worth a word. */
const USAGE_KINDS: ReadonlySet<SpanKind> = new Set(['llm', 'embedding', 'reranker']);

/** The Tokens line: the counts, "not reported…" for a model call without usage, nothing otherwise. */
export function tokensLine(kind: SpanKind, counts: string | undefined, usageReported: boolean | undefined): string | undefined {
  if (counts) return counts;
  return usageReported === false && USAGE_KINDS.has(kind) ? 'not reported by the instrumentation' : undefined;
}
