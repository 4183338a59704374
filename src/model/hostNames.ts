/** Host names that always mean this machine. `*.localhost` resolves to loopback by RFC 6761. */
export function isLoopbackName(host: string): boolean {
  const name = stripBrackets(host.toLowerCase()).replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '::1') return true;
  return isIPv4(name) && name.startsWith('127.');
}

/** True when a server bound to `host` is reachable only from this machine. */
export function isLoopbackBind(host: string): boolean {
  return isLoopbackName(host);
}

/**
 * Guards a loopback server against DNS rebinding: a web page that made its own domain resolve to
 * 127.0.0.1 still sends its own name in `Host`, so only loopback names and the bound address pass.
 * A server the user bound to a non-loopback address accepts any `Host`.
 */
export function isAllowedHostHeader(hostHeader: string | undefined, boundHost: string): boolean {
  if (!isLoopbackBind(boundHost)) return true;
  // HTTP/1.0 clients may omit Host; browsers never do, so this is no rebinding path.
  if (hostHeader === undefined || hostHeader === '') return true;
  const name = hostWithoutPort(hostHeader);
  if (name === undefined) return false;
  return isLoopbackName(name) || stripBrackets(name.toLowerCase()) === stripBrackets(boundHost.toLowerCase());
}

/** `example.com:80` → `example.com`, `[::1]:80` → `[::1]`; undefined when malformed. */
export function hostWithoutPort(hostHeader: string): string | undefined {
  const value = hostHeader.trim();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end < 0) return undefined;
    const rest = value.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    return value.slice(0, end + 1);
  }
  const match = /^([^:]+)(?::\d{1,5})?$/.exec(value);
  return match ? match[1] : undefined;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** A dotted-quad IPv4 address (no shorthand forms, as `net.isIP` accepts them). */
function isIPv4(name: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  return match !== null && match.slice(1).every((part) => Number(part) <= 255 && (part === '0' || !part.startsWith('0')));
}
