/** What to do with a `/v1/*` request, CORS-wise. */
export interface CorsDecision {
  /** Headers to add to whatever response follows. */
  headers: Record<string, string>;
  /** Set when the request is answered here (a preflight, or an origin that is not allowed). */
  answer?: { status: number; message?: string };
}

const TOKEN_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

/**
 * CORS for the OTLP/HTTP endpoints, so browser-side agents can send telemetry, but only from
 * origins the user listed (`*` lists every origin). Requests without an `Origin` are not from a
 * web page and pass untouched; a page from any other origin gets 403 and no CORS headers.
 */
export function decideOtlpCors(
  method: string,
  origin: string | undefined,
  requestedHeaders: string | undefined,
  allowedOrigins: ReadonlySet<string>,
): CorsDecision {
  if (origin === undefined) return { headers: {} };
  if (!allowedOrigins.has(origin) && !allowedOrigins.has('*')) {
    return {
      headers: {},
      answer: { status: 403, message: `Origin ${origin} is not allowed to send telemetry to this receiver.` },
    };
  }
  const headers: Record<string, string> = { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  if (method !== 'OPTIONS') return { headers };
  const allowHeaders =
    requestedHeaders !== undefined && TOKEN_LIST.test(requestedHeaders.trim()) ? requestedHeaders.trim() : 'Content-Type, Content-Encoding';
  return {
    headers: {
      ...headers,
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': allowHeaders,
      'Access-Control-Max-Age': '600',
    },
    answer: { status: 204 },
  };
}
