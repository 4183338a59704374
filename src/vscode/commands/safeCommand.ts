import * as vscode from 'vscode';
import { inertMessageText } from '../model/markdownText';

/** Registers a command whose failures become one clear message instead of an unhandled rejection. */
export function registerSafeCommand(id: string, what: string, run: (...args: never[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await run(...(args as never[]));
    } catch (error) {
      void vscode.window.showErrorMessage(
        inertMessageText(`Loupe could not ${what}: ${error instanceof Error ? error.message : String(error)}`),
      );
      return undefined;
    }
  });
}
