import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

const ROOT = join(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

/** Where a Loupe answers and the token its REST API, stream, metrics and MCP require. */
export interface LoupeAddress {
  baseUrl: string;
  token: string;
}

export interface LoupeServe extends LoupeAddress {
  /** The UI address `loupe serve` printed (`/?token=…`): opening it sets the token cookie. */
  uiUrl: string;
  httpPort: number;
  grpcPort: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs the built `loupe serve` (dist/cli.js, which serves dist/webview) on free ports with a
 * temporary store, and waits for its listener lines.
 */
export async function startLoupeServe(
  options: { httpPort?: number; store?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<LoupeServe> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing; run "node esbuild.mjs" first (npm run test:browser does).`);
  const timeoutMs = options.timeoutMs ?? 30_000;
  // A store given by the caller outlives this process (a restart test); a fresh one is removed on stop.
  const store = options.store ?? mkdtempSync(join(tmpdir(), 'loupe-browser-store-'));
  const args = ['serve', '--grpc-port', '0', '--http-port', String(options.httpPort ?? 0), '--store', store];
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ports = await new Promise<{ grpc: number; http: number; uiUrl: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`loupe serve did not start in time:\n${out}`)), timeoutMs);
    const check = () => {
      const grpc = /OTLP\/gRPC listening on \S+:(\d+)/.exec(out);
      const http = /OTLP\/HTTP listening on http:\/\/\S+:(\d+)\//.exec(out);
      const ui = /UI and REST API on (\S+\?token=([\w-]+))/.exec(out);
      if (grpc && http && ui) {
        clearTimeout(timer);
        resolve({ grpc: Number(grpc[1]), http: Number(http[1]), uiUrl: ui[1], token: ui[2] });
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`loupe serve exited early:\n${out}`));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${ports.http}`,
    token: ports.token,
    uiUrl: ports.uiUrl,
    httpPort: ports.http,
    grpcPort: ports.grpc,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.store) rmSync(store, { recursive: true, force: true });
    },
  };
}

/** `fetch` of a path of this Loupe with its token as `Authorization: Bearer`. */
export function fetchWithToken(loupe: LoupeAddress, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${loupe.baseUrl}${path}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${loupe.token}` },
  });
}

export async function getJson<T>(loupe: LoupeAddress, path: string): Promise<T> {
  const response = await fetchWithToken(loupe, path);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function postJson(loupe: LoupeAddress, path: string, body: unknown): Promise<unknown> {
  const response = await fetchWithToken(loupe, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * Opens the address `loupe serve` printed, as a user does: its token becomes this browser's cookie
 * for that port, and the page lands on the address without it.
 */
export async function openPrintedAddress(context: BrowserContext, serve: LoupeServe): Promise<void> {
  const page = await context.newPage();
  try {
    await page.goto(serve.uiUrl);
    if (page.url() !== `${serve.baseUrl}/`) throw new Error(`the printed address led to ${page.url()}, not ${serve.baseUrl}/`);
  } finally {
    await page.close();
  }
}
