import { strict as assert } from 'node:assert';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

export const LOUPE_TOOL_NAMES = [
  'compare_traces',
  'get_costs',
  'get_errors',
  'get_span',
  'get_trace_topology',
  'list_sessions',
  'list_traces',
  'search_spans',
];

/** Calls a tool and parses its JSON answer; every answer text is kept for leak checks. */
export async function ask(client: Client, name: string, args: Record<string, unknown>, seen: string[] = []): Promise<any> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  assert.equal(content[0].type, 'text');
  seen.push(content[0].text);
  assert.ok(!result.isError, `${name} failed: ${content[0].text}`);
  return JSON.parse(content[0].text);
}

/**
 * What a coding agent does for "the errored span of the newest trace and its source location",
 * using only what the tools answer: the newest trace from list_traces, its errors from get_errors.
 */
export async function findNewestError(client: Client, seen: string[] = []) {
  const listed = await ask(client, 'list_traces', { limit: 5 }, seen);
  const newest = listed.traces[0];
  const answer = await ask(client, 'get_errors', { traceId: newest.traceId }, seen);
  assert.equal(answer.errors.length, 1, JSON.stringify(answer));
  const error = answer.errors[0];
  return {
    traceId: newest.traceId as string,
    spanId: error.spanId as string,
    exception: error.exception,
    sourceLocation: error.sourceLocation,
  };
}
