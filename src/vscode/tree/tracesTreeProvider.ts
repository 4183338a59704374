import * as vscode from 'vscode';
import { MAX_TRACE_LIMIT } from '../../model/apiRoutes';
import type { LoupeApi } from '../../model/api';
import type { TraceChange, TraceSummary } from '../../model/traceTypes';
import { inertMessageText } from '../model/markdownText';
import { sourceLocationOf } from '../model/sourcePaths';
import { isFilterActive, type TraceFilter } from '../model/traceFilter';
import { nodeIdOf, TraceTreeModel, type TreeNodeRef } from '../model/traceTreeModel';
import { runNumbers, spanItemText, spanTooltipMarkdown, traceItemText, traceTooltipMarkdown, type ItemText } from '../model/treeItemText';

/** A row of the Traces view; the same object is handed out for the same row, so reveal() and selection hold. */
export type TraceTreeElement = TreeNodeRef & { readonly id: string };

/** Live changes arriving closer together than this are applied as one refresh. */
const COALESCE_MS = 120;
/** A large trace that keeps growing reloads its rows at most this often while expanded. */
const LARGE_TRACE_SPANS = 2_000;
const LARGE_TRACE_RELOAD_MS = 2_000;
/** As many as any store holds by default; also the most the REST API of a joined Loupe lists. */
const LIST_LIMIT = MAX_TRACE_LIMIT;

/**
 * The Traces view over the pure `TraceTreeModel`. Rows have stable ids and parents, so refreshes
 * keep what is expanded and selected; a trace that grew refreshes only its own row and rows below.
 */
export class TracesTreeProvider implements vscode.TreeDataProvider<TraceTreeElement>, vscode.Disposable {
  readonly model = new TraceTreeModel();
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<TraceTreeElement | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly _onDidLoad = new vscode.EventEmitter<void>();
  /** Fires after the rows changed (tests and the status bar wait on it). */
  readonly onDidLoad = this._onDidLoad.event;
  private readonly elements = new Map<string, TraceTreeElement>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly loadedAt = new Map<string, number>();
  private readonly deferred = new Map<string, NodeJS.Timeout>();
  private pending: TraceChange[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly ageTimer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private runNumbersFor: readonly TraceSummary[] | undefined;
  private runNumbers = new Map<string, number>();
  private generation = 0;

  constructor(private readonly api: LoupeApi) {
    this.unsubscribe = api.subscribe((change) => this.queue(change));
    // Relative start times ("5 min ago") age; a quiet refresh keeps them honest.
    this.ageTimer = setInterval(() => this._onDidChangeTreeData.fire(undefined), 60_000);
  }

  /** Reads every trace again (after a reconnect, or on start). */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    const summaries = await this.api.listTraces({ limit: LIST_LIMIT });
    if (generation !== this.generation) return;
    this.pending = [];
    this.model.replaceAll(summaries);
    this.pruneElements();
    this._onDidChangeTreeData.fire(undefined);
    this._onDidLoad.fire();
  }

  setFilter(filter: TraceFilter): void {
    this.model.setFilter(filter);
    void vscode.commands.executeCommand('setContext', 'loupe.filterActive', isFilterActive(filter));
    void vscode.commands.executeCommand('setContext', 'loupe.filter.errorsOnly', Boolean(filter.errorsOnly));
    this._onDidChangeTreeData.fire(undefined);
  }

  element(ref: TreeNodeRef): TraceTreeElement {
    const id = nodeIdOf(ref);
    let element = this.elements.get(id);
    if (!element) {
      element = Object.freeze({ ...ref, id });
      this.elements.set(id, element);
    }
    return element;
  }

  /** Loads the spans of a trace (if not current) so its rows, parents and sources are known. */
  ensureSpans(traceId: string): Promise<void> {
    if (!this.model.needsSpans(traceId)) return Promise.resolve();
    let loading = this.loading.get(traceId);
    if (!loading) {
      loading = this.api
        .getTrace(traceId)
        .then((detail) => {
          if (detail) this.model.setSpans(detail);
        })
        .finally(() => this.loading.delete(traceId));
      this.loading.set(traceId, loading);
    }
    return loading;
  }

