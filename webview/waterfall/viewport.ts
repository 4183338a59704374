/** The rows to render for a scroll position: the visible ones plus `overscan` on each side (end exclusive). */
export function rowWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  rowCount: number,
  overscan: number,
): { first: number; end: number } {
  if (rowCount <= 0 || rowHeight <= 0) return { first: 0, end: 0 };
  const top = Math.max(0, Math.floor(scrollTop / rowHeight));
  const bottom = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewportHeight)) / rowHeight);
  const first = Math.max(0, Math.min(rowCount - 1, top - overscan));
  const end = Math.min(rowCount, Math.max(first + 1, bottom + overscan));
  return { first, end };
}

/** The scroll position that brings visible row `index` into view, or the current one when it already is. */
export function scrollToReveal(scrollTop: number, viewportHeight: number, rowHeight: number, index: number): number {
  const rowTop = index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  if (rowTop < scrollTop) return rowTop;
  if (rowBottom > scrollTop + viewportHeight) return Math.max(0, rowBottom - viewportHeight);
  return scrollTop;
}
