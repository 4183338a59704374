import { deepStrictEqual, match, ok, strictEqual } from 'node:assert';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpServer } from '../../../src/core/host/httpListener';
import { CONTENT_SECURITY_POLICY, safeRelativePath } from '../../../src/core/server/staticFiles';
import { RecordingSink } from '../receiver/recordingSink';
import { send } from '../receiver/httpClient';

describe('safeRelativePath', () => {
  it('maps URL paths into the UI folder', () => {
    strictEqual(safeRelativePath('/'), 'index.html');
    strictEqual(safeRelativePath('/main.js'), 'main.js');
    strictEqual(safeRelativePath('/assets/codicon%20x.ttf'), 'assets/codicon x.ttf');
  });

  it('refuses anything that could leave it', () => {
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/a/%2E%2E/%2E%2E/x',
      '/..\\x',
      '/%5c..%5cx',
      '/a%00.js',
      '/%E0%A4%A',
      '//etc/passwd',
      '/./x',
    ]) {
      strictEqual(safeRelativePath(path), undefined, path);
    }
  });
});

describe('static UI serving', () => {
  let root: string;
  let outside: string;
  let server: HttpServer;
  let port = 0;

  before(async () => {
    const base = await mkdtemp(join(tmpdir(), 'loupe-static-'));
    root = join(base, 'webview');
    outside = join(base, 'secret.txt');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html><title>Loupe UI</title><script src="main.js"></script>');
    await writeFile(join(root, 'main.js'), 'console.log("ui");');
    await writeFile(join(root, 'main.css'), 'body{}');
    await writeFile(join(root, 'assets', 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(join(root, 'assets', 'font.woff2'), Buffer.from([1, 2, 3]));
    await writeFile(join(root, 'data.bin'), Buffer.from([0]));
    await writeFile(outside, 'top secret');
    await symlink(outside, join(root, 'leak.txt'));
    server = new HttpServer({ sink: new RecordingSink(), port: 0, staticDir: root });
    port = await server.start();
  });
  after(async () => {
    await server.stop();
    await rm(join(root, '..'), { recursive: true, force: true });
  });

  it('serves index.html for / with a strict Content-Security-Policy', async () => {
    const reply = await send({ port, path: '/' });
    strictEqual(reply.status, 200);
    strictEqual(reply.headers['content-type'], 'text/html; charset=utf-8');
    match(reply.text, /Loupe UI/);
    strictEqual(reply.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
    ]) {
      ok(CONTENT_SECURITY_POLICY.includes(directive), directive);
    }
    strictEqual(reply.headers['x-content-type-options'], 'nosniff');
  });

  it('serves files with their content types', async () => {
    const expected: Record<string, string> = {
      '/main.js': 'text/javascript; charset=utf-8',
      '/main.css': 'text/css; charset=utf-8',
      '/assets/icon.svg': 'image/svg+xml',
      '/assets/font.woff2': 'font/woff2',
      '/data.bin': 'application/octet-stream',
      '/index.html': 'text/html; charset=utf-8',
    };
    for (const [path, type] of Object.entries(expected)) {
      const reply = await send({ port, path });
      strictEqual(reply.status, 200, path);
      strictEqual(reply.headers['content-type'], type, path);
    }
    strictEqual((await send({ port, path: '/main.js' })).text, 'console.log("ui");');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await send({ port, method: 'HEAD', path: '/main.js' });
    strictEqual(head.status, 200);
    strictEqual(head.headers['content-length'], '18');
    strictEqual(head.body.length, 0);
    const post = await send({ port, method: 'POST', path: '/main.js', body: 'x' });
    strictEqual(post.status, 405);
  });

  it('refuses traversal attempts, raw and encoded', async () => {
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/%2e%2e%2f%2e%2e%2fpackage.json',
      '/assets/../../secret.txt',
      '/..%5csecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
    ]) {
      const reply = await send({ port, path });
      ok(reply.status === 400 || reply.status === 404, `${path}: ${reply.status}`);
      ok(!reply.text.includes('top secret') && !reply.text.includes('"name"'), path);
    }
  });

  it('does not follow a symlink out of the UI folder', async () => {
    const reply = await send({ port, path: '/leak.txt' });
    strictEqual(reply.status, 404);
    ok(!reply.text.includes('top secret'));
  });

  it('answers 404 for missing files and folders', async () => {
    strictEqual((await send({ port, path: '/nope.js' })).status, 404);
    strictEqual((await send({ port, path: '/assets' })).status, 404);
    strictEqual((await send({ port, path: '/assets/' })).status, 404);
  });
});

describe('static UI placeholder', () => {
  for (const [label, staticDir] of [
    ['no UI folder is configured', undefined],
    ['the UI folder does not exist', join(tmpdir(), 'loupe-no-such-folder')],
  ] as const) {
    it(`says Loupe is running when ${label}`, async () => {
      const server = new HttpServer({ sink: new RecordingSink(), port: 0, staticDir });
      const port = await server.start();
      try {
        const reply = await send({ port, path: '/' });
        strictEqual(reply.status, 200);
        match(reply.text, /Loupe is running/);
        deepStrictEqual(
          [...reply.text.matchAll(/href="([^"]+)"/g)].map((m) => m[1]),
          ['/api/health', '/api/traces'],
        );
        strictEqual(reply.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
        strictEqual((await send({ port, path: '/main.js' })).status, 404);
      } finally {
        await server.stop();
      }
    });
  }
});
