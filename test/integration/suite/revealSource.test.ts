import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import * as vscode from 'vscode';
import type { LoupeExtensionApi } from '../../../src/vscode/extension';
import { agentProvider, loupe, sendRun, traceInTree, waitFor, type SentRun } from './loupeHarness';

describe('Reveal Source', () => {
  let api: LoupeExtensionApi;
  let provider: TracerProvider;
  let run: SentRun;
  let folder: string;

  before(async () => {
    api = await loupe();
    folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    provider = agentProvider(api, 'http');
    run = await sendRun(provider, 'invoke_agent weather (source)');
    await traceInTree(api, run.traceId, 3);
  });

  after(async () => {
    await provider?.shutdown();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.connection.clear();
  });

  it('opens the workspace file whose path suffix matches a path recorded on another machine, at the line', async () => {
    await vscode.commands.executeCommand(
      'loupe.revealSource',
      api.tree.element({ type: 'span', traceId: run.traceId, spanId: run.llmSpanId }),
    );
    const editor = await waitFor(
      () => vscode.window.activeTextEditor?.document.uri.fsPath.endsWith('weather.py') && vscode.window.activeTextEditor,
      'an editor on weather.py',
    );
    assert.equal(
      editor.document.uri.fsPath,
      path.join(folder, 'agent', 'tools', 'weather.py'),
      'the longest suffix wins over other/weather.py',
    );
    assert.equal(editor.selection.active.line, 5, 'line 6, zero-based');
    assert.match(editor.document.lineAt(5).text, /^def get_weather/);
  });

  it('opens a stack frame the trace view sends, and explains what a span carried when nothing matches', async () => {
    const frame = await api.source.reveal({ filePath: 'C:\\agents\\agent\\tools\\weather.py', line: 7, column: 5, source: 'stacktrace' });
    assert.equal(frame.found, 'mapped');
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, 6);
    assert.equal(vscode.window.activeTextEditor?.selection.active.character, 4);
    const missing = await api.source.locate({ filePath: '/srv/app/nowhere/planner.py', line: 3, function: 'plan_trip_zz' });
    assert.equal(missing.found, false);
    assert.match(missing.found === false ? missing.message : '', /points at \/srv\/app\/nowhere\/planner\.py:3 \(function plan_trip_zz\)/);
  });

  it('falls back to a workspace symbol named like the function when no file path matches', async function () {
    // The symbol comes from VS Code's TypeScript support, which needs its project loaded first.
    const planner = vscode.Uri.file(path.join(folder, 'agent', 'planner.ts'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(planner));
    const ready = await waitFor(
      async () =>
        ((await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', 'planTrip')) ?? [])
          .length > 0,
      'a workspace symbol provider that knows planTrip',
      30_000,
    ).catch(() => false);
    if (!ready) this.skip();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const outcome = await api.source.reveal({
      filePath: '/opt/build/dist/planner.js',
      line: 120,
      function: 'Planner.planTrip',
      source: 'stacktrace',
    });
    assert.equal(outcome.found, 'symbol');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, planner.fsPath);
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, 4, 'the line of planTrip');
  });
});
