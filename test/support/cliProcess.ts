import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { buildCli } from './buildWorker';

const ROOT = join(__dirname, '..', '..');

export interface ServeProcess {
  child: ChildProcess;
  grpcPort: number;
  httpPort: number;
  /** The access token, from the UI address it printed. */
  token: string;
  /** The UI address it printed (`http://127.0.0.1:PORT/?token=…`). */
  uiUrl: string;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts `loupe serve` (bundled from source) in a child process and waits for its listener lines. */
export async function startServe(args: string[], timeoutMs = 20_000, env: NodeJS.ProcessEnv = process.env): Promise<ServeProcess> {
  const child = spawn(process.execPath, [await buildCli(), 'serve', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`loupe serve did not start in time:\n${out}`));
    }, timeoutMs);
    const check = () => {
      const grpc = /OTLP\/gRPC listening on [^\s]+:(\d+)/.exec(out);
      const http = /OTLP\/HTTP listening on http:\/\/[^\s]+:(\d+)\//.exec(out);
      const ui = /UI and REST API on (\S+\?token=([\w-]+))/.exec(out);
      // The MCP line is printed last: waiting for it means the whole startup report is there.
      if (grpc && http && ui && /MCP server \(streamable HTTP\) on /.test(out)) {
        clearTimeout(timer);
        resolve({ child, grpcPort: Number(grpc[1]), httpPort: Number(http[1]), token: ui[2], uiUrl: ui[1], output: () => out, exited });
      }
    };
    child.stdout!.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`loupe serve exited with ${code}:\n${out}`));
    });
  });
}

/** Runs `loupe` to completion and returns its exit code and output. */
export async function runCli(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [await buildCli(), ...args], { cwd: ROOT });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

/** Headers that carry a Loupe's access token, for its REST API, stream, `/metrics` and `/mcp`. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
