import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAccessToken, isChallenge, tokenProof } from '../host/accessToken';

/** The token every read and control request must carry, and where its owner finds it. */
export interface AccessToken {
  token: string;
  /** The `auth-token` file it is kept in; absent for a server without a store folder. */
  file?: string;
}

/** Sent with `/api/health` by a client that wants proof the server knows a token before sending it. */
export const CHALLENGE_HEADER = 'x-loupe-challenge';
export const PROOF_HEADER = 'x-loupe-proof';

/** Cookies are not port-scoped, so two Loupes on one machine each need their own cookie name. */
export function accessCookieName(port: number): string {
  return `loupe_token_${port}`;
}

/** The token a request presents: `Authorization: Bearer`, the `token` query parameter, or this port's cookie. */
export function presentedTokens(request: IncomingMessage, query: URLSearchParams, port: number): string[] {
  const found: string[] = [];
  const authorization = request.headers.authorization;
  const bearer = typeof authorization === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization) : null;
  if (bearer) found.push(bearer[1]);
  const fromQuery = query.get('token');
  if (fromQuery !== null) found.push(fromQuery);
  // Every cookie of that name: a page on another port of this host can set one too (cookies are not
  // port-scoped), and must not be able to hide the real one behind its own.
  found.push(...cookieValues(request.headers.cookie, accessCookieName(port)));
  return found;
}

/** Whether any token the request presents is this server's (each compared in constant time). */
export function hasAccess(request: IncomingMessage, query: URLSearchParams, access: AccessToken, port: number): boolean {
  // Every candidate is compared, so the time taken does not tell which form was right.
  return presentedTokens(request, query, port).reduce((ok, candidate) => isAccessToken(candidate, access.token) || ok, false);
}

/** Where the owner finds the token, as the 401 answer says it. */
export function whereTheTokenIs(access: AccessToken): string {
  return access.file
    ? `Its token is in ${access.file} (readable by its owner only); the address \`loupe serve\` prints carries it too.`
    : 'Use the address `loupe serve` printed, which carries the token.';
}

/**
 * 401 for a request without the token. `X-Loupe-Proof` answers a challenge on `/api/health`, so a
 * client can check which token this server holds without sending one (see `probeLoupe`).
 */
export function sendUnauthorized(request: IncomingMessage, response: ServerResponse, access: AccessToken, port: number): void {
  const body = Buffer.from(
    JSON.stringify({
      error: `Loupe needs its access token: send \`Authorization: Bearer <token>\` or \`?token=<token>\`. ${whereTheTokenIs(access)}`,
      product: 'loupe',
      ...(access.file ? { tokenFile: access.file } : {}),
    }),
  );
  const challenge = request.headers[CHALLENGE_HEADER];
  response.writeHead(401, {
    'WWW-Authenticate': 'Bearer realm="loupe"',
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(isChallenge(challenge) ? { [PROOF_HEADER]: tokenProof(access.token, challenge, port) } : {}),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

/**
 * Opening the address `loupe serve` prints (`/?token=…`): the token goes into an HttpOnly,
 * SameSite=Strict cookie and the browser is sent to the same address without it, so the token
 * leaves the address bar and the history. The Location is relative, so it also works behind a
 * proxy that adds a path prefix (code-server's `/proxy/4318/`). A wrong token is refused.
 */
export function answerTokenAddress(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  query: URLSearchParams,
  access: AccessToken,
  port: number,
): void {
  if (!isAccessToken(query.get('token'), access.token)) {
    const body = Buffer.from(`This address's token is not this Loupe's. ${whereTheTokenIs(access)}\n`);
    response.writeHead(401, {
      'WWW-Authenticate': 'Bearer realm="loupe"',
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(body.length),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    return void response.end(request.method === 'HEAD' ? undefined : body);
  }
  const rest = new URLSearchParams(query);
  rest.delete('token');
  const search = rest.toString();
  // `./` first, so a last segment such as `http:%2F%2Fexample.com` stays a path on this server.
  const location = `./${path.slice(path.lastIndexOf('/') + 1)}${search ? `?${search}` : ''}`;
  response.writeHead(303, {
    'Set-Cookie': `${accessCookieName(port)}=${access.token}; Path=/; HttpOnly; SameSite=Strict`,
    Location: location,
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'Content-Length': '0',
  });
  response.end();
}

function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  // At most a few: a header stuffed with thousands of copies must not cost thousands of hashes.
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    values.push(part.slice(separator + 1).trim());
    if (values.length === 4) break;
  }
  return values;
}
