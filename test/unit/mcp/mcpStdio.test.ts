import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { readAccessToken } from '../../../src/core/host/accessToken';
import { buildCli } from '../../support/buildWorker';
import { startServe, type ServeProcess } from '../../support/cliProcess';
import { SECRET, sendAgentRuns, type SentRuns } from './agentRuns';
import { LOUPE_TOOL_NAMES, findNewestError } from './mcpClientQuestions';

/** Every file of the store with its size and modification time, to see that nothing was written. */
async function storeSnapshot(dir: string): Promise<string[]> {
  const entries: string[] = [];
  for (const sub of ['', 'traces']) {
    for (const name of await readdir(join(dir, sub))) {
      const info = await stat(join(dir, sub, name));
      if (info.isFile()) entries.push(`${sub}/${name} ${info.size} ${info.mtimeMs}`);
    }
  }
  return entries.sort();
}

describe('loupe serve prints the MCP address; loupe mcp serves MCP on stdio', function () {
  this.timeout(60_000);
  let store: string;
  let serve: ServeProcess | undefined;
  let runs: SentRuns;

  before(async () => {
    store = await mkdtemp(join(tmpdir(), 'loupe-mcp-cli-'));
    serve = await startServe(['--store', store, '--grpc-port', '0', '--http-port', '0']);
    runs = await sendAgentRuns(serve.httpPort);
  });

  after(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    await rm(store, { recursive: true, force: true });
  });

  async function stdioClient(storeDir = store): Promise<{ client: Client; stderr: () => string }> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [await buildCli(), 'mcp', '--http-port', String(serve!.httpPort), '--store', storeDir],
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk) => (stderr += chunk));
    const client = new Client({ name: 'stdio-test', version: '1' });
    await client.connect(transport);
    return { client, stderr: () => stderr };
  }

  it('prints one line with the whole MCP address, token included, and that address works', async () => {
    const token = await readAccessToken(store);
    const lines = serve!
      .output()
      .split('\n')
      .filter((line) => line.includes('/mcp'));
    assert.deepEqual(lines, [`MCP server (streamable HTTP) on http://127.0.0.1:${serve!.httpPort}/mcp?token=${token}`]);
    const client = new Client({ name: 'http-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(lines[0].split(' on ')[1])));
    try {
      const found = await findNewestError(client);
      assert.equal(found.spanId, runs.erroredSpanId);
    } finally {
      await client.close();
    }
  });

  it('reads a running Loupe over its REST API', async () => {
    const { client, stderr } = await stdioClient();
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), LOUPE_TOOL_NAMES);
      const seen: string[] = [];
      const found = await findNewestError(client, seen);
      assert.equal(found.traceId, runs.newestTraceId);
      assert.equal(found.spanId, runs.erroredSpanId);
      assert.equal(found.sourceLocation.filePath, '/home/dev/agent/tools/weather.py');
      assert.equal(found.sourceLocation.line, 42);
      assert.ok(seen.every((text) => !text.includes(SECRET)));
      assert.match(stderr(), /reading the Loupe .* running on 127\.0\.0\.1:\d+/);
    } finally {
      await client.close();
    }
  });

  it('reads a running Loupe with another store, through the token file it names and proves it holds', async () => {
    // As the VS Code extension starts it when the port belongs to a `loupe serve`: with its own store.
    const other = await mkdtemp(join(tmpdir(), 'loupe-mcp-other-'));
    try {
      const { client, stderr } = await stdioClient(other);
      try {
        const found = await findNewestError(client);
        assert.equal(found.spanId, runs.erroredSpanId);
        assert.match(stderr(), /running on 127\.0\.0\.1:\d+/);
      } finally {
        await client.close();
      }
      assert.deepEqual(await readdir(other), [], 'loupe mcp writes nothing, no token either');
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('opens the store read-only when no Loupe runs, and changes nothing in it', async () => {
    serve!.child.kill('SIGTERM');
    assert.equal(await serve!.exited, 0);
    const before = await storeSnapshot(store);
    const { client, stderr } = await stdioClient();
    try {
      const found = await findNewestError(client);
      assert.equal(found.traceId, runs.newestTraceId);
      assert.equal(found.spanId, runs.erroredSpanId);
      assert.equal(found.exception.message, 'City not found: Atlantis');
      assert.equal(found.sourceLocation.line, 42);
      assert.match(stderr(), /read-only/);
    } finally {
      await client.close();
    }
    assert.deepEqual(await storeSnapshot(store), before);
  });
});
