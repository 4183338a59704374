import { formatCost, formatDuration, formatSlowness, formatTokens } from '../../src/model/formatValues';
import { h, icon } from '../dom/element';
import { revealInvisible } from '../../src/model/revealInvisible';
import { safeKind } from '../../src/model/spanKinds';
import { highlightPieces } from './spanSearch';
import type { WaterfallModel } from './waterfallModel';
import { placeBar, type TraceTimeline, type ZoomWindow } from './zoomWindow';

export const ROW_HEIGHT = 24;
const INDENT_PX = 14;
/** Names are cut for the row (the details panel shows them whole): layout of huge strings is slow. */
const MAX_ROW_NAME = 200;
const MAX_TITLE = 500;
const MAX_SEGMENTS = 24;

/** What every row needs to know to draw itself; rebuilt when any of it changes. */
export interface RowContext {
  model: WaterfallModel;
  collapsed: Uint8Array;
  query: string;
  matchFlags: Uint8Array | undefined;
  /** Per row on the critical path: [start, end] pairs as fractions of the trace (like the zoom window). */
  critical: Map<number, number[]> | undefined;
  timeline: TraceTimeline;
}

/** One pooled row element; filled with different spans as the list scrolls. */
export interface RowSlot {
  element: HTMLDivElement;
  label: HTMLDivElement;
  toggle: HTMLSpanElement;
  swatch: HTMLSpanElement;
  name: HTMLSpanElement;
  errorMark: HTMLSpanElement;
  tokens: HTMLSpanElement;
  cost: HTMLSpanElement;
  bar: HTMLDivElement;
  barLabel: HTMLSpanElement;
  segments: HTMLDivElement[];
  visibleIndex: number;
  row: number;
  context: RowContext | undefined;
  window: ZoomWindow | undefined;
  trackWidth: number;
  selected: boolean;
  current: boolean;
}

export function createRowSlot(): RowSlot {
  const toggle = h('span', { className: 'wf-toggle', attrs: { 'aria-hidden': 'true' } }, icon('chevron-down'));
  const swatch = h('span', { className: 'wf-swatch' });
  const name = h('span', { className: 'wf-name' });
  const errorMark = h('span', { className: 'wf-error-mark', title: 'Error' }, icon('error'));
  const tokens = h('span', { className: 'wf-badge wf-tokens' });
  const cost = h('span', { className: 'wf-badge wf-cost' });
  const label = h('div', { className: 'wf-label' }, toggle, swatch, name, errorMark, tokens, cost);
  const bar = h('div', { className: 'wf-bar' });
  const barLabel = h('span', { className: 'wf-bar-label' });
  const track = h('div', { className: 'wf-track' }, bar, barLabel);
  const element = h('div', { className: 'wf-row', attrs: { role: 'treeitem' } }, label, track);
  return {
    element,
    label,
    toggle,
    swatch,
    name,
    errorMark,
    tokens,
    cost,
    bar,
    barLabel,
    segments: [],
    visibleIndex: -1,
    row: -1,
    context: undefined,
    window: undefined,
    trackWidth: 0,
    selected: false,
    current: false,
  };
}

function setName(slot: RowSlot, name: string, query: string, matches: boolean): void {
  const shown = revealInvisible(name.length > MAX_ROW_NAME ? `${name.slice(0, MAX_ROW_NAME)}…` : name);
  if (!matches || !query) {
    slot.name.textContent = shown;
    return;
  }
  slot.name.replaceChildren(
    ...highlightPieces(shown, query).map((piece) => (piece.match ? h('mark', { text: piece.text }) : document.createTextNode(piece.text))),
  );
}

