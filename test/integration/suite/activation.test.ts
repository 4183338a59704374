import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { probeLoupe } from '../../../src/core/host/probeLoupe';
import { EXTENSION_ID, listeningPorts, loupe } from './loupeHarness';

describe('extension activation', () => {
  it('activates the Loupe extension', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this extension host`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers the Loupe commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of [
      'loupe.showTraces',
      'loupe.openTrace',
      'loupe.revealSource',
      'loupe.forwardTrace',
      'loupe.copyTraceId',
      'loupe.exportTrace',
      'loupe.deleteTrace',
      'loupe.importOtlp',
      'loupe.clearAll',
      'loupe.startReceiver',
      'loupe.stopReceiver',
      'loupe.filterText',
      'loupe.clearFilter',
    ]) {
      assert.ok(commands.includes(id), `${id} is not registered`);
    }
  });

  it('focuses the Traces view when Show Traces runs', async () => {
    // Fails if the loupe.traces view is not contributed: its focus command would not exist.
    await vscode.commands.executeCommand('loupe.showTraces');
  });

  it('owns the receiver: both ports listen and the HTTP port answers as Loupe', async () => {
    const api = await loupe();
    const { httpPort, grpcPort } = listeningPorts(api);
    assert.ok(grpcPort > 0 && httpPort > 0);
    // The extension's store holds the token; the probe finds it through the file the 401 names.
    const answer = await probeLoupe('127.0.0.1', httpPort);
    const health = answer?.joinable ? answer.health : undefined;
    assert.equal(health?.product, 'loupe');
    assert.equal(health?.grpcPort, grpcPort);
    assert.match(api.status.lastView?.text ?? '', /Loupe/);
    assert.equal(api.status.lastView?.receiverState, 'listening');
  });

  it('stops and starts the receiver from the commands', async () => {
    const api = await loupe();
    const { httpPort } = listeningPorts(api);
    await vscode.commands.executeCommand('loupe.stopReceiver');
    assert.equal(await probeLoupe('127.0.0.1', httpPort, { timeoutMs: 500 }), undefined, 'nothing answers once stopped');
    assert.equal(api.status.lastView?.receiverState, 'stopped');
    await vscode.commands.executeCommand('loupe.startReceiver');
    assert.ok((await probeLoupe('127.0.0.1', listeningPorts(api).httpPort))?.joinable);
  });
});
