import type { VscodeTabs } from '@vscode-elements/elements/dist/vscode-tabs/vscode-tabs.js';
import type { Span, SpanKind, TraceDetail, TraceSummary } from '../../src/model/traceTypes';
import type { Actions } from '../app/actions';
import { breakdownView } from '../breakdown/breakdownView';
import { SpanDetailsPanel } from '../details/spanDetailsPanel';
import { button, h } from '../dom/element';
import { revealInvisible } from '../../src/model/revealInvisible';
import { changeTouches } from '../../src/model/traceListModel';
import { waterfallLayoutOf, waterfallSpanFromRow, type WaterfallSpan } from '../waterfall/waterfallModel';
import { fromWaterfallColumns, type WaterfallColumns } from '../../src/model/waterfallColumns';
import { WaterfallView } from '../waterfall/waterfallView';
import { traceHeaderFacts } from './traceHeader';
import { compareCandidates } from '../../src/model/compare/compareCandidates';
import { WaterfallToolbar } from './waterfallToolbar';
import { DetailsDock } from './detailsDock';
import { readTraceLayout, type TraceLayout } from './traceLayout';

/** Traces up to this size load every span's details at once; larger ones load them on first selection. */
const EAGER_DETAIL_SPANS = 20_000;
const REFRESH_DELAY_MS = 250;

