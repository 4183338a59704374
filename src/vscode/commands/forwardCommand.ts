import * as vscode from 'vscode';
import type { ForwardResult } from '../../model/forwardResult';
import type { ForwardTarget } from '../../model/forwardTarget';
import type { EngineConnection } from '../engine/engineConnection';
import { checkReachable, type Reachability } from '../forward/targetReachable';
import type { LoupeLog } from '../log/loupeLog';
import { inertMessageText } from '../model/markdownText';
import type { TracesTreeProvider } from '../tree/tracesTreeProvider';
import { registerSafeCommand } from './safeCommand';
import { traceTargetOf } from './tracePick';

export interface ForwardDeps {
  connection: EngineConnection;
  tree: TracesTreeProvider;
  targets(): ForwardTarget[];
  log?: LoupeLog;
}

const EDIT_TARGETS = 'Add/Edit Targets…';

function openTargetSettings(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', 'loupe.forward.targets');
}

type TargetItem = vscode.QuickPickItem & { target?: ForwardTarget };

function reachabilityText(reach: Reachability | undefined): string {
  if (!reach) return '$(loading~spin) checking…';
  return reach.reachable ? '$(pass) reachable' : `$(warning) ${reach.detail}`;
}

/**
 * The target list with each target's reachability filled in as it is checked, and a last entry
 * that opens the setting to add or edit targets. Resolves with a target, 'edit', or undefined.
 */
async function pickTarget(targets: ForwardTarget[], checks: Map<ForwardTarget, Reachability>): Promise<ForwardTarget | 'edit' | undefined> {
  const pick = vscode.window.createQuickPick<TargetItem>();
  pick.placeholder = 'Forward the trace to…';
  pick.matchOnDescription = true;
  const items = (): TargetItem[] => [
    ...targets.map((target) => ({
      label: target.name,
      description: `${target.protocol} · ${target.endpoint}`,
      detail: reachabilityText(checks.get(target)),
      target,
    })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: `$(gear) ${EDIT_TARGETS}`, description: 'loupe.forward.targets' },
  ];
  pick.items = items();
  let open = true;
  for (const target of targets) {
    void checkReachable(target.endpoint).then((reach) => {
      checks.set(target, reach);
      if (open) {
        const active = pick.activeItems[0]?.target;
        pick.items = items();
        const again = pick.items.find((item) => item.target && item.target === active);
        if (again) pick.activeItems = [again];
      }
    });
  }
  try {
    return await new Promise<ForwardTarget | 'edit' | undefined>((resolve) => {
      pick.onDidAccept(() => {
        const chosen = pick.selectedItems[0];
        resolve(chosen?.target ?? (chosen ? 'edit' : undefined));
        pick.hide();
      });
      pick.onDidHide(() => resolve(undefined));
      pick.show();
    });
  } finally {
    open = false;
    pick.dispose();
  }
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
      if (open) await openTargetSettings();
      return undefined;
    }
    const checks = new Map<ForwardTarget, Reachability>();
    const picked = typeof targetName === 'string' ? targets.find((t) => t.name === targetName) : await pickTarget(targets, checks);
    if (picked === 'edit') {
      await openTargetSettings();
      return undefined;
    }
    const target = picked;
    if (!target) return undefined;
    // Checked before sending (when the user picked it): a backend that is not running gets a clear
    // word and a way out. A target named by the caller goes straight to the engine, which reports it.
    const reach =
      typeof targetName === 'string' ? { reachable: true as const } : (checks.get(target) ?? (await checkReachable(target.endpoint)));
    if (!reach.reachable) {
      deps.log?.write({ level: 'warn', text: `Forward to "${target.name}": ${reach.detail}` });
      const choice = await vscode.window.showWarningMessage(
        inertMessageText(`Nothing answers at ${target.name} (${reach.detail}). Start it, or point the target elsewhere.`),
        'Send Anyway',
        EDIT_TARGETS,
      );
      if (choice === EDIT_TARGETS) await openTargetSettings();
      if (choice !== 'Send Anyway') return undefined;
    }
    const result: ForwardResult | undefined = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Forwarding the trace to ${target.name}…`, cancellable: true },
      (_progress, token) => {
        const cancel = new AbortController();
        token.onCancellationRequested(() => cancel.abort());
        return deps.connection.forwardTrace(trace.traceId, target, { signal: cancel.signal });
      },
    );
    deps.log?.write(forwardLogLine(result, target));
    void report(result, target);
    return result;
  });
}

function forwardLogLine(result: ForwardResult | undefined, target: ForwardTarget): { level: 'info' | 'error'; text: string } {
  const where = `"${target.name}" (${target.protocol} ${target.endpoint})`;
  if (result === undefined) return { level: 'error', text: `Forward to ${where}: the trace is no longer stored` };
  if (!result.ok) return { level: 'error', text: `Forward to ${where} failed (${result.error.kind}): ${result.error.message}` };
  return {
    level: 'info',
    text: `Forwarded ${result.spanCount} spans to ${where}${result.rejectedSpans ? `; ${result.rejectedSpans} refused` : ''}${result.traceUrl ? `: ${result.traceUrl}` : ''}`,
  };
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
