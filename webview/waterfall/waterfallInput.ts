import type { WaterfallView } from './waterfallView';
import { panWindow } from './zoomWindow';

const DRAG_THRESHOLD_PX = 4;

function rowOf(target: EventTarget | null): number {
  const element = target instanceof Element ? target.closest<HTMLElement>('.wf-row') : null;
  const row = element?.dataset.row;
  return row === undefined ? -1 : Number(row);
}

/**
 * Mouse, wheel and keyboard for the waterfall. Wheel scrolls rows; Ctrl/⌘+wheel zooms at the
 * pointer; Shift+wheel or a horizontal swipe pans; dragging the timeline pans; click selects,
 * double-click zooms to a span. Keys: ↑↓ PgUp PgDn Home End select, ← → collapse/expand,
 * Enter details, + − zoom, 0 reset, [ ] pan.
 */
export function attachWaterfallInput(view: WaterfallView, resizer: HTMLElement): void {
  const body = view.body;

  body.addEventListener(
    'wheel',
    (event) => {
      const horizontal = Math.abs(event.deltaX) > Math.abs(event.deltaY);
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault();
        const factor = Math.exp(Math.max(-1, Math.min(1, event.deltaY / 300)));
        view.zoomBy(factor, Math.max(0, Math.min(1, view.trackFraction(event.clientX))));
      } else if (event.shiftKey || horizontal) {
        event.preventDefault();
        const delta = horizontal ? event.deltaX : event.deltaY;
        view.panBy(delta / Math.max(200, view.timelineWidth));
      }
    },
    { passive: false },
  );

  let suppressClick = false;
  body.addEventListener('pointerdown', (event) => {
    if (event.button !== 0 || !(event.target instanceof Element) || !event.target.closest('.wf-track')) return;
    const startX = event.clientX;
    const startWindow = view.zoomWindow;
    let dragging = false;
    const onMove = (move: PointerEvent) => {
      const dx = move.clientX - startX;
      if (!dragging && Math.abs(dx) < DRAG_THRESHOLD_PX) return;
      if (!dragging) {
        dragging = true;
        body.setPointerCapture(event.pointerId);
        body.classList.add('panning');
      }
      view.setWindow(panWindow(startWindow, -dx / (view.timelineWidth || 1)));
    };
    const onUp = () => {
      body.removeEventListener('pointermove', onMove);
      body.removeEventListener('pointerup', onUp);
      body.removeEventListener('pointercancel', onUp);
      body.classList.remove('panning');
      suppressClick = dragging;
    };
    body.addEventListener('pointermove', onMove);
    body.addEventListener('pointerup', onUp);
    body.addEventListener('pointercancel', onUp);
  });

  body.addEventListener('click', (event) => {
    if (suppressClick) {
      suppressClick = false;
      return;
    }
    const row = rowOf(event.target);
    if (row < 0) return;
    if (event.target instanceof Element && event.target.closest('.wf-toggle')) view.toggleRow(row);
    else view.selectRow(row, { reveal: false, notify: true });
  });

  body.addEventListener('dblclick', (event) => {
    const row = rowOf(event.target);
    if (row >= 0 && !(event.target instanceof Element && event.target.closest('.wf-toggle'))) view.zoomToRow(row);
  });

  body.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const handled = handleKey(view, event.key);
    if (handled) event.preventDefault();
  });

  resizer.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    resizer.setPointerCapture(event.pointerId);
    const startX = event.clientX;
    const startWidth = view.currentLabelWidth;
    const onMove = (move: PointerEvent) => view.setLabelWidth(startWidth + move.clientX - startX);
    const onUp = () => {
      resizer.removeEventListener('pointermove', onMove);
      resizer.removeEventListener('pointerup', onUp);
      view.commitLabelWidth();
    };
    resizer.addEventListener('pointermove', onMove);
    resizer.addEventListener('pointerup', onUp);
  });
}

function handleKey(view: WaterfallView, key: string): boolean {
  switch (key) {
    case 'ArrowDown':
      view.moveSelection(1);
      return true;
    case 'ArrowUp':
      view.moveSelection(-1);
      return true;
    case 'PageDown':
      view.moveSelection(view.pageRows);
      return true;
    case 'PageUp':
      view.moveSelection(-view.pageRows);
      return true;
    case 'Home':
      view.moveSelectionTo('first');
      return true;
    case 'End':
      view.moveSelectionTo('last');
      return true;
    case 'ArrowRight':
      view.expandOrEnter();
      return true;
    case 'ArrowLeft':
      view.collapseOrLeave();
      return true;
    case 'Enter':
      view.activateSelection();
      return true;
    case '+':
    case '=':
      view.zoomBy(0.5);
      return true;
    case '-':
    case '_':
      view.zoomBy(2);
      return true;
    case '0':
      view.setWindow({ start: 0, end: 1 });
      return true;
    case '[':
      view.panBy(-0.25);
      return true;
    case ']':
      view.panBy(0.25);
      return true;
    case ' ':
      if (view.selectedRowIndex >= 0) view.toggleRow(view.selectedRowIndex);
      return true;
    default:
      return false;
  }
}
