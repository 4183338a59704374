import { h } from '../dom/element';
import { attachWaterfallInput } from './waterfallInput';
import { Minimap } from './minimap';
import { SpanMatches, stepMatch } from './spanSearch';
import { criticalRows } from './criticalRows';
import { labelWidthFor } from '../trace/traceLayout';
import { TimeAxis } from './timeAxis';
import {
  buildWaterfallModel,
  waterfallModelFromLayout,
  type WaterfallLayout,
  type WaterfallModel,
  type WaterfallSpan,
} from './waterfallModel';
import { RowPool } from './rowPool';
import { ROW_HEIGHT, type RowContext } from './waterfallRowSlot';
import { rowWindow, scrollToReveal } from './viewport';
import { collapseFromDepth, collapsedFlags, collapsedIds, expandAncestors, visibleIndexOf, visibleRows } from './visibleRows';
import {
  FULL_WINDOW,
  carryWindow,
  centreWindowOn,
  clampWindow,
  isFullWindow,
  panWindow,
  timelineOf,
  windowOffsetsMs,
  zoomAround,
  type TraceTimeline,
  type ZoomWindow,
} from './zoomWindow';

const OVERSCAN = 10;
/** Below this name-column width the token and cost badges give way to the name. */
const NARROW_LABEL_WIDTH = 250;
/** Up to this many rows the critical path is drawn with the first rows; a larger trace adds it just after. */
const SYNC_CRITICAL_ROWS = 20_000;

export interface WaterfallCallbacks {
  onSelect(spanId: string | undefined): void;
  /** Something worth persisting changed (collapse, zoom, selection, scroll). */
  onStateChange(): void;
  onMatches(current: number, total: number): void;
  /** Enter on a row: show its details. */
  onActivate(spanId: string): void;
}

export interface WaterfallUiState {
  collapsed: string[];
  selectedSpanId?: string;
  zoom?: ZoomWindow;
  topSpanId?: string;
}

/**
 * The virtualized waterfall: only the rows in view (plus a margin) exist as DOM, pooled and
 * re-filled on scroll; bars are placed from the zoom window, so zooming and panning never
 * rebuild rows. All work happens in one requestAnimationFrame callback per frame.
 */
export class WaterfallView {
  readonly element: HTMLDivElement;
  readonly body: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly track: HTMLDivElement;
  private readonly top: HTMLDivElement;
  private readonly axis = new TimeAxis();
  private readonly minimap: Minimap;
  private model: WaterfallModel = buildWaterfallModel([]);
  private collapsed: Uint8Array = new Uint8Array(0);
  private visible: Int32Array = new Int32Array(0);
  private timeline: TraceTimeline = timelineOf(0, 0);
  private window: ZoomWindow = FULL_WINDOW;
  private selectedRow = -1;
  private query = '';
  private readonly matches = new SpanMatches();
  /** Computed on first use per model (the path of a 100,000-span trace takes a moment). */
  private critical: Map<number, number[]> | undefined;
  /** The frame, then the timer, after which the critical path of a large trace is found. */
  private criticalFrame: number | undefined;
  private criticalTimer: ReturnType<typeof setTimeout> | undefined;
  private showCritical = false;
  private context: RowContext;
  private readonly rows: RowPool;
  private trackWidth = 0;
  private viewportHeight = 0;
  private labelWidth = labelWidthFor({}, 0);
  /** The name-column width the user dragged to, if any; otherwise it follows the waterfall's width. */
  private chosenLabelWidth: number | undefined;
  /** Changes with the VS Code theme (body classes); the minimap's colours follow it. */
  private themeKey = '';
  private frame = 0;
  private activeDescendant: string | undefined;
  private readonly resizeObserver: ResizeObserver;
  private readonly themeObserver: MutationObserver;
  private readonly darkScheme = matchMedia('(prefers-color-scheme: dark)');
  private readonly onSchemeChange = () => this.measure();

