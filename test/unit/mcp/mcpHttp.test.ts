import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { readAccessToken } from '../../../src/core/host/accessToken';
import { LoupeRuntime } from '../../../src/core/host/loupeRuntime';
import { send } from '../receiver/httpClient';
import { SECRET, sendAgentRuns, type SentRuns } from './agentRuns';
import { LOUPE_TOOL_NAMES, ask, findNewestError } from './mcpClientQuestions';

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } },
});
const MCP_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

describe('MCP server over streamable HTTP at /mcp', () => {
  let storeDir: string;
  let runtime: LoupeRuntime;
  let port: number;
  let token: string;
  let runs: SentRuns;

  before(async () => {
    storeDir = await mkdtemp(join(tmpdir(), 'loupe-mcp-'));
    runtime = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, storeDir, version: '9.9.9' });
    const status = await runtime.startReceivers();
    port = status.http.state === 'listening' ? status.http.port : 0;
    token = (await readAccessToken(storeDir))!;
    runs = await sendAgentRuns(port);
  });

  after(async () => {
    await runtime.close();
    await rm(storeDir, { recursive: true, force: true });
  });

  async function connect(): Promise<Client> {
    const client = new Client({ name: 'loupe-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp?token=${token}`)));
    return client;
  }

  it('lists its tools, each with a JSON schema for its input', async () => {
    const client = await connect();
    try {
      assert.equal(client.getServerVersion()?.name, 'loupe');
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), LOUPE_TOOL_NAMES);
      for (const tool of tools) {
        assert.equal(tool.inputSchema.type, 'object', tool.name);
        assert.ok(tool.description && tool.description.length > 40, tool.name);
        assert.equal(tool.annotations?.readOnlyHint, true);
      }
      const topology = tools.find((t) => t.name === 'get_trace_topology')!;
      assert.deepEqual(topology.inputSchema.required, ['traceId']);
    } finally {
      await client.close();
    }
  });

  it('answers "the errored span of the newest trace and its source location" from tool results alone', async () => {
    const client = await connect();
    const seen: string[] = [];
    try {
      const found = await findNewestError(client, seen);
      assert.equal(found.traceId, runs.newestTraceId);
      assert.equal(found.spanId, runs.erroredSpanId);
      assert.equal(found.exception.type, 'LookupError');
      assert.equal(found.exception.message, 'City not found: Atlantis');
      assert.equal(found.sourceLocation.filePath, '/home/dev/agent/tools/weather.py');
      assert.equal(found.sourceLocation.line, 42);
      assert.equal(found.sourceLocation.function, 'get_weather');

      // The other tools answer about the same run, and none of them lets the credential through.
      const topology = await ask(client, 'get_trace_topology', { traceId: runs.newestTraceId }, seen);
      assert.equal(topology.spanCount, 3);
      assert.deepEqual(topology.columns, ['id', 'parent', 'name', 'kind', 'durationMs', 'status', 'tokens', 'costUsd']);
      const errored = topology.spans.find((row: unknown[]) => row[0] === runs.erroredSpanId);
      assert.deepEqual(errored.slice(2, 6), ['execute_tool get_weather', 'tool', 40, 'error']);
      const call = topology.spans.find((row: unknown[]) => row[2] === 'chat gpt-4o');
      const span = await ask(client, 'get_span', { traceId: runs.newestTraceId, spanId: call[0] }, seen);
      assert.equal(span.model, 'gpt-4o');
      assert.equal(span.tokens.input, 120);
      assert.equal(span.attributes['llm.api_key'], '[redacted]');
      const search = await ask(client, 'search_spans', { text: 'city not found' }, seen);
      assert.deepEqual(
        search.spans.map((s: { spanId: string }) => s.spanId),
        [runs.erroredSpanId],
      );
      const slow = await ask(client, 'search_spans', { kind: 'llm', minDurationMs: 100 }, seen);
      assert.equal(slow.spans.length, 2);
      assert.ok(slow.spans[0].durationMs >= slow.spans[1].durationMs);
      const costs = await ask(client, 'get_costs', {}, seen);
      assert.equal(costs.traces, 2);
      assert.equal(costs.tokens.input, 120);
      const compared = await ask(client, 'compare_traces', { traceIdA: runs.olderTraceId, traceIdB: runs.newestTraceId }, seen);
      assert.equal(compared.A.traceId, runs.olderTraceId);
      assert.equal(compared.B.traceId, runs.newestTraceId);
      const added = compared.differingRows.find((row: { name: string }) => row.name === 'execute_tool get_weather');
      assert.equal(added.status, 'added');
      assert.equal(added.spanIdB, runs.erroredSpanId);
      const sessions = await ask(client, 'list_sessions', {}, seen);
      assert.deepEqual(sessions.sessions, []);
      assert.ok(
        seen.every((text) => !text.includes(SECRET)),
        'a redacted value reached an answer',
      );
    } finally {
      await client.close();
    }
  });

  it('answers a bad id or an unknown trace with a tool error the model can read', async () => {
    const client = await connect();
    try {
      const bad = await client.callTool({ name: 'get_span', arguments: { traceId: 'nope', spanId: 'x' } });
      assert.equal(bad.isError, true);
      assert.match((bad.content as { text: string }[])[0].text, /not a trace id/);
      const unknown = await client.callTool({ name: 'get_errors', arguments: { traceId: 'ab'.repeat(16) } });
      assert.equal(unknown.isError, true);
      assert.match((unknown.content as { text: string }[])[0].text, /No trace/);
    } finally {
      await client.close();
    }
  });

  it('takes the token as a Bearer header, as the editor registers the server, and as a cookie', async () => {
    const client = new Client({ name: 'loupe-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    try {
      assert.equal(client.getServerVersion()?.name, 'loupe');
    } finally {
      await client.close();
    }
    const cookie = await send({
      port,
      method: 'POST',
      path: '/mcp',
      headers: { ...MCP_HEADERS, Cookie: `loupe_token_${port}=${token}` },
      body: INITIALIZE,
    });
    assert.equal(cookie.status, 200, cookie.text);
    const refused = await send({
      port,
      method: 'POST',
      path: '/mcp',
      headers: { ...MCP_HEADERS, Authorization: `Bearer ${token.slice(0, -1)}x` },
      body: INITIALIZE,
    });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers['www-authenticate'], 'Bearer realm="loupe"');
  });

  it('refuses a request without the token, with a wrong token, or with a foreign Host header', async () => {
    const noToken = await send({ port, method: 'POST', path: '/mcp', headers: MCP_HEADERS, body: INITIALIZE });
    assert.equal(noToken.status, 401);
    assert.doesNotMatch(noToken.text, /jsonrpc/);
    const wrong = await send({ port, method: 'POST', path: `/mcp?token=${token.slice(0, -1)}x`, headers: MCP_HEADERS, body: INITIALIZE });
    assert.equal(wrong.status, 401);
    const foreignHost = await send({
      port,
      method: 'POST',
      path: `/mcp?token=${token}`,
      headers: { ...MCP_HEADERS, Host: 'attacker.example:4318' },
      body: INITIALIZE,
    });
    assert.equal(foreignHost.status, 403);
    const foreignOrigin = await send({
      port,
      method: 'POST',
      path: `/mcp?token=${token}`,
      headers: { ...MCP_HEADERS, Origin: 'http://attacker.example' },
      body: INITIALIZE,
    });
    assert.equal(foreignOrigin.status, 403);
    const good = await send({ port, method: 'POST', path: `/mcp?token=${token}`, headers: MCP_HEADERS, body: INITIALIZE });
    assert.equal(good.status, 200, good.text);
    assert.match(good.text, /"name":"loupe"/);
    const notJson = await send({ port, method: 'POST', path: `/mcp?token=${token}`, headers: MCP_HEADERS, body: '{nope' });
    assert.equal(notJson.status, 400);
  });

  it('keeps its token in the store folder across restarts', async () => {
    await runtime.close();
    runtime = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, storeDir, version: '9.9.9' });
    const status = await runtime.startReceivers();
    port = status.http.state === 'listening' ? status.http.port : 0;
    assert.equal(await readAccessToken(storeDir), token);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const client = await connect();
    try {
      const found = await findNewestError(client);
      assert.equal(found.spanId, runs.erroredSpanId);
    } finally {
      await client.close();
    }
  });
});
