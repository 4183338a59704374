import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { LoupeApi } from '../model/api';
import { HttpLoupe } from '../core/host/httpLoupe';
import { TraceEngine } from '../core/engine/traceEngine';
import { createLoupeMcpServer } from '../core/mcp/loupeMcpServer';
import { probeLoupe } from '../core/host/probeLoupe';
import { readAccessToken } from '../core/host/accessToken';
import { ReadOnlyStore } from '../core/store/readOnlyStore';
import type { McpOptions } from './serveArgs';

/** Every stored trace is readable; the read-only store never evicts what it loaded. */
const READ_ONLY_MAX_TRACES = 100_000;

/** The traces `loupe mcp` answers from: a running Loupe, or else the store folder as it is on disk. */
async function openTraceSource(options: McpOptions): Promise<{ api: LoupeApi; describe: string; close: () => Promise<void> }> {
  // Read only: this never writes the store, so it never creates a token either.
  const found = await probeLoupe(options.host, options.httpPort, { tokens: [await readAccessToken(options.storeDir)] });
  const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  if (found?.joinable) {
    return {
      api: new HttpLoupe(`http://${host}:${options.httpPort}`, { token: found.token }),
      describe: `the Loupe ${found.health.version} running on ${host}:${options.httpPort}`,
      close: async () => {},
    };
  }
  if (found) {
    console.error(
      `Warning: a Loupe answers on ${host}:${options.httpPort}, but its access token${found.tokenFile ? ` (${found.tokenFile})` : ''} ` +
        `is not readable here and not the one in ${options.storeDir}; reading that store instead.`,
    );
  }
  const engine = await TraceEngine.open({
    persistence: new ReadOnlyStore(options.storeDir),
    maxTraces: READ_ONLY_MAX_TRACES,
    maxBytes: Number.MAX_SAFE_INTEGER,
  });
  for (const problem of engine.loadProblems) console.error(`Warning: ${problem}`);
  return {
    api: engine,
    describe: `the store ${options.storeDir} (read-only; no Loupe ${found ? 'this can read' : 'answers'} on ${options.host}:${options.httpPort})`,
    close: async () => void (await engine.close()),
  };
}

/** `loupe mcp`: an MCP server on stdin/stdout. Only MCP goes to stdout; what it says goes to stderr. */
export async function runMcpStdio(options: McpOptions, version: string): Promise<number> {
  const source = await openTraceSource(options);
  const server = createLoupeMcpServer(source.api, version);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.connect(new StdioServerTransport());
  console.error(`Loupe MCP server on stdio, reading ${source.describe}.`);
  await closed;
  await server.close().catch(() => {});
  await source.close();
  return 0;
}
