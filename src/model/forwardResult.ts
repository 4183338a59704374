/**
 * What a forward tells the user. Plain data, so it crosses a worker thread or HTTP as it is.
 *
 * - `unreachable`: nothing answered at the endpoint (refused, unknown host, TLS failure, dropped).
 * - `timeout`: no complete answer within the time limit.
 * - `rejected`: the target answered with an error (HTTP 4xx/5xx, a gRPC error status) or
 *   refused every span.
 * - `invalid-target`: the target's settings are unusable (see `validateForwardTarget`).
 * - `invalid-trace`: the trace has no spans or holds malformed ids or times.
 * - `cancelled`: the caller's AbortSignal fired.
 */
export type ForwardErrorKind = 'unreachable' | 'timeout' | 'rejected' | 'invalid-target' | 'invalid-trace' | 'cancelled';

export interface ForwardError {
  kind: ForwardErrorKind;
  /** One or two sentences for the user, naming the target and what to do. */
  message: string;
  /** e.g. "HTTP 400 Bad Request" or "gRPC INVALID_ARGUMENT (3)", for `rejected`. */
  status?: string;
  /** The HTTP status code, for HTTP targets that answered. */
  httpStatus?: number;
  /** The gRPC status code, for gRPC targets. */
  grpcCode?: number;
  /** What the target said about the failure, trimmed. */
  serverMessage?: string;
}

export type ForwardResult =
  | {
      ok: true;
      /** Spans sent. */
      spanCount: number;
      /** The trace in the target's UI, when the target has a `uiUrl`. */
      traceUrl?: string;
      /** Spans the target reported as refused (OTLP partial success); the rest were accepted. */
      rejectedSpans?: number;
      /** The target's note on a partial success. */
      targetMessage?: string;
    }
  | { ok: false; error: ForwardError };

/** Server text as shown to the user: control characters out, whitespace collapsed, length capped. */
export function tidyServerText(text: string, maxChars = 500): string {
  const clean = text
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > maxChars ? `${clean.slice(0, maxChars)}…` : clean;
}

export function describeTarget(target: { name: string; endpoint: string }): string {
  return `"${target.name}" (${target.endpoint})`;
}
