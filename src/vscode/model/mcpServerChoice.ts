import { mcpUrl } from '../../model/mcpAddress';
import type { LoupeEndpoint } from './endpointEnv';

/** How a coding agent reaches Loupe's MCP server. */
export type LoupeMcpServer =
  /** `url` carries the token (for clients configured by pasting); `address` does not, for a client that sends it as a header. */
  | { kind: 'http'; url: string; address: string; token: string }
  /** `loupe mcp` on stdio, reading the Loupe at host:port over its REST API (or the store when none runs). */
  | { kind: 'stdio'; command: string; args: string[]; env: Record<string, string> };

export interface McpChoiceInput {
  /** Where the Loupe that feeds this window listens, if one does. */
  endpoint: LoupeEndpoint | undefined;
  /** True when that Loupe keeps its traces in this window's store folder (so its access token is ours). */
  servesOurStore: boolean;
  /** The access token in this window's store folder. */
  token: string | undefined;
  /** The Node runtime to start `loupe mcp` with, and the bundled CLI. */
  nodePath: string;
  cliPath: string;
  storeDir: string;
  configuredHost: string;
  configuredHttpPort: number;
}

/**
 * Streamable HTTP when the token of the serving Loupe is known (it runs on this window's store);
 * otherwise (a `loupe serve` with its own store, or no receiver) `loupe mcp` on stdio, which finds
 * a running Loupe itself or reads the store.
 */
export function chooseMcpServer(input: McpChoiceInput): LoupeMcpServer {
  if (input.endpoint && input.servesOurStore && input.token) {
    const url = mcpUrl(input.endpoint.host, input.endpoint.httpPort, input.token);
    return { kind: 'http', url, address: url.slice(0, url.indexOf('?')), token: input.token };
  }
  const host = input.endpoint?.host ?? input.configuredHost;
  const port = input.endpoint?.httpPort ?? (input.configuredHttpPort || 4318);
  return {
    kind: 'stdio',
    command: input.nodePath,
    args: [input.cliPath, 'mcp', '--host', host, '--http-port', String(port), '--store', input.storeDir],
    // The editor's own executable runs as plain Node with this (it is ignored by Node itself).
    env: { ELECTRON_RUN_AS_NODE: '1' },
  };
}

export type McpConfigFlavour = 'vscode' | 'mcpServers' | 'address';

/**
 * Configuration to paste into another MCP client: VS Code's `mcp.json` (`servers`), the
 * `mcpServers` form Claude Code, Cursor and most other clients read, or the bare address.
 */
export function mcpConfigurationText(server: LoupeMcpServer, flavour: McpConfigFlavour): string {
  if (flavour === 'address') return server.kind === 'http' ? server.url : [server.command, ...server.args].map(shellWord).join(' ');
  const entry =
    server.kind === 'http'
      ? { type: 'http', url: server.url }
      : { type: 'stdio', command: server.command, args: server.args, env: server.env };
  const key = flavour === 'vscode' ? 'servers' : 'mcpServers';
  return JSON.stringify({ [key]: { loupe: entry } }, null, 2);
}

function shellWord(word: string): string {
  return /^[\w./:=@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
