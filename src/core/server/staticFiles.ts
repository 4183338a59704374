import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

/** The UI may load only its own scripts, styles, images and fonts, and talk only to this server. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Loupe</title></head>
<body>
<h1>Loupe is running</h1>
<p>The trace view is not installed in this build. The receiver and the REST API are working:</p>
<ul>
<li><a href="/api/health">/api/health</a></li>
<li><a href="/api/traces">/api/traces</a></li>
</ul>
</body>
</html>
`;

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Serves the web UI from `root` (`/` is `index.html`). Paths are decoded once and any `..`, `\`
 * or NUL is refused before touching the disk; the resolved real path must stay under `root`, so
 * neither encoded traversal nor a symlink leads out. Without a UI bundle, `/` gets a placeholder.
 */
export async function serveStatic(
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  root: string | undefined,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return sendText(response, request, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
  }
  const relative = safeRelativePath(pathname);
  if (relative === undefined) return sendText(response, request, 400, 'Bad path.');
  const wantsIndex = relative === 'index.html';

  const file = root === undefined ? undefined : await findFile(root, relative);
  if (file === undefined) {
    if (wantsIndex) return sendPlaceholder(request, response);
    return sendText(response, request, 404, 'Not found.');
  }

  response.writeHead(200, {
    ...securityHeaders(),
    'Content-Type': contentTypeFor(file.path),
    'Content-Length': String(file.size),
    'Cache-Control': 'no-cache',
  });
  if (request.method === 'HEAD') return void response.end();
  await new Promise<void>((done) => {
    const stream = createReadStream(file.path);
    stream.on('error', () => {
      response.destroy();
      done();
    });
    response.on('close', () => {
      stream.destroy();
      done();
    });
    stream.pipe(response);
  });
}

/** A URL path as a path relative to the UI folder, or undefined when it could lead elsewhere. */
export function safeRelativePath(pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.slice(1).split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) return undefined;
  if (segments.slice(0, -1).some((segment) => segment === '')) return undefined;
  const relative = segments.join('/');
  return relative === '' ? 'index.html' : relative;
}

async function findFile(root: string, relative: string): Promise<{ path: string; size: number } | undefined> {
  try {
    const realRoot = await realpath(resolve(root));
    const candidate = resolve(realRoot, relative);
    if (!candidate.startsWith(realRoot + sep)) return undefined;
    const realFile = await realpath(candidate);
    if (!realFile.startsWith(realRoot + sep)) return undefined;
    const info = await stat(realFile);
    return info.isFile() ? { path: realFile, size: info.size } : undefined;
  } catch {
    return undefined;
  }
}

function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function sendPlaceholder(request: IncomingMessage, response: ServerResponse): void {
  const body = Buffer.from(PLACEHOLDER_PAGE);
  response.writeHead(200, {
    ...securityHeaders(),
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-cache',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function sendText(
  response: ServerResponse,
  request: IncomingMessage,
  status: number,
  text: string,
  extra: Record<string, string> = {},
): void {
  const body = Buffer.from(text + '\n');
  response.writeHead(status, {
    ...securityHeaders(),
    ...extra,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(body.length),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