  constructor(private readonly callbacks: WaterfallCallbacks) {
    this.minimap = new Minimap((window) => this.setWindow(window));
    const resizer = h('div', { className: 'wf-resizer', title: 'Drag to resize the name column', attrs: { role: 'separator' } });
    this.track = h('div', { className: 'wf-top-track' }, this.minimap.element, this.axis.element);
    this.top = h('div', { className: 'wf-top' }, h('div', { className: 'wf-top-label' }, h('span', { text: 'Span' }), resizer), this.track);
    this.spacer = h('div', { className: 'wf-spacer' });
    this.rows = new RowPool(this.spacer);
    this.body = h('div', { className: 'wf-body', attrs: { tabindex: 0, role: 'tree', 'aria-label': 'Spans' } }, this.spacer);
    this.element = h('div', { className: 'waterfall' }, this.top, this.body);
    this.element.style.setProperty('--wf-label-width', `${this.labelWidth}px`);
    this.context = this.makeContext();
    this.body.addEventListener('scroll', () => this.requestRender(), { passive: true });
    this.resizeObserver = new ResizeObserver(() => this.measure());
    this.resizeObserver.observe(this.body);
    // VS Code switches themes by changing body classes; browsers by the colour-scheme query.
    this.themeObserver = new MutationObserver(() => this.measure());
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.darkScheme.addEventListener('change', this.onSchemeChange);
    attachWaterfallInput(this, resizer);
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.themeObserver.disconnect();
    this.darkScheme.removeEventListener('change', this.onSchemeChange);
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.criticalFrame !== undefined) cancelAnimationFrame(this.criticalFrame);
    clearTimeout(this.criticalTimer);
  }

  // ── data ──────────────────────────────────────────────────────────────

  /**
   * Shows a (new version of a) trace. With `preserve`, collapse state, selection, zoom (in trace
   * time) and the top row stay where they were, so a growing trace updates in place. A `layout`
   * from the engine (spans already in display order) spares laying the spans out again.
   */
  setSpans(spans: readonly WaterfallSpan[], preserve: boolean, layout?: WaterfallLayout): void {
    const previous = preserve ? this.uiState() : undefined;
    const previousTimeline = this.timeline;
    const scrollOffset = this.body.scrollTop % ROW_HEIGHT;
    this.model = layout ? waterfallModelFromLayout(spans, layout) : buildWaterfallModel(spans);
    this.timeline = timelineOf(this.model.traceStart, this.model.traceEnd);
    this.collapsed = collapsedFlags(this.model, previous?.collapsed ?? []);
    this.visible = visibleRows(this.model, this.collapsed);
    this.selectedRow = previous?.selectedSpanId ? (this.model.rowById.get(previous.selectedSpanId) ?? -1) : -1;
    this.window = previous ? carryWindow(this.window, previousTimeline, this.timeline) : FULL_WINDOW;
    this.critical = undefined;
    this.recomputeMatches(false);
    this.updateContent();
    this.spacer.style.height = `${this.visible.length * ROW_HEIGHT}px`;
    if (previous?.topSpanId) this.scrollToSpan(previous.topSpanId, scrollOffset);
    else if (!previous) this.body.scrollTop = 0;
    this.requestRender();
  }

  get spanModel(): WaterfallModel {
    return this.model;
  }

  get rowCount(): number {
    return this.visible.length;
  }

  // ── UI state ──────────────────────────────────────────────────────────

  uiState(): WaterfallUiState {
    const topIndex = Math.floor(this.body.scrollTop / ROW_HEIGHT);
    const topRow = this.visible[Math.min(topIndex, this.visible.length - 1)];
    return {
      collapsed: collapsedIds(this.model, this.collapsed),
      selectedSpanId: this.selectedRow >= 0 ? this.model.rows[this.selectedRow].spanId : undefined,
      zoom: isFullWindow(this.window) ? undefined : { ...this.window },
      topSpanId: topRow !== undefined && topIndex > 0 ? this.model.rows[topRow].spanId : undefined,
    };
  }

  applyUiState(state: WaterfallUiState): void {
    this.collapsed = collapsedFlags(this.model, state.collapsed ?? []);
    this.afterCollapseChange();
    if (state.zoom) this.window = clampWindow(state.zoom);
    if (state.topSpanId) this.scrollToSpan(state.topSpanId, 0);
    if (state.selectedSpanId) this.selectSpan(state.selectedSpanId, { reveal: !state.topSpanId, notify: true });
    this.requestRender();
  }

  // ── selection and navigation ──────────────────────────────────────────

  get selectedSpanId(): string | undefined {
    return this.selectedRow >= 0 ? this.model.rows[this.selectedRow].spanId : undefined;
  }

  selectSpan(spanId: string | undefined, options: { reveal: boolean; notify: boolean }): void {
    const row = spanId === undefined ? -1 : (this.model.rowById.get(spanId) ?? -1);
    this.selectRow(row, options);
  }

  selectRow(row: number, options: { reveal: boolean; notify: boolean }): void {
    this.selectedRow = row;
    if (row >= 0 && options.reveal) this.revealRow(row, false);
    this.requestRender();
    if (options.notify) this.callbacks.onSelect(this.selectedSpanId);
    this.callbacks.onStateChange();
  }

  get selectedRowIndex(): number {
    return this.selectedRow;
  }

  /** Moves the selection by `delta` shown rows (clamped). */
  moveSelection(delta: number): void {
    if (this.visible.length === 0) return;
    const at = this.selectedRow >= 0 ? visibleIndexOf(this.visible, this.selectedRow) : -1;
    const next = at < 0 ? (delta > 0 ? 0 : this.visible.length - 1) : Math.max(0, Math.min(this.visible.length - 1, at + delta));
    this.selectRow(this.visible[next], { reveal: true, notify: true });
  }

  moveSelectionTo(position: 'first' | 'last'): void {
    if (this.visible.length === 0) return;
    this.selectRow(this.visible[position === 'first' ? 0 : this.visible.length - 1], { reveal: true, notify: true });
  }

  get pageRows(): number {
    return Math.max(1, Math.floor(this.viewportHeight / ROW_HEIGHT) - 1);
  }

  activateSelection(): void {
    const spanId = this.selectedSpanId;
    if (spanId) this.callbacks.onActivate(spanId);
  }

  /** Right arrow: expand, or step into the first child. */
  expandOrEnter(): void {
    const row = this.selectedRow;
    if (row < 0 || this.model.childCount[row] === 0) return;
    if (this.collapsed[row]) this.toggleRow(row);
    else this.selectRow(row + 1, { reveal: true, notify: true });
  }

  /** Left arrow: collapse, or step out to the parent. */
  collapseOrLeave(): void {
    const row = this.selectedRow;
    if (row < 0) return;
    if (this.model.childCount[row] > 0 && !this.collapsed[row]) this.toggleRow(row);
    else if (this.model.parent[row] >= 0) this.selectRow(this.model.parent[row], { reveal: true, notify: true });
  }

  // ── collapse ──────────────────────────────────────────────────────────

  toggleRow(row: number): void {
    if (row < 0 || this.model.childCount[row] === 0) return;
    this.collapsed = this.collapsed.slice();
    this.collapsed[row] = this.collapsed[row] ? 0 : 1;
    this.afterCollapseChange();
  }

  expandAll(): void {
    this.collapsed = new Uint8Array(this.model.rows.length);
    this.afterCollapseChange();
  }

  /** Collapses everything below the top level. */
  collapseAll(): void {
    this.collapsed = collapseFromDepth(this.model, 1);
    this.afterCollapseChange();
  }

  private afterCollapseChange(): void {
    this.visible = visibleRows(this.model, this.collapsed);
    this.spacer.style.height = `${this.visible.length * ROW_HEIGHT}px`;
    this.updateContent();
    this.callbacks.onStateChange();
  }

  private revealRow(row: number, centreInTime: boolean): void {
    const expanded = expandAncestors(this.model, this.collapsed, row);
    if (expanded !== this.collapsed) {
      this.collapsed = expanded;
      this.afterCollapseChange();
    }
    const index = visibleIndexOf(this.visible, row);
    if (index >= 0) this.body.scrollTop = scrollToReveal(this.body.scrollTop, this.viewportHeight, ROW_HEIGHT, index);
    if (centreInTime) {
      const span = this.model.rows[row];
      const start = (span.startTime - this.timeline.traceStart) / this.timeline.duration;
      const end = (span.endTime - this.timeline.traceStart) / this.timeline.duration;
      if (end < this.window.start || start > this.window.end) this.setWindow(centreWindowOn(this.window, (start + end) / 2));
    }
  }

  private scrollToSpan(spanId: string, offset: number): void {
    const row = this.model.rowById.get(spanId);
    const index = row === undefined ? -1 : visibleIndexOf(this.visible, row);
    if (index >= 0) this.body.scrollTop = index * ROW_HEIGHT + offset;
  }

  // ── search ────────────────────────────────────────────────────────────

  setQuery(query: string): void {
    this.query = query;
    this.recomputeMatches(true);
    this.updateContent();
  }

  stepMatch(direction: 1 | -1): void {
    const from = this.matches.current >= 0 ? this.matches.current : this.selectedRow;
    const row = stepMatch(this.matches.rows, from, direction);
    if (row < 0) return;
    this.matches.current = row;
    this.selectedRow = row;
    this.revealRow(row, true);
    this.callbacks.onSelect(this.selectedSpanId);
    this.reportMatches();
    this.requestRender();
  }

  private recomputeMatches(jump: boolean): void {
    this.matches.update(this.model, this.query);
    this.reportMatches();
    if (jump && this.matches.rows.length > 0 && this.matches.current < 0) this.stepMatch(1);
  }

  private reportMatches(): void {
    this.callbacks.onMatches(this.matches.position, this.matches.rows.length);
  }

  // ── critical path ─────────────────────────────────────────────────────

  setCriticalPath(show: boolean): void {
    this.showCritical = show;
    this.element.classList.toggle('show-critical', show);
    this.updateContent();
  }

  // ── zoom ──────────────────────────────────────────────────────────────

  get zoomWindow(): ZoomWindow {
    return this.window;
  }

  setWindow(window: ZoomWindow): void {
    this.window = clampWindow(window);
    this.requestRender();
    this.callbacks.onStateChange();
  }

  zoomBy(factor: number, anchor = 0.5): void {
    this.setWindow(zoomAround(this.window, anchor, factor));
  }

  panBy(delta: number): void {
    this.setWindow(panWindow(this.window, delta));
  }

  zoomToRow(row: number): void {
    const span = this.model.rows[row];
    if (!span) return;
    const start = (span.startTime - this.timeline.traceStart) / this.timeline.duration;
    const end = (span.endTime - this.timeline.traceStart) / this.timeline.duration;
    const pad = Math.max((end - start) * 0.05, 1e-6);
    this.setWindow({ start: start - pad, end: end + pad });
  }

  /** Track-relative x (0..1 across the timeline) of a client x coordinate. */
  trackFraction(clientX: number): number {
    const rect = this.body.getBoundingClientRect();
    const x = clientX - rect.left - this.labelWidth;
    return this.trackWidth > 0 ? x / this.trackWidth : 0.5;
  }

  get timelineWidth(): number {
    return this.trackWidth;
  }

  /** The user drags the name column's edge. */
  setLabelWidth(width: number): void {
    this.chosenLabelWidth = labelWidthFor({ labelWidth: width }, this.body.clientWidth);
    this.measure();
  }

  /** The drag ended: the width is worth remembering. */
  commitLabelWidth(): void {
    this.callbacks.onStateChange();
  }

  /** A remembered name-column width (kept within what the panel allows at each resize). */
  restoreLabelWidth(width: number | undefined): void {
    this.chosenLabelWidth = width;
    this.measure();
  }

  get userLabelWidth(): number | undefined {
    return this.chosenLabelWidth;
  }

  get currentLabelWidth(): number {
    return this.labelWidth;
  }

  // ── rendering ─────────────────────────────────────────────────────────

  private makeContext(): RowContext {
    if (this.showCritical && !this.critical) {
      if (this.model.rows.length <= SYNC_CRITICAL_ROWS) this.critical = criticalRows(this.model, this.timeline);
      else this.scheduleCritical();
    }
    return {
      model: this.model,
      collapsed: this.collapsed,
      query: this.query,
      matchFlags: this.matches.flags,
      critical: this.showCritical ? this.critical : undefined,
      timeline: this.timeline,
    };
  }

  /** A large trace shows its rows first; the critical path follows once they are on screen. */
  private scheduleCritical(): void {
    if (this.criticalFrame !== undefined || this.criticalTimer !== undefined) return;
    // A timer set from the next frame's callback runs after that frame is painted.
    this.criticalFrame = requestAnimationFrame(() => {
      this.criticalFrame = undefined;
      this.criticalTimer = setTimeout(() => {
        this.criticalTimer = undefined;
        if (!this.showCritical || this.critical) return;
        this.critical = criticalRows(this.model, this.timeline);
        this.updateContent();
      }, 0);
    });
  }

  private updateContent(): void {
    this.context = this.makeContext();
    this.requestRender();
  }

  private measure(): void {
    this.themeKey = `${document.body.className}|${this.darkScheme.matches}`;
    this.viewportHeight = this.body.clientHeight;
    const labelWidth = labelWidthFor({ labelWidth: this.chosenLabelWidth }, this.body.clientWidth);
    if (labelWidth !== this.labelWidth) {
      this.labelWidth = labelWidth;
      this.element.style.setProperty('--wf-label-width', `${labelWidth}px`);
      // A narrow name column keeps the name readable; tokens and cost stay in the details.
      this.element.classList.toggle('narrow-labels', labelWidth < NARROW_LABEL_WIDTH);
    }
    this.trackWidth = Math.max(0, this.body.clientWidth - this.labelWidth);
    // Line the ruler up with the rows when the body shows a vertical scrollbar.
    this.top.style.paddingRight = `${Math.max(0, this.body.offsetWidth - this.body.clientWidth)}px`;
    this.requestRender();
  }

  requestRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Renders now (used by the frame callback and by tests that need a synchronous paint). */
  render(): void {
    const scrollTop = this.body.scrollTop;
    const count = this.visible.length;
    const { first, end } = rowWindow(scrollTop, this.viewportHeight, ROW_HEIGHT, count, OVERSCAN);
    const capacity = Math.ceil(this.viewportHeight / ROW_HEIGHT) + 2 * OVERSCAN + 2;
    const selectedId = this.rows.draw(
      {
        first,
        end,
        visible: this.visible,
        context: this.context,
        window: this.window,
        trackWidth: this.trackWidth,
        selectedRow: this.selectedRow,
        currentMatch: this.matches.current,
      },
      capacity,
    );
    if (selectedId !== this.activeDescendant) {
      this.activeDescendant = selectedId;
      if (selectedId) this.body.setAttribute('aria-activedescendant', selectedId);
      else this.body.removeAttribute('aria-activedescendant');
    }
    const [fromMs, toMs] = windowOffsetsMs(this.timeline, this.window);
    this.axis.render(this.trackWidth, fromMs, toMs);
    this.minimap.draw(this.model, this.visible, this.timeline, this.themeKey, this.trackWidth);
    this.minimap.setWindow(this.window);
    const shown = this.viewportHeight / ROW_HEIGHT;
    this.minimap.setRowBand(count ? scrollTop / ROW_HEIGHT / count : 0, count ? (scrollTop / ROW_HEIGHT + shown) / count : 1);
  }
}
