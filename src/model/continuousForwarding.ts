import { validateForwardTarget, type ForwardTarget } from './forwardTarget';
import { formatCount, formatDateTime, formatDuration } from './formatValues';

/** How spans travel to the target: OTLP/HTTP with a protobuf body (the OTLP default) or OTLP/gRPC. */
export type ContinuousProtocol = 'http/protobuf' | 'grpc';

export const CONTINUOUS_PROTOCOLS: readonly ContinuousProtocol[] = ['http/protobuf', 'grpc'];

/**
 * Continuous forwarding: every span received is also sent to one OTLP target
 * (`loupe.forwarding.continuous.*`, `loupe serve --forward-to`). Plain data: it crosses into the
 * engine thread as it is. Headers come from secret storage or the environment, never settings.
 */
export interface ContinuousForwarding {
  /** The target's URL (`http://collector:4318`, `http://tempo:4317`); empty turns forwarding off. */
  endpoint: string;
  protocol: ContinuousProtocol;
  /** Sent with every request (HTTP headers or gRPC metadata), e.g. an API key. */
  headers?: Record<string, string>;
}

export const FORWARDING_OFF: ContinuousForwarding = { endpoint: '', protocol: 'http/protobuf' };

export function isForwardingOn(config: ContinuousForwarding | undefined): config is ContinuousForwarding {
  return config !== undefined && config.endpoint.trim() !== '';
}

/** The target as the one-trace forwarder knows it, so both share validation, encoding and transport. */
export function forwardTargetOf(config: ContinuousForwarding): ForwardTarget {
  return {
    name: 'continuous forwarding',
    protocol: config.protocol === 'grpc' ? 'otlp-grpc' : 'otlp-http',
    endpoint: config.endpoint.trim(),
    ...(config.headers && Object.keys(config.headers).length > 0 ? { headers: config.headers } : {}),
  };
}

/** undefined when usable (an empty endpoint is: it means off), else one sentence saying what to fix. */
export function validateContinuousForwarding(config: unknown): string | undefined {
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    return 'Continuous forwarding needs an endpoint and a protocol.';
  const { endpoint, protocol, headers } = config as Record<string, unknown>;
  if (typeof endpoint !== 'string') return 'The continuous forwarding endpoint must be a URL, or empty for off.';
  if (typeof protocol !== 'string' || !(CONTINUOUS_PROTOCOLS as readonly string[]).includes(protocol)) {
    return `The continuous forwarding protocol must be one of ${CONTINUOUS_PROTOCOLS.join(', ')} (got ${JSON.stringify(protocol)}).`;
  }
  if (endpoint.trim() === '') return undefined;
  const problem = validateForwardTarget({ ...forwardTargetOf({ endpoint, protocol: protocol as ContinuousProtocol }), headers });
  return problem?.replace(/^Forward target "continuous forwarding"/, 'Continuous forwarding');
}

/**
 * Headers written as OpenTelemetry writes them in `OTEL_EXPORTER_OTLP_HEADERS` (and Loupe reads
 * them from `LOUPE_FORWARD_HEADERS` and the "Set Forwarding Headers" command): `name=value` pairs
 * separated by commas, values percent-encoded where they hold a comma or an equals sign.
 */
export function parseHeaderList(text: string): { headers: Record<string, string> } | { problem: string } {
  const headers: Record<string, string> = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.indexOf('=');
    if (at <= 0) return { problem: `"${pair.trim().slice(0, 40)}" is not name=value.` };
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(pair.slice(0, at).trim());
      value = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      return { problem: `the header "${pair.slice(0, at).trim().slice(0, 40)}" is not valid percent-encoding.` };
    }
    headers[name] = value;
  }
  const problem = validateForwardTarget({ name: 'headers', protocol: 'otlp-http', endpoint: 'http://localhost', headers });
  return problem ? { problem: problem.replace(/^Forward target "headers": /, '') } : { headers };
}

/**
 * - `off`: nothing is forwarded (no endpoint, or one Loupe refused: see `problem`).
 * - `ok`: the target takes what is sent.
 * - `retrying`: the target is down or asked to wait; spans are kept and sent again.
 * - `dropping`: spans are being lost: the queue was full (the oldest went) or the target refused some for good.
 */
export type ForwardingState = 'off' | 'ok' | 'retrying' | 'dropping';

