import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { Page } from 'playwright-core';
import type { WebviewView } from '../../../src/model/webviewMessages';
import { isWebviewToHostMessage, type HostToWebviewMessage, type WebviewToHostMessage } from '../../../src/model/webviewMessages';
import { HttpLoupe } from '../../../src/core/host/httpLoupe';
import { answerWebviewRequest } from '../../../src/model/webviewRequests';
import { webviewShellHtml } from '../../../src/model/htmlShell';
import type { LoupeAddress } from './loupeServe';

const WEBVIEW_DIST = join(__dirname, '..', '..', '..', 'dist', 'webview');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/**
 * Plays the VS Code side of a trace panel in a plain browser page: serves the shell built by
 * `webviewShellHtml` (nonce CSP, resource URIs), provides `acquireVsCodeApi`, validates every
 * message the webview sends with the protocol's guard, and answers requests with
 * `answerWebviewRequest` over a real Loupe (its REST API) — the same work the extension host does.
 */
export class VsCodeWebviewHarness {
  readonly received: WebviewToHostMessage[] = [];
  readonly rejected: unknown[] = [];
  private server: Server | undefined;
  private origin = '';
  private page: Page | undefined;

  private readonly api: HttpLoupe;

  /** The extension host reads the token from the store; this harness is given it. */
  constructor(loupe: LoupeAddress) {
    this.api = new HttpLoupe(loupe.baseUrl, { token: loupe.token });
  }

  async start(view: WebviewView): Promise<string> {
    this.server = createServer(async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname === '/') {
        const nonce = randomBytes(16).toString('base64');
        const html = webviewShellHtml({
          scriptUri: `${this.origin}/dist/main.js`,
          styleUri: `${this.origin}/dist/main.css`,
          codiconUri: `${this.origin}/dist/codicon.css`,
          cspSource: this.origin,
          nonce,
          view,
        });
        response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
        return;
      }
      const file = normalize(url.pathname.replace(/^\/dist\//, '')).replace(/^(\.\.[/\\])+/, '');
      try {
        const body = await readFile(join(WEBVIEW_DIST, file));
        response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
      } catch {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    this.origin = `http://127.0.0.1:${address.port}`;
    return this.origin;
  }

  /** Installs the VS Code API in the page; state survives reloads as VS Code keeps it for a panel. */
  async attach(page: Page): Promise<void> {
    this.page = page;
    await page.exposeFunction('__loupeToHost', (text: string) => this.receive(JSON.parse(text)));
    await page.addInitScript(`
      window.acquireVsCodeApi = (() => {
        let acquired = false;
        return () => {
          if (acquired) throw new Error('acquireVsCodeApi may only be called once');
          acquired = true;
          return {
            postMessage: (message) => window.__loupeToHost(JSON.stringify(message)),
            getState: () => JSON.parse(sessionStorage.getItem('vscodeState') || 'null'),
            setState: (state) => sessionStorage.setItem('vscodeState', JSON.stringify(state)),
          };
        };
      })();
    `);
  }

  async post(message: HostToWebviewMessage): Promise<void> {
    await this.page!.evaluate((m) => window.postMessage(m, '*'), message as unknown as Record<string, unknown>);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async receive(message: unknown): Promise<void> {
    if (!isWebviewToHostMessage(message)) {
      this.rejected.push(message);
      return;
    }
    this.received.push(message);
    if (message.type !== 'request') return;
    await this.post(await answerWebviewRequest(this.api, message));
  }
}
