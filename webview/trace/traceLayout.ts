/** Where the span details sit: beside the waterfall, or below it when the panel is narrow. */
export type DetailsPlacement = 'side' | 'below';

/** Layout choices worth remembering; anything unset follows the panel's size. */
export interface TraceLayout {
  placement?: DetailsPlacement;
  /** Width of the details beside the waterfall, px. */
  detailsWidth?: number;
  /** Height of the details below the waterfall, px. */
  detailsHeight?: number;
  /** Width of the span-name column, px. */
  labelWidth?: number;
}

/** Below this panel width the details go under the waterfall, so the timeline keeps the width. */
export const SIDE_PLACEMENT_MIN_WIDTH = 1000;
/** The timeline never gets less than this when the details sit beside it. */
export const MIN_TIMELINE_WIDTH = 320;
const MIN_DETAILS_WIDTH = 260;
const MIN_DETAILS_HEIGHT = 140;
const MIN_WATERFALL_HEIGHT = 160;
const MIN_LABEL_WIDTH = 120;
const MAX_DEFAULT_LABEL_WIDTH = 320;
const MIN_DEFAULT_LABEL_WIDTH = 160;

function clamp(value: number, low: number, high: number): number {
  return Math.round(Math.min(Math.max(value, low), Math.max(low, high)));
}

export function placementFor(layout: TraceLayout, panelWidth: number): DetailsPlacement {
  return layout.placement ?? (panelWidth >= SIDE_PLACEMENT_MIN_WIDTH ? 'side' : 'below');
}

/** Details beside the waterfall: the chosen width, or a third of the panel, leaving the waterfall room. */
export function detailsWidthFor(layout: TraceLayout, panelWidth: number): number {
  return clamp(layout.detailsWidth ?? panelWidth * 0.32, MIN_DETAILS_WIDTH, panelWidth - MIN_TIMELINE_WIDTH - MIN_LABEL_WIDTH);
}

/** Details below the waterfall: the chosen height, or 40% of the panel. */
export function detailsHeightFor(layout: TraceLayout, panelHeight: number): number {
  return clamp(layout.detailsHeight ?? panelHeight * 0.4, MIN_DETAILS_HEIGHT, panelHeight - MIN_WATERFALL_HEIGHT);
}

/** The span-name column: the chosen width, or about a quarter of the waterfall, never squeezing the timeline. */
export function labelWidthFor(layout: TraceLayout, waterfallWidth: number): number {
  const most = waterfallWidth - Math.min(MIN_TIMELINE_WIDTH, waterfallWidth / 2);
  if (layout.labelWidth !== undefined) return clamp(layout.labelWidth, MIN_LABEL_WIDTH, most);
  return clamp(clamp(waterfallWidth * 0.26, MIN_DEFAULT_LABEL_WIDTH, MAX_DEFAULT_LABEL_WIDTH), MIN_LABEL_WIDTH, most);
}

/** A saved layout from page state, keeping only well-formed fields (the state is the page's own, but may be old). */
export function readTraceLayout(value: unknown): TraceLayout {
  if (typeof value !== 'object' || value === null) return {};
  const source = value as Record<string, unknown>;
  const size = (key: string) => {
    const v = source[key];
    return typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 100_000 ? v : undefined;
  };
  const placement = source.placement === 'side' || source.placement === 'below' ? source.placement : undefined;
  const layout: TraceLayout = {};
  if (placement) layout.placement = placement;
  const detailsWidth = size('detailsWidth');
  if (detailsWidth) layout.detailsWidth = detailsWidth;
  const detailsHeight = size('detailsHeight');
  if (detailsHeight) layout.detailsHeight = detailsHeight;
  const labelWidth = size('labelWidth');
  if (labelWidth) layout.labelWidth = labelWidth;
  return layout;
}
