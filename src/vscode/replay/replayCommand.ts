import * as vscode from 'vscode';
import type { LoupeApi } from '../../model/api';
import { replayDraftFromSpan } from '../../model/replayDraft';
import { registerSafeCommand } from '../commands/safeCommand';
import { inertMessageText } from '../model/markdownText';
import { ReplayKeys } from './replayKeys';
import { ReplayPanel } from './replayPanel';

export interface ReplayCommandDeps {
  api: LoupeApi;
  secrets: vscode.SecretStorage;
  extensionUri: vscode.Uri;
}

function spanTargetOf(arg: unknown): { traceId: string; spanId: string } | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const { traceId, spanId } = arg as { traceId?: unknown; spanId?: unknown };
  return typeof traceId === 'string' && typeof spanId === 'string' ? { traceId, spanId } : undefined;
}

/** "Replay…" on a model-call span (tree row or details panel): opens its replay page. */
export function registerReplayCommand(deps: ReplayCommandDeps): vscode.Disposable {
  const keys = new ReplayKeys(deps.secrets);
  return registerSafeCommand('loupe.replaySpan', 'open the replay', async (arg?: unknown) => {
    const target = spanTargetOf(arg);
    if (!target) {
      void vscode.window.showInformationMessage('Choose a model call in the Loupe tree or trace view, then Replay….');
      return undefined;
    }
    const span = await deps.api.span(target.traceId, target.spanId);
    if (!span) throw new Error('the span is no longer stored.');
    const made = replayDraftFromSpan(span);
    if (!made) {
      void vscode.window.showWarningMessage(inertMessageText(`"${span.name}" is not a single model call, so there is nothing to replay.`));
      return undefined;
    }
    return ReplayPanel.open({ api: deps.api, keys, extensionUri: deps.extensionUri }, made.draft, made.source);
  });
}
