import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:net';
import { checkReachable, endpointAddress } from '../../../src/vscode/forward/targetReachable';

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.end());
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('forward target reachability', () => {
  it('reads host and port from an endpoint, with the scheme’s port by default', () => {
    assert.deepEqual(endpointAddress('http://localhost:14317'), { host: 'localhost', port: 14317 });
    assert.deepEqual(endpointAddress('https://tempo.example/v1/traces'), { host: 'tempo.example', port: 443 });
    assert.deepEqual(endpointAddress('http://[::1]:9411/api/v2/spans'), { host: '::1', port: 9411 });
    assert.equal(endpointAddress('localhost:4317'), undefined);
    assert.equal(endpointAddress('not a url'), undefined);
  });

  it('finds a listening target reachable', async () => {
    const { server, port } = await listen();
    try {
      assert.deepEqual(await checkReachable(`http://127.0.0.1:${port}`), { reachable: true });
    } finally {
      server.close();
    }
  });

  it('says why a target that is down cannot be reached, quickly', async () => {
    const { server, port } = await listen();
    await new Promise((resolve) => server.close(resolve));
    const started = Date.now();
    const result = await checkReachable(`http://127.0.0.1:${port}/v1/traces`);
    assert.equal(result.reachable, false);
    assert.match(
      (result as { detail: string }).detail,
      new RegExp(`127\\.0\\.0\\.1:${port}: connection refused; nothing is listening there`),
    );
    assert.ok(Date.now() - started < 1000);
  });

  it('refuses an endpoint that is not a URL without connecting', async () => {
    assert.deepEqual(await checkReachable('localhost:4317'), {
      reachable: false,
      detail: '"localhost:4317" is not an http:// or https:// URL',
    });
  });
});
