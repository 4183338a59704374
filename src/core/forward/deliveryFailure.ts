/** Why a request got no answer: the part of a ForwardError that transports can tell. */
export interface DeliveryFailure {
  kind: 'unreachable' | 'timeout' | 'cancelled';
  /** What went wrong on the wire, in a few words. */
  detail: string;
}

const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused; nothing is listening there',
  ENOTFOUND: 'unknown host name',
  EAI_AGAIN: 'the host name could not be resolved',
  ECONNRESET: 'the connection was closed before an answer came',
  EPIPE: 'the connection was closed while sending',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EADDRNOTAVAIL: 'the address is not available',
};

/** A Node network error as a failure the user can act on. */
export function failureOfNetworkError(error: unknown): DeliveryFailure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code && NETWORK_ERRORS[code]) return { kind: 'unreachable', detail: NETWORK_ERRORS[code] };
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT') || /ssl|tls|certificate/i.test(message)) {
    return { kind: 'unreachable', detail: `the TLS connection failed: ${message}` };
  }
  if (message === 'socket hang up') return { kind: 'unreachable', detail: NETWORK_ERRORS.ECONNRESET };
  return { kind: 'unreachable', detail: message };
}

/**
 * The caller's signal and the time limit as one signal, plus a way to tell which fired.
 * `dispose` clears the timer so nothing is left scheduled after the forward.
 */
export function deadlineSignal(
  timeoutMs: number,
  outer: AbortSignal | undefined,
): {
  signal: AbortSignal;
  reason: () => DeliveryFailure;
  dispose: () => void;
} {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onOuterAbort = () => controller.abort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  if (outer?.aborted) controller.abort();
  return {
    signal: controller.signal,
    reason: () =>
      timedOut
        ? { kind: 'timeout', detail: `no answer within ${formatSeconds(timeoutMs)}` }
        : { kind: 'cancelled', detail: 'the forward was cancelled' },
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    },
  };
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