  getTreeItem(element: TraceTreeElement): vscode.TreeItem {
    if (element.type === 'trace') {
      const summary = this.model.summary(element.traceId);
      if (!summary) return new vscode.TreeItem('(gone)');
      const text = traceItemText(summary, Date.now(), this.runNumberOf(summary.traceId));
      const loadedRows = this.model.needsSpans(element.traceId) ? undefined : this.model.childrenOf(element);
      const item = this.item(
        element,
        text,
        loadedRows?.length === 0 ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.contextValue = `loupe.trace${summary.errorCount > 0 ? '.error' : ''}`;
      item.tooltip = untrustedMarkdown(traceTooltipMarkdown(summary, Date.now()));
      item.command = { command: 'loupe.openTrace', title: 'Open Trace', arguments: [element] };
      return item;
    }
    const span = this.model.span(element.traceId, element.spanId);
    if (!span) return new vscode.TreeItem('(gone)');
    const text = spanItemText(span);
    const item = this.item(
      element,
      text,
      span.childIds.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.contextValue = `loupe.span.${span.kind}${sourceLocationOf(span) ? '.source' : ''}`;
    item.tooltip = untrustedMarkdown(spanTooltipMarkdown(span));
    item.command = { command: 'loupe.openTrace', title: 'Open Trace', arguments: [element] };
    return item;
  }

  async getChildren(element?: TraceTreeElement): Promise<TraceTreeElement[]> {
    if (element && this.deferLargeReload(element.traceId)) return (this.model.childrenOf(element) ?? []).map((ref) => this.element(ref));
    if (element) {
      try {
        await this.ensureSpans(element.traceId);
        this.loadedAt.set(element.traceId, Date.now());
      } catch (error) {
        void vscode.window.showErrorMessage(
          inertMessageText(`Loupe could not load the spans of this trace: ${error instanceof Error ? error.message : String(error)}`),
        );
        return [];
      }
    }
    return (this.model.childrenOf(element) ?? []).map((ref) => this.element(ref));
  }

  /** The run number of a trace among those sharing its title, worked out once per list version. */
  private runNumberOf(traceId: string): number | undefined {
    const visible = this.model.visibleTraces();
    if (this.runNumbersFor !== visible) {
      this.runNumbersFor = visible;
      this.runNumbers = runNumbers(visible);
    }
    return this.runNumbers.get(traceId);
  }

  getParent(element: TraceTreeElement): TraceTreeElement | undefined {
    const parent = this.model.parentOf(element);
    return parent && this.element(parent);
  }

  /**
   * True when a large, growing trace was loaded moments ago: its current rows are shown and one
   * refresh is scheduled, so a live 20,000-span trace is not copied from the engine on every change.
   */
  private deferLargeReload(traceId: string): boolean {
    const summary = this.model.summary(traceId);
    const last = this.loadedAt.get(traceId);
    if (!summary || last === undefined || summary.spanCount < LARGE_TRACE_SPANS || !this.model.needsSpans(traceId)) return false;
    const wait = last + LARGE_TRACE_RELOAD_MS - Date.now();
    if (wait <= 0) return false;
    if (!this.deferred.has(traceId)) {
      this.deferred.set(
        traceId,
        setTimeout(() => {
          this.deferred.delete(traceId);
          if (this.model.summary(traceId)) this._onDidChangeTreeData.fire(this.element({ type: 'trace', traceId }));
        }, wait),
      );
    }
    return true;
  }

  dispose(): void {
    for (const timer of this.deferred.values()) clearTimeout(timer);
    this.unsubscribe();
    clearTimeout(this.flushTimer);
    clearInterval(this.ageTimer);
    this._onDidChangeTreeData.dispose();
    this._onDidLoad.dispose();
  }

  private item(element: TraceTreeElement, text: ItemText, collapsible: vscode.TreeItemCollapsibleState): vscode.TreeItem {
    const item = new vscode.TreeItem(text.label, collapsible);
    item.id = element.id;
    item.description = text.description;
    item.iconPath = new vscode.ThemeIcon(text.icon, text.error ? new vscode.ThemeColor('errorForeground') : undefined);
    return item;
  }

  private queue(change: TraceChange): void {
    this.pending.push(change);
    this.flushTimer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const changes = this.pending;
    this.pending = [];
    let rootChanged = false;
    const changed = new Set<string>();
    for (const change of changes) {
      const update = this.model.applyChange(change);
      rootChanged ||= update.rootChanged;
      for (const traceId of update.changedTraceIds) changed.add(traceId);
    }
    if (rootChanged) {
      this.pruneElements();
      this._onDidChangeTreeData.fire(undefined);
    } else {
      for (const traceId of changed) this._onDidChangeTreeData.fire(this.element({ type: 'trace', traceId }));
    }
    this._onDidLoad.fire();
  }

  /** Forgets rows of traces that are gone, so the element map does not grow without bound. */
  private pruneElements(): void {
    for (const [id, element] of this.elements) if (!this.model.summary(element.traceId)) this.elements.delete(id);
    for (const traceId of this.loadedAt.keys()) if (!this.model.summary(traceId)) this.loadedAt.delete(traceId);
  }
}

/** Tooltip text from span data: never trusted (no command links), never HTML. */
export function untrustedMarkdown(markdown: string): vscode.MarkdownString {
  const text = new vscode.MarkdownString(markdown, false);
  text.isTrusted = false;
  text.supportHtml = false;
  return text;
}
