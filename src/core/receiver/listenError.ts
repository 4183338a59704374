export type ListenerKind = 'grpc' | 'http';

export type ListenFailure = 'in-use' | 'permission' | 'address';

const SETTING: Record<ListenerKind, { setting: string; flag: string }> = {
  grpc: { setting: 'loupe.receiver.grpcPort', flag: '--grpc-port' },
  http: { setting: 'loupe.receiver.httpPort', flag: '--http-port' },
};

/** A listener could not open its port; the message tells the user what to change. */
export class PortUnavailableError extends Error {
  override readonly name = 'PortUnavailableError';

  constructor(
    readonly listener: ListenerKind,
    readonly host: string,
    readonly port: number,
    readonly failure: ListenFailure,
    readonly systemCode: string,
  ) {
    super(describeFailure(listener, host, port, failure));
  }
}

function describeFailure(listener: ListenerKind, host: string, port: number, failure: ListenFailure): string {
  const { setting, flag } = SETTING[listener];
  const wayOut = `set ${setting} (CLI: ${flag}) to another port; 0 picks a free one.`;
  switch (failure) {
    case 'in-use':
      return `Port ${port} is already in use by another program. Stop it, or ${wayOut}`;
    case 'permission':
      return `Port ${port} on ${host} cannot be opened: permission denied (ports below 1024 need administrator rights). To fix it, ${wayOut}`;
    case 'address':
      return `Address ${host} is not available on this machine, so port ${port} cannot be opened. Set loupe.receiver.host (CLI: --host) to 127.0.0.1 or an address of this machine.`;
  }
}

const FAILURE_BY_CODE: Record<string, ListenFailure> = {
  EADDRINUSE: 'in-use',
  EACCES: 'permission',
  EPERM: 'permission',
  EADDRNOTAVAIL: 'address',
  ENOTFOUND: 'address',
  EAI_AGAIN: 'address',
};

/**
 * Turns a failed listen into a `PortUnavailableError` when the cause is the port or address,
 * else returns the error unchanged. grpc-js folds the system error into its message, so the
 * code is read from there too.
 */
export function toListenError(error: unknown, listener: ListenerKind, host: string, port: number): Error {
  const code = systemCodeOf(error);
  const failure = code === undefined ? undefined : FAILURE_BY_CODE[code];
  if (code !== undefined && failure !== undefined) return new PortUnavailableError(listener, host, port, failure, code);
  return error instanceof Error ? error : new Error(String(error));
}

function systemCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code in FAILURE_BY_CODE) return code;
  const message = (error as { message?: unknown }).message;
  if (typeof message !== 'string') return undefined;
  return Object.keys(FAILURE_BY_CODE).find((candidate) => message.includes(candidate));
}