/** Fills a slot with row `row` (shown at position `visibleIndex`). */
export function fillRowSlot(slot: RowSlot, visibleIndex: number, row: number, context: RowContext): void {
  const { model } = context;
  const span = model.rows[row];
  const kind = safeKind(span.kind);
  const hasChildren = model.childCount[row] > 0;
  const collapsed = hasChildren && context.collapsed[row] === 1;
  const error = span.status === 'error';
  const match = context.matchFlags ? context.matchFlags[row] === 1 : false;
  const element = slot.element;

  element.className = `wf-row kind-${kind}${error ? ' error' : ''}${match ? ' match' : ''}${context.critical?.has(row) ? ' critical' : ''}${
    model.orphan[row] ? ' orphan' : ''
  }${span.slow ? ' slow' : ''}`;
  // className was just replaced, so the selection marks must be set again by the caller.
  slot.selected = false;
  slot.current = false;
  element.removeAttribute('aria-selected');
  element.dataset.row = String(row);
  element.dataset.spanId = span.spanId;
  element.style.transform = `translateY(${visibleIndex * ROW_HEIGHT}px)`;
  element.setAttribute('aria-level', String(model.depth[row] + 1));
  if (hasChildren) element.setAttribute('aria-expanded', String(!collapsed));
  else element.removeAttribute('aria-expanded');
  const duration = Math.max(0, span.endTime - span.startTime);
  const title = revealInvisible(span.name.length > MAX_TITLE ? `${span.name.slice(0, MAX_TITLE)}…` : span.name);
  element.title = `${title}\n${formatDuration(duration)}${span.slow ? ` · slow: ${formatSlowness(span.slow)}` : ''}${
    model.orphan[row] ? '\n(parent span not received)' : ''
  }`;

  slot.label.style.paddingLeft = `${4 + Math.min(model.depth[row], 60) * INDENT_PX}px`;
  slot.toggle.classList.toggle('leaf', !hasChildren);
  slot.toggle.classList.toggle('collapsed', collapsed);
  slot.swatch.className = `wf-swatch kind-${kind}`;
  setName(slot, span.name, context.query, match);
  slot.errorMark.hidden = !error;
  const tokens = span.tokens ?? 0;
  slot.tokens.hidden = !(tokens > 0);
  if (tokens > 0) slot.tokens.textContent = `${formatTokens(tokens)} tok`;
  const cost = span.costUsd;
  slot.cost.hidden = !(typeof cost === 'number' && cost > 0);
  if (typeof cost === 'number' && cost > 0) slot.cost.textContent = formatCost(cost);
  slot.bar.className = `wf-bar kind-${kind}${error ? ' error' : ''}`;
  slot.barLabel.textContent = span.slow ? `${formatDuration(duration)} · ${span.slow.ratio.toFixed(1)}× usual` : formatDuration(duration);

  slot.visibleIndex = visibleIndex;
  slot.row = row;
  slot.context = context;
  slot.window = undefined;
}

/**
 * A row's critical stretches as view fractions, clipped to the view, with neighbours closer than
 * two pixels merged and at most MAX_SEGMENTS kept (the last absorbs the rest): a parent with
 * thousands of short gaps between children draws a few marks, not thousands of elements.
 */
export function mergeForView(pairs: readonly number[], window: ZoomWindow, trackWidth: number): number[] {
  const viewWidth = window.end - window.start;
  const gap = trackWidth > 0 ? 2 / trackWidth : 0.004;
  const out: number[] = [];
  for (let k = 0; k < pairs.length; k += 2) {
    const from = Math.max(-0.01, (pairs[k] - window.start) / viewWidth);
    const to = Math.min(1.01, (pairs[k + 1] - window.start) / viewWidth);
    if (to < 0 || from > 1 || to < from) continue;
    const last = out.length - 1;
    if (last > 0 && (from - out[last] < gap || out.length >= 2 * MAX_SEGMENTS)) out[last] = Math.max(out[last], to);
    else out.push(from, to);
  }
  return out;
}

/** Positions the slot's bar for the zoom window; `trackWidth` (px) sets the one-pixel minimum. */
export function placeRowBar(slot: RowSlot, window: ZoomWindow, trackWidth: number): void {
  const context = slot.context;
  if (!context || slot.row < 0) return;
  const span = context.model.rows[slot.row];
  const { timeline } = context;
  const start = (span.startTime - timeline.traceStart) / timeline.duration;
  const end = (span.endTime - timeline.traceStart) / timeline.duration;
  const placement = placeBar(window, start, end, trackWidth > 0 ? 1 / trackWidth : 0.001);
  slot.bar.hidden = !placement.visible;
  slot.barLabel.hidden = !placement.visible;
  slot.bar.style.left = `${placement.left * 100}%`;
  slot.bar.style.width = `${placement.width * 100}%`;
  const right = placement.left + placement.width;
  // The duration sits after the bar, or before it when the bar reaches the right edge.
  const labelAfter = right < 0.8;
  slot.barLabel.classList.toggle('before', !labelAfter);
  if (labelAfter) {
    slot.barLabel.style.left = `${Math.max(0, right) * 100}%`;
    slot.barLabel.style.right = '';
  } else {
    slot.barLabel.style.left = '';
    slot.barLabel.style.right = `${Math.max(0, 1 - Math.max(0, placement.left)) * 100}%`;
  }
  const pairs = placement.visible ? context.critical?.get(slot.row) : undefined;
  const shown = pairs ? mergeForView(pairs, window, trackWidth) : [];
  while (slot.segments.length < shown.length / 2) {
    const segment = h('div', { className: 'wf-critical' });
    slot.bar.append(segment);
    slot.segments.push(segment);
  }
  for (let k = 0; k < slot.segments.length; k++) {
    const segment = slot.segments[k];
    const on = k < shown.length / 2;
    if (segment.hidden === on) segment.hidden = !on;
    if (!on || placement.width <= 0) continue;
    segment.style.left = `${((shown[2 * k] - placement.left) / placement.width) * 100}%`;
    segment.style.width = `${((shown[2 * k + 1] - shown[2 * k]) / placement.width) * 100}%`;
  }
  slot.window = window;
  slot.trackWidth = trackWidth;
}
