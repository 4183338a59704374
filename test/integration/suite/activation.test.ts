import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'loupe-dev.loupe';

describe('extension activation', () => {
  it('activates the Loupe extension', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not installed in this extension host`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers the Loupe: Show Traces command', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('loupe.showTraces'), 'loupe.showTraces is not registered');
  });

  it('focuses the Traces view when Show Traces runs', async () => {
    // Fails if the loupe.traces view is not contributed: its focus command would not exist.
    await vscode.commands.executeCommand('loupe.showTraces');
  });
});
