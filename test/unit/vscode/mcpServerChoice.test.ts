import { strict as assert } from 'node:assert';
import { chooseMcpServer, mcpConfigurationText, type McpChoiceInput } from '../../../src/vscode/model/mcpServerChoice';

const base: McpChoiceInput = {
  endpoint: { host: '127.0.0.1', httpPort: 4318, grpcPort: 4317 },
  servesOurStore: true,
  token: 'T'.repeat(43),
  nodePath: '/usr/bin/node',
  cliPath: '/ext/dist/cli.js',
  storeDir: '/home/me/.config/Code/User/globalStorage/loupe-dev.loupe',
  configuredHost: '127.0.0.1',
  configuredHttpPort: 4318,
};

describe('which MCP server the editor and other agents are given', () => {
  it('gives the streamable HTTP address with the token when the Loupe serving this window keeps its store here', () => {
    assert.deepEqual(chooseMcpServer(base), {
      kind: 'http',
      url: `http://127.0.0.1:4318/mcp?token=${'T'.repeat(43)}`,
      address: 'http://127.0.0.1:4318/mcp',
      token: 'T'.repeat(43),
    });
  });

  it('reaches a wildcard listener through loopback', () => {
    const server = chooseMcpServer({ ...base, endpoint: { host: '0.0.0.0', httpPort: 9000, grpcPort: null } });
    assert.deepEqual(server, {
      kind: 'http',
      url: `http://127.0.0.1:9000/mcp?token=${'T'.repeat(43)}`,
      address: 'http://127.0.0.1:9000/mcp',
      token: 'T'.repeat(43),
    });
  });

  it('falls back to loupe mcp on stdio for a Loupe with another store, or when nothing listens', () => {
    const foreign = chooseMcpServer({ ...base, servesOurStore: false, endpoint: { host: '127.0.0.1', httpPort: 5000, grpcPort: null } });
    assert.equal(foreign.kind, 'stdio');
    if (foreign.kind === 'stdio') {
      assert.deepEqual(foreign.args, ['/ext/dist/cli.js', 'mcp', '--host', '127.0.0.1', '--http-port', '5000', '--store', base.storeDir]);
      assert.equal(foreign.env.ELECTRON_RUN_AS_NODE, '1');
    }
    const none = chooseMcpServer({ ...base, endpoint: undefined });
    assert.equal(none.kind, 'stdio');
    if (none.kind === 'stdio') assert.deepEqual(none.args.slice(4, 6), ['--http-port', '4318']);
  });

  it('writes the configuration in the shapes MCP clients read', () => {
    const server = chooseMcpServer(base);
    assert.deepEqual(JSON.parse(mcpConfigurationText(server, 'vscode')), {
      servers: { loupe: { type: 'http', url: (server as { url: string }).url } },
    });
    assert.deepEqual(Object.keys(JSON.parse(mcpConfigurationText(server, 'mcpServers'))), ['mcpServers']);
    assert.equal(mcpConfigurationText(server, 'address'), (server as { url: string }).url);
    const stdio = chooseMcpServer({ ...base, endpoint: undefined, storeDir: "/home/o'neil/store" });
    assert.equal(
      mcpConfigurationText(stdio, 'address'),
      "/usr/bin/node /ext/dist/cli.js mcp --host 127.0.0.1 --http-port 4318 --store '/home/o'\\''neil/store'",
    );
  });
});
