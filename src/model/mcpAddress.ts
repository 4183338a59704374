/** The whole streamable-HTTP address of the MCP server, token included. */
export function mcpUrl(host: string, port: number, token: string): string {
  const name = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const reachable = name === '0.0.0.0' || name === '[::]' ? '127.0.0.1' : name;
  return `http://${reachable}:${port}/mcp?token=${encodeURIComponent(token)}`;
}
