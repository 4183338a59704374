import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { LoupeApi } from '../../model/api';
import { compareTracesTool } from './compareTool';
import { getErrorsTool, getSpanTool, getTraceTopologyTool, searchSpansTool } from './spanTools';
import { ToolAnswerError, type ToolDefinition } from './toolDefinition';
import { getCostsTool, listSessionsTool, listTracesTool } from './traceListTools';

export const LOUPE_MCP_TOOLS: readonly ToolDefinition[] = [
  listTracesTool,
  listSessionsTool,
  getTraceTopologyTool,
  getSpanTool,
  searchSpansTool,
  getErrorsTool,
  compareTracesTool,
  getCostsTool,
];

const INSTRUCTIONS =
  'Loupe keeps the OpenTelemetry traces of LLM-agent runs made on this machine. Start with list_traces (newest first) or get_errors; ' +
  'read a run with get_trace_topology (compact, paged) and a span with get_span. Ids are hexadecimal: traces 32 characters, spans 16. ' +
  'Credentials were masked as [redacted] when the spans arrived.';

/** Runs one tool: its answer as JSON text, or a tool error the model can read and act on. */
export async function callLoupeTool(api: LoupeApi, tool: ToolDefinition, args: unknown): Promise<CallToolResult> {
  try {
    const answer = await tool.run(api, args as never);
    return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
  } catch (error) {
    const message =
      error instanceof ToolAnswerError
        ? error.message
        : `Loupe could not answer: ${error instanceof Error ? error.message : String(error)}`;
    return { content: [{ type: 'text', text: message }], isError: true };
  }
}

/** An MCP server whose tools read traces through `api` (the engine itself, or another Loupe over HTTP). */
export function createLoupeMcpServer(api: LoupeApi, version: string): McpServer {
  const server = new McpServer({ name: 'loupe', title: 'Loupe', version }, { instructions: INSTRUCTIONS, capabilities: { tools: {} } });
  for (const tool of LOUPE_MCP_TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        annotations: { readOnlyHint: true, openWorldHint: false },
      },
      (args: unknown) => callLoupeTool(api, tool, args),
    );
  }
  return server;
}