export interface ForwardingStatus {
  state: ForwardingState;
  endpoint?: string;
  protocol?: ContinuousProtocol;
  /** Why forwarding is off though an endpoint is set (for example, it is Loupe's own receiver). */
  problem?: string;
  /** Since when the target has been failing (Unix ms), while retrying or dropping because it is down. */
  downSince?: number;
  /** The last failure, one sentence. */
  lastError?: string;
  /** Why spans are being lost, while dropping. */
  dropReason?: string;
  /** When the next attempt is due (Unix ms), while retrying. */
  nextAttemptAt?: number;
  lastSuccessAt?: number;
  /** Spans waiting to be sent (in batches being assembled, queued or in flight), and their encoded bytes. */
  queuedSpans: number;
  queuedBytes: number;
  /** Spans the target accepted. */
  forwardedSpans: number;
  /** Spans the target refused for good (an HTTP 4xx other than 429, a permanent gRPC error, a partial success). */
  failedSpans: number;
  /** Spans dropped unsent: the oldest when the queue was full, or what was left when Loupe stopped. */
  droppedSpans: number;
}

export const FORWARDING_STATUS_OFF: ForwardingStatus = {
  state: 'off',
  queuedSpans: 0,
  queuedBytes: 0,
  forwardedSpans: 0,
  failedSpans: 0,
  droppedSpans: 0,
};

function where(status: ForwardingStatus): string {
  return `${status.endpoint ?? '?'} (${status.protocol ?? 'http/protobuf'})`;
}

function spans(n: number): string {
  return `${formatCount(n)} span${n === 1 ? '' : 's'}`;
}

/** One sentence for the log, the status bar tooltip and `loupe serve`'s output. */
export function describeForwarding(status: ForwardingStatus, now: number): string {
  switch (status.state) {
    case 'off':
      return status.problem ? `Continuous forwarding is off: ${status.problem}` : 'Continuous forwarding is off.';
    case 'ok':
      return `Forwarding every span to ${where(status)}: ${spans(status.forwardedSpans)} sent${
        status.queuedSpans > 0 ? `, ${spans(status.queuedSpans)} waiting` : ''
      }${lost(status)}.`;
    case 'retrying':
      return `Forwarding to ${where(status)} is retrying: ${downFor(status, now)}${status.lastError ? ` (${status.lastError})` : ''}; ${spans(
        status.queuedSpans,
      )} queued${lost(status)}.`;
    case 'dropping':
      return `Forwarding to ${where(status)} is losing spans: ${status.dropReason ?? status.lastError ?? 'spans were dropped'}; ${spans(
        status.queuedSpans,
      )} queued${lost(status)}.`;
  }
}

/**
 * The line a log writes when the state changes (`previous` is the state before): forwarding
 * started, the target went down, came back, or spans are being lost.
 */
export function forwardingChangeLine(previous: ForwardingState | undefined, status: ForwardingStatus, now: number): string {
  if (status.state === 'ok' && (previous === 'retrying' || previous === 'dropping')) {
    return `Forwarding to ${where(status)} works again: ${spans(status.forwardedSpans)} sent${
      status.queuedSpans > 0 ? `, ${spans(status.queuedSpans)} still waiting` : ''
    }${lost(status)}.`;
  }
  if (status.state === 'ok' && status.forwardedSpans === 0) return `Forwarding every span received to ${where(status)}.`;
  if (status.state === 'retrying') {
    return `Forwarding to ${where(status)} failed${status.lastError ? `: ${sentence(status.lastError)}` : '.'} Spans are kept and sent again when it answers (${spans(
      status.queuedSpans,
    )} queued).`;
  }
  return describeForwarding(status, now);
}

/** A message as a sentence: ending in one full stop, not two. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function downFor(status: ForwardingStatus, now: number): string {
  if (status.downSince === undefined) return 'the target is failing';
  return `the target has been failing since ${formatDateTime(status.downSince)} (${formatDuration(Math.max(0, now - status.downSince))})`;
}

function lost(status: ForwardingStatus): string {
  const parts = [
    status.droppedSpans > 0 ? `${spans(status.droppedSpans)} dropped` : '',
    status.failedSpans > 0 ? `${spans(status.failedSpans)} refused by the target` : '',
  ].filter(Boolean);
  return parts.length > 0 ? `; ${parts.join(', ')} so far` : '';
}
