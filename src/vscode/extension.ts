import * as vscode from 'vscode';
import { TracesTreeProvider } from './tracesTreeProvider';

export function activate(context: vscode.ExtensionContext): void {
  const tracesTree = new TracesTreeProvider();
  context.subscriptions.push(
    tracesTree,
    vscode.window.createTreeView('loupe.traces', { treeDataProvider: tracesTree }),
    vscode.commands.registerCommand('loupe.showTraces', () =>
      vscode.commands.executeCommand('loupe.traces.focus'),
    ),
  );
}

export function deactivate(): void {}
