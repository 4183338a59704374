import { createRowSlot, fillRowSlot, placeRowBar, type RowContext, type RowSlot } from './waterfallRowSlot';
import type { ZoomWindow } from './zoomWindow';

/** What one frame draws: shown rows `first … end - 1` (positions in `visible`) and the marks on them. */
export interface RowFrame {
  first: number;
  end: number;
  visible: Int32Array;
  context: RowContext;
  window: ZoomWindow;
  trackWidth: number;
  selectedRow: number;
  currentMatch: number;
}

/**
 * A fixed set of row elements reused as the list scrolls. Position `v` always lands in slot
 * `v % size`, so a row keeps its element while it stays in range and scrolling by one row
 * re-fills one element; each slot skips work whose inputs did not change.
 */
export class RowPool {
  private readonly slots: RowSlot[] = [];

  constructor(private readonly container: HTMLElement) {}

  get size(): number {
    return this.slots.length;
  }

  /** Draws the frame; returns the element id of the selected row when it is drawn (for aria-activedescendant). */
  draw(frame: RowFrame, capacity: number): string | undefined {
    let selectedId: string | undefined;
    while (this.slots.length < capacity) {
      const slot = createRowSlot();
      slot.element.id = `wf-row-${this.slots.length}`;
      this.slots.push(slot);
      this.container.append(slot.element);
    }
    const size = this.slots.length;
    const used = new Uint8Array(size);
    for (let v = frame.first; v < frame.end; v++) {
      const k = v % size;
      const slot = this.slots[k];
      used[k] = 1;
      const row = frame.visible[v];
      if (slot.visibleIndex !== v || slot.row !== row || slot.context !== frame.context) {
        fillRowSlot(slot, v, row, frame.context);
        slot.element.hidden = false;
      }
      if (slot.window !== frame.window || slot.trackWidth !== frame.trackWidth) placeRowBar(slot, frame.window, frame.trackWidth);
      const selected = row === frame.selectedRow;
      if (selected) selectedId = slot.element.id;
      if (slot.selected !== selected) {
        slot.selected = selected;
        slot.element.classList.toggle('selected', selected);
        slot.element.setAttribute('aria-selected', String(selected));
      }
      const current = row === frame.currentMatch;
      if (slot.current !== current) {
        slot.current = current;
        slot.element.classList.toggle('current-match', current);
      }
    }
    for (let k = 0; k < size; k++) {
      const slot = this.slots[k];
      if (!used[k] && !slot.element.hidden) {
        slot.element.hidden = true;
        slot.visibleIndex = -1;
      }
    }
    return selectedId;
  }
}
