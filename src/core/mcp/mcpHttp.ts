import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { LoupeApi } from '../../model/api';
import { RequestAbortedError, RequestBodyError, readRequestBody } from '../receiver/requestBody';
import { createLoupeMcpServer } from './loupeMcpServer';

/** A JSON-RPC request to a tool is small; anything bigger is not an MCP client talking. */
const MAX_MCP_REQUEST_BYTES = 1024 * 1024;

export interface McpHttpOptions {
  api: LoupeApi;
  version: string;
}

/**
 * The streamable-HTTP MCP endpoint (`/mcp`), stateless: every POST gets its own server and
 * transport, so nothing is kept between requests and no session can be taken over. The caller
 * has already checked the Host header and the access token; this checks the origin and the body size.
 */
export async function handleMcpRequest(request: IncomingMessage, response: ServerResponse, options: McpHttpOptions): Promise<void> {
  // A browser page never talks MCP to Loupe: a request with a foreign Origin is refused outright.
  if (request.headers.origin !== undefined && !isSameOriginAsHost(request.headers.origin, request.headers.host)) {
    return sendError(response, 403, "Web pages may not use Loupe's MCP server.");
  }
  if (request.method !== 'POST') {
    return sendError(response, 405, 'This MCP server is stateless: send JSON-RPC with POST.', { Allow: 'POST' });
  }
  let body: unknown;
  try {
    const bytes = await readRequestBody(request, MAX_MCP_REQUEST_BYTES);
    body = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    if (error instanceof RequestAbortedError) return void response.destroy();
    if (error instanceof RequestBodyError) return sendError(response, error.status, error.message);
    return sendRpcError(response, -32700, 'Parse error: the body is not JSON.');
  }
  const server = createLoupeMcpServer(options.api, options.version);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  response.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(request, response, body);
}

function isSameOriginAsHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

function sendError(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: message });
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(status >= 400 && status !== 405 ? { Connection: 'close' } : {}),
  });
  response.end(body);
}

function sendRpcError(response: ServerResponse, code: number, message: string): void {
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  response.writeHead(400, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
  });
  response.end(body);
}
