import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CodeLocation } from '../../model/traceTypes';
import { isRevealablePath } from '../../model/webviewMessages';
import { inertMessageText } from '../model/markdownText';
import { baseName, bestSuffixMatch, bestSymbol, describeMissingSource, symbolNameOf } from '../model/sourcePaths';

const MAX_CANDIDATES = 200;

/** Where a location was found, or why not (for messages and tests). */
export type RevealOutcome = { found: 'file' | 'mapped' | 'symbol'; uri: vscode.Uri; line: number } | { found: false; message: string };

function globEscape(name: string): string {
  return name.replace(/[[\]{}*?!]/g, (c) => `[${c}]`);
}

async function isFile(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) !== 0;
  } catch {
    return false;
  }
}

/**
 * Opens the code a span points at. The path as recorded if it exists here; else the workspace file
 * with the longest matching path suffix (paths from another machine or a container); else a
 * workspace symbol with the function's name; else a message saying what the span carried.
 */
export class SourceNavigator {
  async locate(location: CodeLocation): Promise<RevealOutcome> {
    const filePath = location.filePath;
    const line = location.line && location.line > 0 ? location.line : 1;
    if (filePath && isRevealablePath(filePath)) {
      const direct = await this.direct(filePath);
      if (direct) return { found: 'file', uri: direct, line };
      const mapped = await this.mapped(filePath);
      if (mapped) return { found: 'mapped', uri: mapped, line };
    }
    const symbol = await this.symbol(location);
    if (symbol) return { found: 'symbol', uri: symbol.location.uri, line: symbol.location.range.start.line + 1 };
    return { found: false, message: describeMissingSource(location.function ?? baseName(filePath ?? ''), location) };
  }

  /**
   * Opens the location in an editor, or tells the user why it cannot. `beside`: in the editor group
   * next to the active one, so a trace panel asking for it stays in view.
   */
  async reveal(location: CodeLocation, spanName?: string, options: { beside?: boolean } = {}): Promise<RevealOutcome> {
    const outcome = await this.locate(location);
    if (!outcome.found) {
      const message = spanName ? describeMissingSource(spanName, location) : outcome.message;
      void vscode.window.showWarningMessage(inertMessageText(message));
      return { found: false, message };
    }
    const document = await vscode.workspace.openTextDocument(outcome.uri);
    const line = Math.min(Math.max(outcome.line - 1, 0), Math.max(document.lineCount - 1, 0));
    const column = outcome.found === 'symbol' ? 0 : Math.max((location.column ?? 1) - 1, 0);
    const position = new vscode.Position(line, Math.min(column, document.lineAt(line).text.length));
    await vscode.window.showTextDocument(document, {
      selection: new vscode.Range(position, position),
      preview: true,
      viewColumn: options.beside ? vscode.ViewColumn.Beside : undefined,
    });
    return outcome;
  }

  private async direct(filePath: string): Promise<vscode.Uri | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const uris = path.isAbsolute(filePath)
      ? [vscode.Uri.file(filePath)]
      : folders.map((folder) => vscode.Uri.joinPath(folder.uri, filePath));
    for (const uri of uris) if (await isFile(uri)) return uri;
    return undefined;
  }

  private async mapped(filePath: string): Promise<vscode.Uri | undefined> {
    const name = baseName(filePath);
    if (!name) return undefined;
    const found = await vscode.workspace.findFiles(`**/${globEscape(name)}`, '**/node_modules/**', MAX_CANDIDATES);
    const byPath = new Map(found.map((uri) => [uri.fsPath, uri]));
    const best = bestSuffixMatch(filePath, [...byPath.keys()].sort());
    return best ? byPath.get(best) : undefined;
  }

  private async symbol(location: CodeLocation): Promise<vscode.SymbolInformation | undefined> {
    const name = symbolNameOf(location.function);
    if (!name) return undefined;
    const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', name)) ?? [];
    const candidates = symbols.map((symbol) => ({ name: symbol.name, filePath: symbol.location.uri.fsPath, symbol }));
    return bestSymbol(candidates, name, location.filePath)?.symbol;
  }
}
