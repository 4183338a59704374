import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Health } from '../../model/traceTypes';
import { CHALLENGE_HEADER, PROOF_HEADER } from '../server/accessGate';
import { isTokenProof, newChallenge, readHintedTokenFile } from './accessToken';

const MAX_HEALTH_BYTES = 64 * 1024;

export type ProbeAnswer =
  /** A Loupe, and the token that opens it (undefined for a Loupe of a version without tokens). */
  | { joinable: true; health: Health; token: string | undefined }
  /** A Loupe whose token is none of ours and not readable from the file it names. */
  | { joinable: false; tokenFile: string | undefined };

export interface ProbeOptions {
  /** Default 1 s per request. */
  timeoutMs?: number;
  /** Tokens to try (a store folder's own, a default store's); the file the server names is tried too. */
  tokens?: readonly (string | undefined)[];
}

/**
 * Asks whatever listens on `host:port` whether it is a Loupe, and finds the token that opens it.
 * A token is sent only to a server that has proved it knows it (it answers the challenge with an
 * HMAC keyed by the token and bound to its port), so a program squatting on a port is handed
 * nothing. Anything that is not a Loupe — nothing listening, another program, a slow or odd
 * answer — is undefined.
 */
export async function probeLoupe(host: string, port: number, options: ProbeOptions = {}): Promise<ProbeAnswer | undefined> {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const challenge = newChallenge();
  const first = await getHealth(host, port, { [CHALLENGE_HEADER]: challenge }, timeoutMs);
  if (!first) return undefined;
  if (first.status === 200) {
    const health = parseHealth(first.body);
    return health && { joinable: true, health, token: undefined };
  }
  const refusal = first.status === 401 ? parseRefusal(first.body) : undefined;
  if (!refusal) return undefined;
  const proof = first.headers[PROOF_HEADER];
  const hinted = refusal.tokenFile ? await readHintedTokenFile(refusal.tokenFile) : undefined;
  const token = [...(options.tokens ?? []), hinted].find(
    (candidate): candidate is string =>
      candidate !== undefined && isTokenProof(typeof proof === 'string' ? proof : undefined, candidate, challenge, port),
  );
  if (token === undefined) return { joinable: false, tokenFile: refusal.tokenFile };
  const second = await getHealth(host, port, { authorization: `Bearer ${token}` }, timeoutMs);
  const health = second?.status === 200 ? parseHealth(second.body) : undefined;
  return health ? { joinable: true, health, token } : undefined;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function getHealth(host: string, port: number, headers: Record<string, string>, timeoutMs: number): Promise<Reply | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (reply: Reply | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Also frees the socket after a parse error, which node:http leaves open.
      request.destroy();
      resolve(reply);
    };
    const request = httpRequest(
      { host: host.replace(/^\[(.*)\]$/, '$1'), port, path: '/api/health', method: 'GET', headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_HEALTH_BYTES) return done(undefined);
          chunks.push(chunk);
        });
        response.on('end', () => done({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', () => done(undefined));
      },
    );
    const timer = setTimeout(() => done(undefined), timeoutMs);
    request.on('error', () => done(undefined));
    request.end();
  });
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function parseHealth(body: Buffer): Health | undefined {
  const value = parseJson(body);
  return value?.product === 'loupe' ? (value as unknown as Health) : undefined;
}

function parseRefusal(body: Buffer): { tokenFile: string | undefined } | undefined {
  const value = parseJson(body);
  if (value?.product !== 'loupe') return undefined;
  return { tokenFile: typeof value.tokenFile === 'string' ? value.tokenFile : undefined };
}
