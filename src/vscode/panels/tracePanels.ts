import * as vscode from 'vscode';
import type { LoupeApi } from '../../model/api';
import type { CodeLocation, TraceChange } from '../../model/traceTypes';
import {
  isWebviewToHostMessage,
  isWebviewView,
  type HostToWebviewMessage,
  type WebviewRequest,
  type WebviewResponse,
  type WebviewView,
} from '../../model/webviewMessages';
import { answerWebviewRequest } from '../../model/webviewRequests';
import { inertMessageText } from '../model/markdownText';
import { panelHtml, panelOptions } from './panelHtml';

export const TRACE_PANEL_VIEW_TYPE = 'loupe.trace';

/** One request the webview made and the answer it got (for tests and diagnostics). */
export interface PanelExchange {
  key: string;
  request: WebviewRequest;
  response: WebviewResponse;
}

interface ManagedPanel {
  key: string;
  panel: vscode.WebviewPanel;
  view: WebviewView;
  ready: boolean;
  /** A view asked for before the page listened; sent on `ready`. */
  queued?: WebviewView;
}

export interface TracePanelsHost {
  api: LoupeApi;
  extensionUri: vscode.Uri;
  revealSource(location: CodeLocation): Promise<void>;
  /** A title for a trace's panel (its name from the tree), when known. */
  titleOf(traceId: string): string | undefined;
}

function keyOf(view: WebviewView): string {
  if (view.page === 'trace') return `trace:${view.traceId}`;
  // One diff panel per pair of runs; one panel for comparing groups, whatever the filters.
  if (view.page === 'diff') return `diff:${view.traceA}:${view.traceB}`;
  return view.page === 'session' ? `session:${view.sessionId}` : view.page;
}

/**
 * Trace panels: one per trace (opening a trace again reveals its panel and selects the span), plus
 * one for the cross-trace breakdown. Panels come back after a reload through the serializer, with
 * only the UI state the page saved. Every message from a page is checked by the protocol's guard.
 */
