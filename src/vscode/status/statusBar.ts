import * as vscode from 'vscode';
import type { StoreStats } from '../../model/traceTypes';
import type { BudgetCrossing } from '../../model/budgetTypes';
import type { ForwardingStatus } from '../../model/continuousForwarding';
import { localDay } from '../../model/localDay';
import type { EngineConnection } from '../engine/engineConnection';
import { markdownText } from '../model/markdownText';
import { costSince, startOfToday, statusView, type StatusView } from '../model/statusView';
import type { TracesTreeProvider } from '../tree/tracesTreeProvider';

/** The Loupe status bar item: receiver state, trace and span counts, today's cost; a click shows the traces. */
export class LoupeStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('loupe.status', vscode.StatusBarAlignment.Left, 50);
  private stats: StoreStats | undefined;
  private injecting = false;
  private storeProblem: string | undefined;
  private forwarding: ForwardingStatus | undefined;
  /** The latest budget level reached per scope, with the local day it was reached. */
  private readonly budgetLevels = new Map<string, { crossing: BudgetCrossing; day: string }>();
  private readonly disposables: vscode.Disposable[] = [];
  lastView: StatusView | undefined;

  constructor(
    private readonly connection: EngineConnection,
    private readonly tree: TracesTreeProvider,
  ) {
    this.item.name = 'Loupe';
    this.item.command = 'loupe.showTraces';
    const unsubscribeState = connection.onDidChangeState(() => this.refresh());
    const unsubscribeChanges = connection.subscribe((change) => {
      this.stats = change.stats;
    });
    this.disposables.push(
      tree.onDidLoad(() => this.refresh()),
      { dispose: () => (unsubscribeState(), unsubscribeChanges()) },
    );
    this.refresh();
    this.item.show();
  }

  setInjecting(on: boolean): void {
    this.injecting = on;
    this.refresh();
  }

  setStoreProblem(message: string | undefined): void {
    this.storeProblem = message;
    this.refresh();
  }

  /** Continuous forwarding's latest status: its line in the tooltip, a warning colour while it loses spans. */
  setForwarding(status: ForwardingStatus | undefined): void {
    this.forwarding = status;
    this.refresh();
  }

  /** Spend reached a budget level: the item takes its colour for the rest of that period. */
  setBudgetCrossing(crossing: BudgetCrossing): void {
    this.budgetLevels.set(crossing.budget.scope, { crossing, day: localDay(Date.now()) });
    this.refresh();
  }

  /** The budget crossings still current: today's, and this month's for monthly and agent budgets. */
  private currentCrossings(): BudgetCrossing[] {
    const today = localDay(Date.now());
    return [...this.budgetLevels.values()]
      .filter(({ crossing, day }) =>
        crossing.budget.scope === 'daily' || crossing.budget.scope === 'run' ? day === today : day.slice(0, 7) === today.slice(0, 7),
      )
      .map(({ crossing }) => crossing);
  }

  /** Reads the counts afresh (after a reload, when no change event carried them yet). */
  async refreshStats(): Promise<void> {
    this.stats = await this.connection.stats().catch(() => this.stats);
    // A window that joined another Loupe hears no forwarding events: it asks.
    if (this.connection.state.role === 'joined') this.forwarding = await this.connection.forwardingStatus().catch(() => undefined);
    this.refresh();
  }

  refresh(): void {
    const view = statusView({
      state: this.connection.state,
      host: this.connection.endpoint()?.host ?? '127.0.0.1',
      stats: this.stats,
      todayCostUsd: costSince(this.tree.model.traces(), startOfToday(Date.now())),
      injectingEndpoint: this.injecting,
      storeProblem: this.storeProblem,
      budgetCrossings: this.currentCrossings(),
      forwarding: this.forwarding,
    });
    this.lastView = view;
    this.item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltipLines.map((line) => markdownText(line, 600)).join('\n\n'));
    tooltip.isTrusted = false;
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      view.severity === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.severity === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    void vscode.commands.executeCommand('setContext', 'loupe.receiverState', view.receiverState);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
    this.item.dispose();
  }
}
