import * as vscode from 'vscode';
import type { BudgetCrossing } from '../../model/budgetTypes';
import { inertMessageText } from '../model/markdownText';

export const SHOW_COSTS_ACTION = 'Show Costs';

/** Tells the user once per crossing (the engine announces each level of each period once). */
export function announceBudgetCrossing(crossing: BudgetCrossing): void {
  const text = inertMessageText(`Loupe: ${crossing.message}`);
  const shown =
    crossing.level === 'critical'
      ? vscode.window.showErrorMessage(text, SHOW_COSTS_ACTION)
      : vscode.window.showWarningMessage(text, SHOW_COSTS_ACTION);
  void shown.then((choice) => {
    if (choice === SHOW_COSTS_ACTION) void vscode.commands.executeCommand('loupe.showCosts');
  });
}
