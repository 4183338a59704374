import { connect } from 'node:net';

export type Reachability = { reachable: true } | { reachable: false; detail: string };

const DEFAULT_TIMEOUT_MS = 1_500;

const CONNECT_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused; nothing is listening there',
  ENOTFOUND: 'unknown host name',
  EAI_AGAIN: 'the host name could not be resolved',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

function connectErrorText(error: NodeJS.ErrnoException): string {
  return (error.code && CONNECT_ERRORS[error.code]) || error.message;
}

/** Host and port a target endpoint connects to (the scheme's port when the URL names none). */
export function endpointAddress(endpoint: string): { host: string; port: number } | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * Whether something accepts connections at a forward target's address: a quick TCP connect, so
 * the target list can say which backends are up before the user picks one.
 */
export function checkReachable(endpoint: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Reachability> {
  const address = endpointAddress(endpoint);
  if (!address) return Promise.resolve({ reachable: false, detail: `"${endpoint}" is not an http:// or https:// URL` });
  return new Promise((resolve) => {
    const socket = connect({ host: address.host, port: address.port });
    const finish = (result: Reachability) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ reachable: false, detail: `no connection to ${address.host}:${address.port} within ${timeoutMs / 1000} s` }),
      timeoutMs,
    );
    socket.once('connect', () => finish({ reachable: true }));
    socket.once('error', (error) => finish({ reachable: false, detail: `${address.host}:${address.port}: ${connectErrorText(error)}` }));
  });
}
