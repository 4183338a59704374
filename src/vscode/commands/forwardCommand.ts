import * as vscode from 'vscode';
import type { ForwardResult } from '../../model/forwardResult';
import type { ForwardTarget } from '../../model/forwardTarget';
import type { EngineConnection } from '../engine/engineConnection';
import { inertMessageText } from '../model/markdownText';
import type { TracesTreeProvider } from '../tree/tracesTreeProvider';
import { registerSafeCommand } from './safeCommand';
import { traceTargetOf } from './tracePick';

export interface ForwardDeps {
  connection: EngineConnection;
  tree: TracesTreeProvider;
  targets(): ForwardTarget[];
}

/** "Open in Jaeger" for a Jaeger target, else "Open in <name>". */
export function openButtonLabel(target: ForwardTarget): string {
  const product = ['Jaeger', 'Zipkin', 'Tempo', 'Grafana'].find((name) => target.name.toLowerCase().includes(name.toLowerCase()));
  return `Open in ${product ?? target.name}`;
}

/** Forward Trace…: pick a target, send with a progress notification, report the outcome. Local data is never changed. */
export function registerForwardCommand(deps: ForwardDeps): vscode.Disposable {
  return registerSafeCommand('loupe.forwardTrace', 'forward the trace', async (arg?: unknown, targetName?: unknown) => {
    const trace = await traceTargetOf(arg, deps.tree, 'Trace to forward');
    if (!trace) return undefined;
    const targets = deps.targets();
    if (targets.length === 0) {
      const open = await vscode.window.showWarningMessage('No forward targets are configured.', 'Open Settings');
      if (open) await vscode.commands.executeCommand('workbench.action.openSettings', 'loupe.forward.targets');
      return undefined;
    }
    const target =
      typeof targetName === 'string'
        ? targets.find((t) => t.name === targetName)
        : (
            await vscode.window.showQuickPick(
              targets.map((t) => ({ label: t.name, description: `${t.protocol} · ${t.endpoint}`, target: t })),
              { placeHolder: 'Forward the trace to…' },
            )
          )?.target;
    if (!target) return undefined;
    const result: ForwardResult | undefined = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Forwarding the trace to ${target.name}…`, cancellable: true },
      (_progress, token) => {
        const cancel = new AbortController();
        token.onCancellationRequested(() => cancel.abort());
        return deps.connection.forwardTrace(trace.traceId, target, { signal: cancel.signal });
      },
    );
    void report(result, target);
    return result;
  });
}

async function report(result: ForwardResult | undefined, target: ForwardTarget): Promise<void> {
  if (result === undefined) {
    void vscode.window.showErrorMessage('Loupe could not forward the trace: it is no longer stored.');
    return;
  }
  if (!result.ok && result.error.kind === 'cancelled') {
    void vscode.window.showInformationMessage(
      inertMessageText(`Forwarding to ${target.name} was cancelled; it may already have received some of the spans.`),
    );
    return;
  }
  if (!result.ok) {
    void vscode.window.showErrorMessage(
      inertMessageText(`Loupe could not forward the trace. ${result.error.message} Nothing was changed locally.`),
    );
    return;
  }
  const partial = result.rejectedSpans
    ? ` ${target.name} refused ${result.rejectedSpans} of them${result.targetMessage ? `: ${result.targetMessage}` : '.'}`
    : '';
  const message = `Forwarded ${result.spanCount} ${result.spanCount === 1 ? 'span' : 'spans'} to ${target.name}.${partial}`;
  const button = result.traceUrl ? openButtonLabel(target) : undefined;
  const text = inertMessageText(message);
  const chosen = await (button ? vscode.window.showInformationMessage(text, button) : vscode.window.showInformationMessage(text));
  if (chosen && result.traceUrl) await vscode.env.openExternal(vscode.Uri.parse(result.traceUrl));
}
