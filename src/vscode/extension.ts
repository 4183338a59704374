import * as vscode from 'vscode';
import { version } from '../../package.json';
import { registerAgentCommands } from './commands/agentCommands';
import { registerFilterCommands } from './commands/filterCommands';
import { registerCompareCommands } from './commands/compareCommands';
import { registerForwardCommand } from './commands/forwardCommand';
import { registerReceiverCommands, reportReceiverProblems } from './commands/receiverCommands';
import { registerTraceCommands } from './commands/traceCommands';
import { EngineConnection } from './engine/engineConnection';
import { EndpointInjection } from './env/endpointInjection';
import { LoupeLog } from './log/loupeLog';
import { registerMcp } from './mcp/mcpRegistration';
import { registerReplayCommand } from './replay/replayCommand';
import { inertMessageText } from './model/markdownText';
import { traceTitle } from './model/treeItemText';
import { TRACE_PANEL_VIEW_TYPE, TracePanels } from './panels/tracePanels';
import { confirmedBindHost, readSettings } from './settings/configuration';
import { connectionOptionsOf, reportSettingsProblems, SettingsController } from './settings/settingsController';
import { SourceNavigator } from './source/sourceNavigator';
import { LoupeStatusBar } from './status/statusBar';
import { announceBudgetCrossing } from './status/budgetNotice';
import { ForwardingHeaders } from './forwarding/forwardingHeaders';
import { registerSafeCommand } from './commands/safeCommand';
import type { ForwardingStatus } from '../model/continuousForwarding';
import type { BudgetCrossing } from '../model/budgetTypes';
import { TracesTreeProvider, type TraceTreeElement } from './tree/tracesTreeProvider';

/** What activate() hands back; the integration tests drive the extension through it. */
export interface LoupeExtensionApi {
  connection: EngineConnection;
  tree: TracesTreeProvider;
  treeView: vscode.TreeView<TraceTreeElement>;
  panels: TracePanels;
  source: SourceNavigator;
  status: LoupeStatusBar;
  injection: EndpointInjection;
  settings: SettingsController;
}

let activeConnection: EngineConnection | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<LoupeExtensionApi> {
  const log = new LoupeLog();
  context.subscriptions.push(log);
  const reading = readSettings();
  reportSettingsProblems(reading, new Set());
  const places = {
    storeDir: context.globalStorageUri.fsPath,
    staticDir: vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview').fsPath,
    version,
  };
  // Assigned once the status bar exists; the store callbacks above it may fire before then.
  // eslint-disable-next-line prefer-const
  let status: LoupeStatusBar | undefined;
  let forwarding: ForwardingStatus | undefined;
  const forwardingProblemsShown = new Set<string>();
  const events = {
    onStoreError: (message: string) => {
      log.write({ level: 'error', text: `Store problem: ${message}` });
      status?.setStoreProblem(message);
    },
    onStoreRecovered: () => {
      log.write({ level: 'info', text: 'The store writes again' });
      status?.setStoreProblem(undefined);
    },
    onRefused: (message: string) => log.refused(message),
    onBudgetCrossing: (crossing: BudgetCrossing) => {
      status?.setBudgetCrossing(crossing);
      announceBudgetCrossing(crossing);
    },
    onForwardingStatus: (next: ForwardingStatus, changed: boolean) => {
      forwarding = next;
      status?.setForwarding(next);
      if (!changed) return;
      log.forwardingChanged(next);
      // A refused endpoint (Loupe's own receiver) is said once, where it cannot be missed.
      if (next.problem && !forwardingProblemsShown.has(next.problem)) {
        forwardingProblemsShown.add(next.problem);
        void vscode.window.showWarningMessage(inertMessageText(`Loupe: continuous forwarding is off: ${next.problem}`));
      }
    },
  };
  // Read before the engine starts, so forwarding sends them from the first span.
  const headers = new ForwardingHeaders(context.secrets, () => void settings.applyForwarding());
  await headers.load();
  const optionsFor = (settings: typeof reading.settings, host: string) =>
    connectionOptionsOf(settings, places, host, context.extensionPath, events, headers.current);
  const host = await confirmedBindHost(reading.settings.receiver.host, context.globalState);

  const connection = EngineConnection.open(optionsFor(reading.settings, host));
  activeConnection = connection;
  const tree = new TracesTreeProvider(connection);
  const treeView = vscode.window.createTreeView('loupe.traces', { treeDataProvider: tree, showCollapseAll: true });
  const source = new SourceNavigator();
  const panels = new TracePanels({
    api: connection,
    extensionUri: context.extensionUri,
    revealSource: async (location) => void (await source.reveal(location, undefined, { beside: true })),
    titleOf: (traceId) => {
      const summary = tree.model.summary(traceId);
      return summary && traceTitle(summary);
    },
  });
  status = new LoupeStatusBar(connection, tree);
  status.setForwarding(forwarding);
  const injection = new EndpointInjection(context.environmentVariableCollection);
  const settings = new SettingsController(reading.settings, connection, optionsFor, context.globalState, () => updateInjection());
  const updateInjection = (): void => {
    injection.update(settings.settings.env.injectEndpoint, connection.endpoint());
    status?.setInjecting(injection.active);
  };
  const problemsShown = new Set<string>();
  const reloadTree = (): Promise<void> =>
    tree.reload().then(
      () => status?.refreshStats(),
      (error: unknown) => {
        log.write({ level: 'error', text: `Could not read the stored traces: ${error instanceof Error ? error.message : String(error)}` });
        if (connection.state.role === 'owner' || connection.state.role === 'joined') {
          void vscode.window.showWarningMessage(
            inertMessageText(`Loupe could not read the stored traces: ${error instanceof Error ? error.message : String(error)}`),
          );
        }
      },
    );
  const unsubscribe = [
    connection.onDidChangeState((state) => {
      log.connectionChanged(state);
      updateInjection();
      reportReceiverProblems(state, problemsShown);
    }),
    connection.onDidReset(() => void reloadTree()),
  ];
  const retitle = tree.onDidLoad(() => panels.retitle());

  context.subscriptions.push(
    tree,
    treeView,
    panels,
    status,
    injection,
    settings,
    headers,
    retitle,
    { dispose: () => unsubscribe.forEach((stop) => stop()) },
    vscode.window.registerWebviewPanelSerializer(TRACE_PANEL_VIEW_TYPE, panels),
    ...registerTraceCommands({ api: connection, tree, treeView, panels, source }),
    ...registerFilterCommands(tree, treeView),
    ...registerCompareCommands(tree, panels),
    ...registerReceiverCommands({ connection, extensionUri: context.extensionUri, settings: () => settings.settings }),
    ...registerAgentCommands({ connection, settings: () => settings.settings }),
    registerForwardCommand({ connection, tree, targets: () => settings.settings.forwardTargets, log }),
    registerReplayCommand({
      api: connection,
      secrets: context.secrets,
      extensionUri: context.extensionUri,
    }),
    registerSafeCommand('loupe.setForwardingHeaders', 'set the forwarding headers', (given?: string) => headers.prompt(given)),
    ...registerMcp({ connection, extensionUri: context.extensionUri, receiverSettings: () => settings.settings.receiver }),
  );
  void vscode.commands.executeCommand('setContext', 'loupe.filterActive', false);
  void connection.settled().then(reloadTree);
  return { connection, tree, treeView, panels, source, status, injection, settings };
}

/** Stops the receivers and writes the store before the window goes away. */
export async function deactivate(): Promise<void> {
  const connection = activeConnection;
  activeConnection = undefined;
  await connection?.close();
}
