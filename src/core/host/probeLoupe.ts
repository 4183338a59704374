import { request as httpRequest } from 'node:http';
import type { Health } from '../../model/traceTypes';

const MAX_HEALTH_BYTES = 64 * 1024;

/**
 * Asks whatever listens on `host:port` for `GET /api/health` and returns its health if it is a
 * Loupe. Anything else — nothing listening, another program, a slow or odd answer — is undefined.
 */
export function probeLoupe(host: string, port: number, timeoutMs = 1_000): Promise<Health | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (health: Health | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Also frees the socket after a parse error, which node:http leaves open.
      request.destroy();
      resolve(health);
    };
    const request = httpRequest(
      { host: host.replace(/^\[(.*)\]$/, '$1'), port, path: '/api/health', method: 'GET', agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_HEALTH_BYTES) return done(undefined);
          chunks.push(chunk);
        });
        response.on('end', () => done(response.statusCode === 200 ? parseHealth(Buffer.concat(chunks)) : undefined));
        response.on('error', () => done(undefined));
      },
    );
    const timer = setTimeout(() => done(undefined), timeoutMs);
    request.on('error', () => done(undefined));
    request.end();
  });
}

function parseHealth(body: Buffer): Health | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    return (value as { product?: unknown }).product === 'loupe' ? (value as Health) : undefined;
  } catch {
    return undefined;
  }
}
