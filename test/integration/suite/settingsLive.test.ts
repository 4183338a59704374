import * as assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as vscode from 'vscode';
import { probeLoupe } from '../../../src/core/host/probeLoupe';
import type { LoupeExtensionApi } from '../../../src/vscode/extension';
import { agentProvider, listeningPorts, loupe, sendRun, traceInTree, waitFor } from './loupeHarness';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

describe('settings applied while running', () => {
  let api: LoupeExtensionApi;

  before(async () => (api = await loupe()));

  after(async () => {
    const config = vscode.workspace.getConfiguration('loupe');
    await config.update('receiver.httpPort', 0, vscode.ConfigurationTarget.Workspace);
    await config.update('pricing', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(
      () => (api.connection.state.role === 'owner' && api.connection.state.receiver.http.state === 'listening') || undefined,
      'the receiver back on a free port',
    );
    await api.connection.clear();
  });

  it('a new HTTP port restarts the engine on it, keeping the stored traces', async () => {
    const provider = agentProvider(api, 'http');
    const run = await sendRun(provider, 'invoke_agent weather (before the port change)');
    await traceInTree(api, run.traceId, 3);
    await provider.shutdown();
    const port = await freePort();
    await vscode.workspace.getConfiguration('loupe').update('receiver.httpPort', port, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.connection.endpoint()?.httpPort === port, `the receiver on port ${port}`);
    const answer = await probeLoupe('127.0.0.1', port);
    assert.equal(answer?.joinable && answer.health.httpPort, port);
    assert.equal((await api.connection.getTrace(run.traceId))?.spans.length, 3, 'the store survived the restart');
    assert.equal(listeningPorts(api).httpPort, port);
  });

  it('prices from loupe.pricing apply to spans that arrive afterwards, without a restart', async () => {
    const before = api.connection.endpoint()?.httpPort;
    await vscode.workspace
      .getConfiguration('loupe')
      .update('pricing', [{ model: 'gpt-4o-mini', inputPerMTok: 1000, outputPerMTok: 2000 }], vscode.ConfigurationTarget.Global);
    await waitFor(() => api.settings.settings.pricing.length === 1, 'the new prices');
    const provider = agentProvider(api, 'http');
    const run = await sendRun(provider, 'invoke_agent weather (priced)');
    await provider.shutdown();
    await traceInTree(api, run.traceId, 3);
    const llm = (await api.connection.getTrace(run.traceId))!.spans.find((s) => s.spanId === run.llmSpanId)!;
    assert.equal(llm.costSource, 'override');
    assert.ok(Math.abs((llm.costUsd ?? 0) - (420 * 1000 + 37 * 2000) / 1e6) < 1e-9, `cost ${llm.costUsd}`);
    assert.equal(api.connection.endpoint()?.httpPort, before, 'prices apply live: the receiver kept its port');
  });
});