/** One trace: header, the waterfall with the details panel beside it, and the breakdown tab. */
export class TracePage {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly facts: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly waterfall: WaterfallView;
  private readonly toolbar: WaterfallToolbar;
  private readonly details: SpanDetailsPanel;
  private readonly dock: DetailsDock;
  private layout: TraceLayout;
  private readonly tabs: VscodeTabs;
  private readonly breakdownPanel: HTMLElement;
  private spans: WaterfallSpan[] = [];
  private detail: TraceDetail | undefined;
  private detailById = new Map<string, Span>();
  private detailLoad: Promise<void> | undefined;
  private summary: TraceSummary | undefined;
  private showCritical = false;
  private breakdownLoaded = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshing = false;
  private refreshAgain = false;
  private lastRefreshMs = 0;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly actions: Actions,
    readonly traceId: string,
    private readonly initialSpanId: string | undefined,
  ) {
    this.details = new SpanDetailsPanel({
      canRevealSource: actions.canRevealSource,
      revealSource: (location) => actions.revealSource(location),
      canReplay: actions.canReplay,
      replaySpan: (traceId, spanId) => actions.replaySpan(traceId, spanId),
      openTrace: (traceId, spanId) => actions.openTrace(traceId, spanId),
    });
    this.waterfall = new WaterfallView({
      onSelect: (spanId) => this.showDetails(spanId),
      onStateChange: () => this.requestPersist(),
      onMatches: (current, total) => this.toolbar.setMatches(current, total, this.toolbar.search.value),
      onActivate: () => this.details.element.focus(),
    });
    this.layout = readTraceLayout(actions.savedState().layout);
    this.waterfall.restoreLabelWidth(this.layout.labelWidth);
    this.toolbar = new WaterfallToolbar({
      onSearch: (query) => this.waterfall.setQuery(query),
      onStep: (direction) => this.waterfall.stepMatch(direction),
      onCriticalPath: (show) => this.setCriticalPath(show),
      onExpandAll: () => this.waterfall.expandAll(),
      onCollapseAll: () => this.waterfall.collapseAll(),
      onResetZoom: () => this.waterfall.setWindow({ start: 0, end: 1 }),
    });
    this.dock = new DetailsDock(this.waterfall.element, this.details.element, this.layout, {
      onClose: () => {
        this.waterfall.selectSpan(undefined, { reveal: false, notify: true });
        this.waterfall.body.focus();
      },
      onLayoutChange: (layout) => {
        this.layout = { ...layout, labelWidth: this.layout.labelWidth };
        this.actions.saveState({ layout: this.layout });
      },
    });
    const split = this.dock.element;
    this.breakdownPanel = h('div', { className: 'breakdown-panel', text: 'Loading breakdown…' });
    this.tabs = document.createElement('vscode-tabs') as VscodeTabs;
    this.tabs.setAttribute('panel', '');
    this.tabs.classList.add('trace-tabs');
    this.tabs.append(
      h('vscode-tab-header', { attrs: { slot: 'header', 'data-tab': 'waterfall' }, text: 'Waterfall' }),
      h('vscode-tab-panel', { className: 'waterfall-panel' }, this.toolbar.element, split),
      h('vscode-tab-header', { attrs: { slot: 'header', 'data-tab': 'breakdown' }, text: 'Breakdown' }),
      h('vscode-tab-panel', { className: 'breakdown-tab' }, this.breakdownPanel),
    );
    this.tabs.addEventListener('vsc-tabs-select', (event) => {
      if (event.detail.selectedIndex === 1) void this.loadBreakdown();
      this.requestPersist();
    });
    this.facts = h('div', { className: 'trace-facts-holder' });
    this.banner = h('div', { className: 'banner', attrs: { role: 'status' } });
    this.banner.hidden = true;
    const back = actions.inVsCode
      ? null
      : button('Traces', () => actions.showList(), { icon: 'arrow-left', className: 'back-button', title: 'All traces' });
    const compare = button('Compare with previous run', () => void this.compareWithPrevious(), {
      icon: 'git-compare',
      className: 'compare-previous',
      title: 'Diff this run against the previous run of the same agent',
    });
    this.header = h(
      'header',
      { className: 'trace-header' },
      back,
      h('h1', { className: 'trace-name', text: 'Loading trace…' }),
      this.facts,
      compare,
    );
    this.element = h(
      'div',
      { className: 'trace-page', attrs: { 'data-trace-id': traceId, 'data-state': 'loading' } },
      this.header,
      this.banner,
      this.tabs,
    );
    this.element.addEventListener('keydown', (event) => {
      if (event.key === '/' && !(event.target instanceof HTMLInputElement) && event.target !== this.toolbar.search) {
        event.preventDefault();
        this.toolbar.search.focus();
      } else if (event.key === 'Escape' && this.dock.isOpen && !(event.target instanceof HTMLInputElement)) {
        event.preventDefault();
        this.waterfall.selectSpan(undefined, { reveal: false, notify: true });
        this.waterfall.body.focus();
      }
    });
    this.unsubscribe = actions.onTraceChange(
      (change) => {
        const touched = changeTouches(change, traceId);
        if (touched === 'updated') this.scheduleRefresh();
        else if (touched === 'removed')
          this.showBanner('This trace is no longer stored (evicted or deleted). What you see is the last version received.');
      },
      () => this.scheduleRefresh(),
    );
  }

  async start(): Promise<void> {
    try {
      performance.mark('loupe:trace:start');
      const [rows, summary] = await Promise.all([this.actions.loadWaterfall(this.traceId), this.actions.traceSummary(this.traceId)]);
      performance.mark('loupe:trace:fetched');
      if (this.disposed) return;
      if (!rows) {
        this.element.dataset.state = 'missing';
        this.header.querySelector('.trace-name')!.textContent = 'Trace not found';
        this.showBanner(`No trace ${this.traceId}: it was never received, or was evicted or deleted.`);
        return;
      }
      this.applyRows(rows, false);
      if (summary) this.showSummary(summary);
      const saved = this.actions.savedState().trace;
      if (saved?.traceId === this.traceId) {
        this.waterfall.applyUiState(saved);
        if (saved.tab === 'breakdown') this.selectTab(1);
      }
      if (this.initialSpanId) this.waterfall.selectSpan(this.initialSpanId, { reveal: true, notify: true });
      this.element.dataset.state = 'ready';
      this.element.dataset.rows = String(this.spans.length);
      performance.mark('loupe:trace:laid-out');
      if (this.spans.length <= EAGER_DETAIL_SPANS) setTimeout(() => void this.ensureDetail(), 0);
      // The view draws it with the first rows, or just after them for a large trace.
      this.setCriticalPath(true);
    } catch (error) {
      this.element.dataset.state = 'error';
      this.showBanner(`Could not load the trace: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Selects a span (e.g. when the host asks this panel to show one). */
  selectSpan(spanId: string): void {
    this.waterfall.selectSpan(spanId, { reveal: true, notify: true });
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    this.waterfall.dispose();
    this.dock.dispose();
    clearTimeout(this.refreshTimer);
    clearTimeout(this.persistTimer);
  }

  private applyRows(columns: WaterfallColumns, preserve: boolean): void {
    const spans = fromWaterfallColumns(columns).map(waterfallSpanFromRow);
    this.spans = spans;
    this.waterfall.setSpans(spans, preserve, waterfallLayoutOf(columns));
    const kinds = new Set<SpanKind>();
    for (const span of spans) kinds.add(span.kind);
    this.toolbar.setKinds(kinds);
    this.waterfall.setCriticalPath(this.showCritical);
  }

  private showSummary(summary: TraceSummary): void {
    this.summary = summary;
    this.header.querySelector('.trace-name')!.textContent = revealInvisible(summary.name || '(unnamed trace)');
    this.facts.replaceChildren(traceHeaderFacts(summary));
  }

  /** Opens the diff against the previous run of the same agent (or the newest other run). */
  private async compareWithPrevious(): Promise<void> {
    const summary = this.summary ?? (await this.actions.traceSummary(this.traceId));
    if (!summary) return;
    const [previous] = compareCandidates(summary, await this.actions.listTraces({ limit: 1000 }));
    if (previous) this.actions.show({ page: 'diff', traceA: previous.traceId, traceB: this.traceId });
    else this.showBanner('There is no other run to compare with.');
  }

  private showBanner(text: string): void {
    this.banner.textContent = text;
    this.banner.hidden = false;
  }

  private setCriticalPath(show: boolean): void {
    this.showCritical = show;
    this.toolbar.setCriticalPath(show);
    this.waterfall.setCriticalPath(show);
  }

  private ensureDetail(): Promise<void> {
    this.detailLoad ??= this.actions.query('getTrace', this.traceId).then((detail) => {
      if (!detail || this.disposed) return;
      this.acceptDetail(detail);
    });
    return this.detailLoad;
  }

  private acceptDetail(detail: TraceDetail): void {
    this.detail = detail;
    this.detailById = new Map(detail.spans.map((span) => [span.spanId, span]));
    this.showSummary(detail.summary);
    const selected = this.waterfall.selectedSpanId;
    if (selected) this.showDetails(selected);
  }

  private showDetails(spanId: string | undefined): void {
    this.dock.setOpen(spanId !== undefined);
    if (!spanId) {
      this.details.showEmpty();
      return;
    }
    const span = this.detailById.get(spanId);
    if (span && this.detail) {
      this.details.show(span, this.detail.summary.startTime);
      return;
    }
    const row = this.waterfall.spanModel.rows[this.waterfall.spanModel.rowById.get(spanId) ?? -1];
    if (row) this.details.showRow(row);
    const stillSelected = () => this.waterfall.selectedSpanId === spanId && !this.disposed;
    if (this.spans.length <= EAGER_DETAIL_SPANS) {
      void this.ensureDetail().then(() => {
        if (stillSelected() && this.detailById.has(spanId)) this.showDetails(spanId);
      });
      return;
    }
    // A large trace: fetch just this span rather than every span's details.
    this.actions.query('span', this.traceId, spanId).then(
      (loaded) => {
        if (!stillSelected()) return;
        if (loaded) this.details.show(loaded, this.summary?.startTime ?? loaded.startTime);
        else this.details.showMessage('This span is no longer stored.');
      },
      (error: unknown) => {
        if (stillSelected()) this.details.showMessage(`Could not load the span: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }

  private selectTab(index: number): void {
    this.tabs.selectedIndex = index;
    if (index === 1) void this.loadBreakdown();
  }

  private async loadBreakdown(): Promise<void> {
    if (this.breakdownLoaded) return;
    this.breakdownLoaded = true;
    try {
      const breakdown = await this.actions.query('breakdown', this.traceId);
      this.breakdownPanel.replaceChildren(
        breakdown ? breakdownView(breakdown) : h('div', { className: 'muted', text: 'No breakdown for this trace.' }),
      );
    } catch (error) {
      this.breakdownLoaded = false;
      this.breakdownPanel.textContent = `Could not load the breakdown: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private scheduleRefresh(): void {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    if (this.refreshTimer) return;
    // A big trace takes long to fetch: wait at least twice that between refreshes so the view stays usable.
    this.refreshTimer = setTimeout(
      () => {
        this.refreshTimer = undefined;
        void this.refresh();
      },
      Math.max(REFRESH_DELAY_MS, 2 * this.lastRefreshMs),
    );
  }

  /** Reloads a trace that grew, keeping zoom, scroll, collapse state and selection. */
  private async refresh(): Promise<void> {
    this.refreshing = true;
    const started = performance.now();
    try {
      const hadDetail = this.detail !== undefined;
      const [rows, summary, detail] = await Promise.all([
        this.actions.loadWaterfall(this.traceId),
        this.actions.traceSummary(this.traceId),
        hadDetail ? this.actions.query('getTrace', this.traceId) : Promise.resolve(undefined),
      ]);
      if (this.disposed || !rows) return;
      this.applyRows(rows, true);
      this.element.dataset.rows = String(this.spans.length);
      if (summary) this.showSummary(summary);
      if (detail) this.acceptDetail(detail);
      else if (!hadDetail && this.spans.length <= EAGER_DETAIL_SPANS) {
        this.detailLoad = undefined;
        void this.ensureDetail();
      } else if (!hadDetail) {
        this.showDetails(this.waterfall.selectedSpanId);
      }
      if (this.breakdownLoaded) {
        this.breakdownLoaded = false;
        if (this.tabs.selectedIndex === 1) void this.loadBreakdown();
      }
    } catch {
      // A failed refresh leaves the last good view; the next change tries again.
    } finally {
      this.lastRefreshMs = performance.now() - started;
      this.refreshing = false;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        this.scheduleRefresh();
      }
    }
  }

  private requestPersist(): void {
    clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => {
      if (this.disposed) return;
      this.layout = { ...this.layout, labelWidth: this.waterfall.userLabelWidth };
      this.actions.saveState({
        layout: this.layout,
        view: { page: 'trace', traceId: this.traceId },
        trace: { traceId: this.traceId, ...this.waterfall.uiState(), tab: this.tabs.selectedIndex === 1 ? 'breakdown' : 'waterfall' },
      });
    }, 400);
  }
}