export class TracePanels implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private readonly panels = new Map<string, ManagedPanel>();
  private readonly _onDidExchange = new vscode.EventEmitter<PanelExchange>();
  readonly onDidExchange = this._onDidExchange.event;
  /** Messages refused by the guard, counted per panel key. */
  readonly rejected = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(private readonly host: TracePanelsHost) {
    this.unsubscribe = host.api.subscribe((change) => this.forward(change));
  }

  /** Opens or reveals the panel for a view; from the tree, focus stays there so arrow keys keep working. */
  open(view: WebviewView, options: { preserveFocus?: boolean } = {}): vscode.WebviewPanel {
    const key = keyOf(view);
    const preserveFocus = options.preserveFocus ?? false;
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn ?? vscode.ViewColumn.Active, preserveFocus);
      this.show(existing, view);
      return existing.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      TRACE_PANEL_VIEW_TYPE,
      this.titleFor(view),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus },
      panelOptions(this.host.extensionUri),
    );
    this.adopt(panel, view);
    return panel;
  }

  /** Restores a panel VS Code kept across a reload; `state` is what the page saved with setState. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = typeof state === 'object' && state !== null ? (state as { view?: unknown }).view : undefined;
    const view: WebviewView = isWebviewView(saved) ? saved : { page: 'overview' };
    const existing = this.panels.get(keyOf(view));
    if (existing) {
      // Two restored panels for one trace: keep the first.
      panel.dispose();
      return;
    }
    panel.webview.options = panelOptions(this.host.extensionUri);
    this.adopt(panel, view);
  }

  /** Names trace panels restored before their trace's summary was known. */
  retitle(): void {
    for (const managed of this.panels.values()) {
      const title = this.titleFor(managed.view);
      if (managed.panel.title !== title) managed.panel.title = title;
    }
  }

  panelFor(view: WebviewView): vscode.WebviewPanel | undefined {
    return this.panels.get(keyOf(view))?.panel;
  }

  get openCount(): number {
    return this.panels.size;
  }

  dispose(): void {
    this.unsubscribe();
    for (const managed of [...this.panels.values()]) managed.panel.dispose();
    this._onDidExchange.dispose();
  }

  private titleFor(view: WebviewView): string {
    if (view.page === 'trace') return `Trace: ${this.host.titleOf(view.traceId) ?? view.traceId.slice(0, 8)}`;
    if (view.page === 'diff') {
      const name = (id: string) => this.host.titleOf(id) ?? id.slice(0, 8);
      return `Diff: ${name(view.traceA)} ↔ ${name(view.traceB)}`;
    }
    if (view.page === 'compare') return 'Loupe: Compare Groups';
    if (view.page === 'session') return `Session: ${view.sessionId.slice(0, 12)}`;
    if (view.page === 'sessions') return 'Loupe: Sessions';
    return view.page === 'overview' ? 'Loupe: All Traces' : view.page === 'costs' ? 'Loupe: Costs' : 'Loupe';
  }

  private adopt(panel: vscode.WebviewPanel, view: WebviewView): void {
    const managed: ManagedPanel = { key: keyOf(view), panel, view, ready: false };
    this.panels.set(managed.key, managed);
    panel.title = this.titleFor(view);
    panel.iconPath = vscode.Uri.joinPath(this.host.extensionUri, 'media', 'loupe.svg');
    const subscriptions = [
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(managed, message)),
      panel.onDidDispose(() => {
        if (this.panels.get(managed.key) === managed) this.panels.delete(managed.key);
        for (const subscription of subscriptions) subscription.dispose();
      }),
      panel.onDidChangeViewState(() => {
        // A hidden page is unloaded; it announces itself again with `ready` when shown.
        if (!panel.visible) managed.ready = false;
      }),
    ];
    panel.webview.html = panelHtml(panel.webview, this.host.extensionUri, view, this.titleFor(view));
  }

  private show(managed: ManagedPanel, view: WebviewView): void {
    managed.view = view;
    if (managed.ready) void this.post(managed, { type: 'show', view });
    else managed.queued = view;
  }

  private async receive(managed: ManagedPanel, message: unknown): Promise<void> {
    if (!isWebviewToHostMessage(message)) {
      this.rejected.set(managed.key, (this.rejected.get(managed.key) ?? 0) + 1);
      return;
    }
    switch (message.type) {
      case 'ready': {
        managed.ready = true;
        const queued = managed.queued;
        managed.queued = undefined;
        if (queued) await this.post(managed, { type: 'show', view: queued });
        return;
      }
      case 'request': {
        const response = await answerWebviewRequest(this.host.api, message);
        await this.post(managed, response);
        this._onDidExchange.fire({ key: managed.key, request: message, response });
        return;
      }
      case 'revealSource':
        await this.host.revealSource(message.location).catch((error: unknown) => {
          void vscode.window.showErrorMessage(
            inertMessageText(`Loupe could not open the source: ${error instanceof Error ? error.message : String(error)}`),
          );
        });
        return;
      case 'openView':
        this.open(message.view);
        return;
      case 'openTrace':
        this.open({ page: 'trace', traceId: message.traceId, spanId: message.spanId });
        return;
      case 'replaySpan':
        await vscode.commands.executeCommand('loupe.replaySpan', { traceId: message.traceId, spanId: message.spanId });
        return;
    }
  }

  /**
   * Store changes go to the pages that show an affected trace, and to the overview; a change of the
   * store's state alone (it failed or recovered) to every page, whose banner shows it.
   */
  private forward(change: TraceChange): void {
    const touched = new Set([...change.upserted.map((s) => s.traceId), ...change.removed]);
    const storeStateOnly = touched.size === 0 && !change.cleared;
    for (const managed of this.panels.values()) {
      if (!managed.ready) continue;
      const view = managed.view;
      if (view.page !== 'trace' || change.cleared || storeStateOnly || touched.has(view.traceId))
        void this.post(managed, { type: 'traceChange', change });
    }
  }

  private post(managed: ManagedPanel, message: HostToWebviewMessage): Thenable<boolean> {
    return managed.panel.webview.postMessage(message).then(undefined, () => false);
  }
}
