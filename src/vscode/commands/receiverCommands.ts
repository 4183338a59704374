import * as vscode from 'vscode';
import type { ConnectionState, EngineConnection } from '../engine/engineConnection';
import { endpointSetupText, type LoupeEndpoint } from '../model/endpointEnv';
import type { LoupeSettings } from '../model/loupeSettings';
import { inertMessageText } from '../model/markdownText';
import { registerSafeCommand } from './safeCommand';

export interface ReceiverCommandDeps {
  connection: EngineConnection;
  extensionUri: vscode.Uri;
  settings(): LoupeSettings;
}

/** Failed listeners of an owner state, as messages for the user. */
export function receiverProblems(state: ConnectionState): string[] {
  if (state.role === 'failed') return [state.message];
  if (state.role !== 'owner') return [];
  return [state.receiver.grpc, state.receiver.http].flatMap((listener) => (listener.state === 'failed' ? [listener.message] : []));
}

/** Shows each distinct receiver problem once, with the way out. */
export function reportReceiverProblems(state: ConnectionState, shown: Set<string>): void {
  for (const problem of receiverProblems(state)) {
    if (shown.has(problem)) continue;
    shown.add(problem);
    void vscode.window.showErrorMessage(inertMessageText(`Loupe: ${problem}`), 'Open Settings', 'Retry').then((choice) => {
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'loupe.receiver');
      if (choice === 'Retry') void vscode.commands.executeCommand('loupe.startReceiver');
    });
  }
}

/** Start/Stop Receiver, the endpoint setup helpers and the getting-started page. */
export function registerReceiverCommands(deps: ReceiverCommandDeps): vscode.Disposable[] {
  const { connection } = deps;
  const endpoint = (): LoupeEndpoint => {
    const configured = deps.settings().receiver;
    return connection.endpoint() ?? { host: configured.host, httpPort: configured.httpPort || 4318, grpcPort: configured.grpcPort || null };
  };
  const setInjection = (on: boolean) =>
    vscode.workspace.getConfiguration('loupe').update('env.injectEndpoint', on, vscode.ConfigurationTarget.Global);
  return [
    registerSafeCommand('loupe.showTraces', 'show the traces', () => vscode.commands.executeCommand('loupe.traces.focus')),
    registerSafeCommand('loupe.startReceiver', 'start the receiver', async () => {
      const state = await connection.startReceivers();
      if (state.role === 'joined') {
        void vscode.window.showInformationMessage(
          `Another VS Code window runs Loupe's receiver (${state.baseUrl}); this window shows its traces and takes over when it closes.`,
        );
      } else if (receiverProblems(state).length === 0 && state.role === 'owner') {
        const at = connection.endpoint();
        void vscode.window.setStatusBarMessage(
          `Loupe is receiving on ports ${state.receiver.grpc.state === 'listening' ? state.receiver.grpc.port : '—'} (gRPC) and ${at?.httpPort ?? '—'} (HTTP).`,
          5000,
        );
      }
      return state;
    }),
    registerSafeCommand('loupe.stopReceiver', 'stop the receiver', () => connection.stopReceivers()),
    registerSafeCommand('loupe.copyEndpointSetup', 'copy the setup', async () => {
      const text = endpointSetupText(endpoint(), process.platform === 'win32' ? 'powershell' : 'posix');
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage(
        'Copied the environment variables for Python and Node. Paste them in the terminal that starts your agent.',
      );
      return text;
    }),
    registerSafeCommand('loupe.enableEndpointInjection', 'turn on the zero-config endpoint', async () => {
      await setInjection(true);
      void vscode.window.showInformationMessage(
        'New terminals and Node/Python debug sessions now send OpenTelemetry traces to Loupe. Open a new terminal to use it.',
      );
    }),
    registerSafeCommand('loupe.disableEndpointInjection', 'turn off the zero-config endpoint', () => setInjection(false)),
    registerSafeCommand('loupe.openReadme', 'open the guide', () =>
      vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(deps.extensionUri, 'README.md')),
    ),
  ];
}
