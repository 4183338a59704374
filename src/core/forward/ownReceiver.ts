import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { isLoopbackName } from '../../model/hostNames';

/** Where this Loupe receives: the ports asked for and the ports bound (0 and null are left out). */
export interface OwnReceiver {
  ports: readonly (number | null | undefined)[];
}

/** Longest a host name lookup may delay the check; a name that does not resolve cannot be this machine. */
const LOOKUP_TIMEOUT_MS = 2_000;

/**
 * Whether `endpoint` reaches this Loupe's own OTLP receiver: a port of its own on an address of
 * this machine (a loopback name or address, an address of one of its interfaces, the wildcard
 * addresses, or a host name resolving to one). Forwarding there would send every span back in,
 * so the caller refuses it.
 */
export async function reachesOwnReceiver(endpoint: string, own: OwnReceiver): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    return false;
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (!own.ports.some((p) => p !== null && p !== undefined && p > 0 && p === port)) return false;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isLoopbackName(host) || isThisMachine(host)) return true;
  if (isIP(host)) return false;
  return (await addressesOf(host)).some((address) => isLoopbackName(address) || isThisMachine(address));
}

function isThisMachine(address: string): boolean {
  const plain = address.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '');
  if (plain === '0.0.0.0' || plain === '::' || plain.startsWith('127.') || plain === '::1') return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((info) => info.address.toLowerCase() === plain));
}

async function addressesOf(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([]), LOOKUP_TIMEOUT_MS);
  });
  const found = lookup(host, { all: true }).then(
    (list) => list.map((entry) => entry.address),
    () => [],
  );
  return Promise.race([found, timeout]).finally(() => clearTimeout(timer));
}
