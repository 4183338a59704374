import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LoupeApi } from '../../model/api';
import { replayDraftProblem } from '../../model/replayDraft';
import { replayTraceRequest } from '../../model/replayTrace';
import { webviewShellHtml } from '../../model/htmlShell';
import { isReplayPageMessage, replayEndpointUrl, type ReplayHostMessage, type ReplayPageMessage } from '../../model/replayMessages';
import type { ReplayDraft, ReplayOutcome, ReplaySource } from '../../model/replayTypes';
import { webviewRoot } from '../panels/panelHtml';
import { editorModelChoices, runEditorModelReplay } from './editorModelReplay';
import type { ReplayKeys } from './replayKeys';

export const REPLAY_PANEL_VIEW_TYPE = 'loupe.replay';

export interface ReplayPanelDeps {
  api: LoupeApi;
  keys: ReplayKeys;
  extensionUri: vscode.Uri;
}

function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host.startsWith('127.');
  } catch {
    return false;
  }
}

/**
 * One replay page: the recorded call, editable, with Run. The host runs the call (keys never
 * reach the page), shows the answer, and keeps it as a linked trace only when asked.
 */
export class ReplayPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** The replay under way; Cancel stops waiting for it (an HTTP call in the engine ends at its time limit). */
  private running: { cancelled: boolean; cancel: vscode.CancellationTokenSource } | undefined;
  private lastSuccess:
    { draft: ReplayDraft; outcome: Extract<ReplayOutcome, { ok: true }>; endedAt: number; keptTraceId?: string } | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: ReplayPanelDeps,
    private readonly draft: ReplayDraft,
    private readonly source: ReplaySource,
  ) {
    const root = webviewRoot(deps.extensionUri);
    const uri = (file: string): string => panel.webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString();
    panel.webview.html = webviewShellHtml({
      scriptUri: uri('replay.js'),
      styleUri: uri('replay-style.css'),
      codiconUri: uri('codicon.css'),
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      title: panel.title,
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isReplayPageMessage(message)) void this.onMessage(message);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  static open(deps: ReplayPanelDeps, draft: ReplayDraft, source: ReplaySource): ReplayPanel {
    const panel = vscode.window.createWebviewPanel(
      REPLAY_PANEL_VIEW_TYPE,
      `Replay: ${source.spanName.slice(0, 60)}`,
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        enableCommandUris: false,
        localResourceRoots: [webviewRoot(deps.extensionUri)],
        // The edits live in the page; keeping it alive while hidden keeps them.
        retainContextWhenHidden: true,
      },
    );
    return new ReplayPanel(panel, deps, draft, source);
  }

  private post(message: ReplayHostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(message: ReplayPageMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.post({
          type: 'init',
          draft: this.draft,
          source: this.source,
          hasKey: await this.deps.keys.has(this.draft.api, this.draft.baseUrl),
          editorModels: await editorModelChoices(),
        });
      case 'checkKey':
        return this.post({ type: 'keyState', hasKey: await this.deps.keys.has(message.api, message.baseUrl) });
      case 'setKey':
        return this.post({ type: 'keyState', hasKey: await this.deps.keys.prompt(message.api, message.baseUrl) });
      case 'run':
        return this.run(message.draft);
      case 'cancel':
        if (this.running) {
          this.running.cancelled = true;
          this.running.cancel.cancel();
        }
        return;
      case 'keep':
        return this.keep();
      case 'openTrace':
        await vscode.commands.executeCommand('loupe.openTrace', { traceId: message.traceId });
        return;
    }
  }

  private async run(draft: ReplayDraft): Promise<void> {
    if (this.running) return;
    const problem = replayDraftProblem(draft);
    if (problem) return this.post({ type: 'result', outcome: { ok: false, message: problem, endpoint: draft.baseUrl } });
    const endpoint = replayEndpointUrl(draft.api, draft.baseUrl);
    let key: string | undefined;
    if (draft.api !== 'vscode-lm') {
      key = await this.deps.keys.get(draft.api, draft.baseUrl);
      if (key === undefined && !isLoopbackUrl(draft.baseUrl)) {
        // A cloud endpoint without a key would only answer 401: ask once, right here.
        if (await this.deps.keys.prompt(draft.api, draft.baseUrl)) key = await this.deps.keys.get(draft.api, draft.baseUrl);
        this.post({ type: 'keyState', hasKey: key !== undefined });
      }
    }
    const running = { cancelled: false, cancel: new vscode.CancellationTokenSource() };
    this.running = running;
    this.post({ type: 'running', endpoint });
    try {
      let outcome: ReplayOutcome;
      try {
        outcome =
          draft.api === 'vscode-lm'
            ? await runEditorModelReplay(draft, running.cancel.token)
            : await this.deps.api.replay(draft, key === undefined ? {} : { apiKey: key });
      } catch (error) {
        outcome = {
          ok: false,
          message: `Loupe could not run the replay: ${error instanceof Error ? error.message : String(error)}`,
          endpoint,
        };
      }
      if (running.cancelled) outcome = { ok: false, message: 'Replay cancelled. Nothing was kept.', endpoint };
      if (outcome.ok) this.lastSuccess = { draft, outcome, endedAt: Date.now() };
      this.post({ type: 'result', outcome });
    } finally {
      running.cancel.dispose();
      this.running = undefined;
    }
  }

  private async keep(): Promise<void> {
    const last = this.lastSuccess;
    if (!last) return this.post({ type: 'keepFailed', message: 'Run the replay first; only a successful answer can be kept.' });
    if (last.keptTraceId) return this.post({ type: 'kept', traceId: last.keptTraceId });
    try {
      const ids = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
      const { request, traceId } = replayTraceRequest(last.draft, this.source, last.outcome, last.endedAt, ids);
      await this.deps.api.importOtlp(JSON.stringify(request));
      last.keptTraceId = traceId;
      this.post({ type: 'kept', traceId });
    } catch (error) {
      this.post({
        type: 'keepFailed',
        message: `Loupe could not keep the replay: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  dispose(): void {
    this.running?.cancel.cancel();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
  }
}
