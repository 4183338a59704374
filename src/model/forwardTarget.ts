export type ForwardProtocol = 'otlp-grpc' | 'otlp-http' | 'zipkin';

export const FORWARD_PROTOCOLS: readonly ForwardProtocol[] = ['otlp-grpc', 'otlp-http', 'zipkin'];

/** Where a trace can be forwarded (the `loupe.forward.targets` setting holds a list of these). */
export interface ForwardTarget {
  name: string;
  protocol: ForwardProtocol;
  /**
   * - `otlp-grpc`: `http://host:port` (plaintext) or `https://host:port` (TLS); no path.
   * - `otlp-http`: a base URL gets `/v1/traces` appended (`http://host:4318` →
   *   `http://host:4318/v1/traces`, `http://host/otlp` → `http://host/otlp/v1/traces`); a URL
   *   whose path already ends in `/v1/traces` (trailing slashes aside) is used as it is.
   *   Protobuf is sent.
   * - `zipkin`: a URL with no path gets `/api/v2/spans`; any other URL is used as it is.
   */
  endpoint: string;
  /** Sent with every request (HTTP headers, or gRPC metadata), e.g. an auth token. */
  headers?: Record<string, string>;
  /** The target's UI page for one trace; `{traceId}` is replaced, e.g. `http://localhost:16686/trace/{traceId}`. */
  uiUrl?: string;
}

/**
 * Targets for a Jaeger and a Zipkin on this machine, on ports that leave Loupe's own 4317/4318 free.
 *
 * Jaeger (all-in-one, OTLP on 14317 gRPC / 14318 HTTP, UI on 16686):
 *   docker run --rm -p 16686:16686 -p 14317:4317 -p 14318:4318 jaegertracing/all-in-one:latest
 * Zipkin (API and UI on 9411):
 *   docker run --rm -p 9411:9411 openzipkin/zipkin
 */
export const DEFAULT_FORWARD_TARGETS: readonly ForwardTarget[] = [
  {
    name: 'Jaeger (OTLP gRPC)',
    protocol: 'otlp-grpc',
    endpoint: 'http://localhost:14317',
    uiUrl: 'http://localhost:16686/trace/{traceId}',
  },
  {
    name: 'Jaeger (OTLP HTTP)',
    protocol: 'otlp-http',
    endpoint: 'http://localhost:14318',
    uiUrl: 'http://localhost:16686/trace/{traceId}',
  },
  {
    name: 'Zipkin',
    protocol: 'zipkin',
    endpoint: 'http://localhost:9411/api/v2/spans',
    uiUrl: 'http://localhost:9411/zipkin/traces/{traceId}',
  },
];

const OTLP_TRACES_PATH = 'v1/traces';
const ZIPKIN_SPANS_PATH = '/api/v2/spans';
/** RFC 9110 token characters: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** gRPC metadata keys are lowercase-only (names are lowercased before this check). */
const GRPC_METADATA_KEY = /^[0-9a-z_.-]+$/;
/** Metadata keys gRPC's own framing uses. */
const RESERVED_GRPC_KEY = /^(grpc-.*|content-type|te|user-agent)$/;
/** Visible ASCII, spaces and tabs, and non-ASCII text; no control characters (CR/LF would split headers). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\uffff]*$/;

/**
 * Checks a target as the settings UI would show it: undefined when it is usable, else one
 * sentence saying what to fix. Accepts any input shape (settings are user-edited JSON).
 */
export function validateForwardTarget(target: unknown): string | undefined {
  if (typeof target !== 'object' || target === null || Array.isArray(target))
    return 'A forward target must be an object with name, protocol and endpoint.';
  const { name, protocol, endpoint, headers, uiUrl } = target as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim() === '') return 'A forward target needs a name.';
  const label = `Forward target "${name}"`;
  if (typeof protocol !== 'string' || !(FORWARD_PROTOCOLS as readonly string[]).includes(protocol)) {
    return `${label}: protocol must be one of ${FORWARD_PROTOCOLS.join(', ')} (got ${JSON.stringify(protocol)}).`;
  }
  if (typeof endpoint !== 'string' || endpoint.trim() === '') return `${label}: endpoint is missing.`;
  const url = httpUrlOf(endpoint);
  if (!url) return `${label}: endpoint must be an http:// or https:// URL (got ${JSON.stringify(endpoint)}).`;
  if (protocol === 'otlp-grpc' && (url.pathname !== '/' || url.search !== '')) {
    return `${label}: a gRPC endpoint is just scheme, host and port, e.g. http://localhost:14317 (got a path "${url.pathname}${url.search}").`;
  }
  if (url.username || url.password) return `${label}: put credentials in headers, not in the endpoint URL.`;
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
      return `${label}: headers must be an object of name → value strings.`;
    for (const [key, value] of Object.entries(headers)) {
      if (typeof value !== 'string') return `${label}: header "${key}" must have a string value.`;
      if (!HEADER_NAME.test(key)) return `${label}: "${key}" is not a valid header name.`;
      if (!HEADER_VALUE.test(value)) return `${label}: header "${key}" holds a control character (e.g. a line break).`;
      if (protocol === 'otlp-grpc' && !GRPC_METADATA_KEY.test(key.toLowerCase()))
        return `${label}: "${key}" is not a valid gRPC metadata key.`;
      if (protocol === 'otlp-grpc' && key.toLowerCase().endsWith('-bin'))
        return `${label}: binary gRPC metadata ("${key}") is not supported.`;
      if (protocol === 'otlp-grpc' && RESERVED_GRPC_KEY.test(key.toLowerCase()))
        return `${label}: "${key}" is set by gRPC itself and cannot be a header.`;
    }
  }
  if (uiUrl !== undefined) {
    if (typeof uiUrl !== 'string' || !httpUrlOf(uiUrl.replaceAll('{traceId}', '0'))) {
      return `${label}: uiUrl must be an http:// or https:// URL, with {traceId} where the trace id goes.`;
    }
  }
  return undefined;
}

function httpUrlOf(text: string): URL | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The URL an `otlp-http` target receives protobuf at. */
export function otlpHttpUrlOf(endpoint: string): URL {
  const url = new URL(endpoint.trim());
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith(`/${OTLP_TRACES_PATH}`) ? path : `${path}/${OTLP_TRACES_PATH}`;
  return url;
}

/** The URL a `zipkin` target receives its v2 JSON at. */
export function zipkinUrlOf(endpoint: string): URL {
  const url = new URL(endpoint.trim());
  if (url.pathname === '/' || url.pathname === '') url.pathname = ZIPKIN_SPANS_PATH;
  return url;
}

/** `host:port` for grpc-js, and whether to use TLS. */
export function grpcAddressOf(endpoint: string): { address: string; tls: boolean } {
  const url = new URL(endpoint.trim());
  const tls = url.protocol === 'https:';
  return { address: `${url.hostname}:${url.port || (tls ? '443' : '80')}`, tls };
}

/** The link to the forwarded trace in the target's UI, when the target has one. */
export function traceUrlOf(target: ForwardTarget, traceId: string): string | undefined {
  return target.uiUrl ? target.uiUrl.replaceAll('{traceId}', encodeURIComponent(traceId)) : undefined;
}
