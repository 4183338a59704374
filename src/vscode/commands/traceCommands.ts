import * as vscode from 'vscode';
import { ApiInputError } from '../../model/apiRoutes';
import type { LoupeApi } from '../../model/api';
import type { TracePanels } from '../panels/tracePanels';
import type { SourceNavigator } from '../source/sourceNavigator';
import { inertMessageText } from '../model/markdownText';
import { sourceLocationOf } from '../model/sourcePaths';
import type { TracesTreeProvider } from '../tree/tracesTreeProvider';
import { registerSafeCommand } from './safeCommand';
import { traceTargetOf } from './tracePick';

const MAX_IMPORT_BYTES = 128 * 1024 * 1024;

export interface TraceCommandDeps {
  api: LoupeApi;
  tree: TracesTreeProvider;
  treeView: vscode.TreeView<unknown>;
  panels: TracePanels;
  source: SourceNavigator;
}

/** Open, reveal, copy, export, delete, import and clear: the trace commands of the view and the palette. */
export function registerTraceCommands(deps: TraceCommandDeps): vscode.Disposable[] {
  const { api, tree, panels, source } = deps;
  return [
    registerSafeCommand('loupe.openTrace', 'open the trace', async (arg?: unknown) => {
      const target = await traceTargetOf(arg, tree, 'Trace to open');
      if (!target) return;
      const fromTree = arg !== undefined;
      panels.open(
        { page: 'trace', traceId: target.traceId, ...(target.spanId ? { spanId: target.spanId } : {}) },
        { preserveFocus: fromTree },
      );
    }),
    registerSafeCommand('loupe.showOverview', 'show the breakdown', () => panels.open({ page: 'overview' })),
    registerSafeCommand('loupe.showCosts', 'show the costs', () => panels.open({ page: 'costs' })),
    registerSafeCommand('loupe.showSessions', 'show the sessions', () => panels.open({ page: 'sessions' })),
    registerSafeCommand('loupe.revealSource', 'reveal the source', async (arg?: unknown) => {
      const target = await traceTargetOf(arg, tree, 'Trace whose source to reveal');
      if (!target) return;
      await tree.ensureSpans(target.traceId);
      const span = target.spanId ? tree.model.span(target.traceId, target.spanId) : tree.model.rootSpan(target.traceId);
      if (!span)
        throw new Error(target.spanId ? 'the span is no longer stored.' : 'this trace has several root spans; choose one of them.');
      const location = sourceLocationOf(span);
      if (!location) {
        void vscode.window.showWarningMessage(
          inertMessageText(`Span "${span.name}" carries no source location (no code.* attributes and no stack trace with your code).`),
        );
        return;
      }
      await source.reveal(location, span.name);
    }),
    registerSafeCommand('loupe.copyTraceId', 'copy the trace id', async (arg?: unknown) => {
      const target = await traceTargetOf(arg, tree, 'Trace whose id to copy');
      if (target) await vscode.env.clipboard.writeText(target.traceId);
    }),
    registerSafeCommand('loupe.exportTrace', 'export the trace', async (arg?: unknown, destination?: unknown) => {
      const target = await traceTargetOf(arg, tree, 'Trace to export as OTLP JSON');
      if (!target) return undefined;
      const request = await api.exportOtlp(target.traceId);
      if (!request) throw new Error('the trace is no longer stored.');
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uri =
        destination instanceof vscode.Uri
          ? destination
          : await vscode.window.showSaveDialog({
              defaultUri: folder ? vscode.Uri.joinPath(folder, `trace-${target.traceId}.otlp.json`) : undefined,
              filters: { 'OTLP JSON': ['json'] },
              saveLabel: 'Export',
            });
      if (!uri) return undefined;
      await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(request, null, 2)));
      void vscode.window.showInformationMessage(`Exported the trace to ${vscode.workspace.asRelativePath(uri)}.`);
      return uri;
    }),
    registerSafeCommand('loupe.deleteTrace', 'delete the trace', async (arg?: unknown) => {
      const target = await traceTargetOf(arg, tree, 'Trace to delete');
      if (target) await api.deleteTrace(target.traceId);
    }),
    registerSafeCommand('loupe.importOtlp', 'import the file', async (arg?: unknown) => {
      const uris =
        arg instanceof vscode.Uri
          ? [arg]
          : await vscode.window.showOpenDialog({ canSelectMany: true, filters: { 'OTLP JSON': ['json'] }, openLabel: 'Import' });
      if (!uris?.length) return;
      const imported: string[] = [];
      for (const uri of uris) imported.push(...(await importFile(api, uri)));
      if (imported.length === 0) throw new Error('the file holds no spans.');
      void vscode.window.showInformationMessage(`Imported ${imported.length === 1 ? 'one trace' : `${imported.length} traces`}.`);
      await tree.reload();
      const first = tree.model.summary(imported[0]);
      if (first && deps.treeView.visible)
        await deps.treeView.reveal(tree.element({ type: 'trace', traceId: first.traceId }), { select: true, focus: false });
      return imported;
    }),
    registerSafeCommand('loupe.clearAll', 'clear the traces', async () => {
      const count = tree.model.allTraces().length;
      const answer = await vscode.window.showWarningMessage(
        `Delete all ${count} stored ${count === 1 ? 'trace' : 'traces'}?`,
        { modal: true, detail: 'Loupe removes them from this window and from its store on disk. This cannot be undone.' },
        'Delete All',
      );
      if (answer === 'Delete All') await api.clear();
    }),
  ];
}

/** Reads an OTLP/JSON export request, with a clear error for anything else. */
async function importFile(api: LoupeApi, uri: vscode.Uri): Promise<string[]> {
  const stat = await vscode.workspace.fs.stat(uri);
  const name = vscode.workspace.asRelativePath(uri);
  if (stat.size > MAX_IMPORT_BYTES) throw new Error(`${name} is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB.`);
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  try {
    // The engine decodes it with the receiver's own JSON decoder: the same checks and limits as spans over HTTP.
    return (await api.importOtlp(text)).traceIds;
  } catch (error) {
    if (!(error instanceof ApiInputError)) throw error;
    throw new Error(`${name} is not an OTLP/JSON trace export: ${error.message}`, { cause: error });
  }
}
