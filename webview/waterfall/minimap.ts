import { SPAN_KINDS, type SpanKind } from '../../src/model/traceTypes';
import { h } from '../dom/element';
import { kindColors } from './kindColors';
import { safeKind } from '../../src/model/spanKinds';
import type { WaterfallModel } from './waterfallModel';
import { clampWindow, panWindow, zoomAround, type TraceTimeline, type ZoomWindow } from './zoomWindow';

const HEIGHT = 40;

/**
 * The whole trace in miniature (every shown row, in order, on a canvas) with the zoom window on
 * top: drag the window to pan, drag elsewhere to select a new window, wheel to zoom.
 */
export class Minimap {
  readonly element: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly windowBox: HTMLDivElement;
  private readonly rowBand: HTMLDivElement;
  private readonly brush: HTMLDivElement;
  private window: ZoomWindow = { start: 0, end: 1 };
  private drawn: { model?: WaterfallModel; visible?: Int32Array; width: number; theme: string } = { width: 0, theme: '' };

  constructor(private readonly onWindow: (window: ZoomWindow) => void) {
    this.canvas = h('canvas', { className: 'wf-minimap-canvas' });
    this.windowBox = h('div', { className: 'wf-minimap-window' });
    this.rowBand = h('div', { className: 'wf-minimap-rows' });
    this.brush = h('div', { className: 'wf-minimap-brush' });
    this.element = h(
      'div',
      {
        className: 'wf-minimap',
        title: 'Whole trace: drag the window to pan, drag elsewhere to zoom to a range, double-click to show all',
      },
      this.canvas,
      this.rowBand,
      this.windowBox,
      this.brush,
    );
    this.element.addEventListener('pointerdown', (event) => this.startDrag(event));
    this.element.addEventListener('dblclick', () => this.onWindow({ start: 0, end: 1 }));
    this.element.addEventListener(
      'wheel',
      (event) => {
        event.preventDefault();
        const factor = Math.exp(Math.max(-1, Math.min(1, event.deltaY / 300)));
        const at = this.fractionAt(event.clientX);
        const width = this.window.end - this.window.start;
        this.onWindow(zoomAround(this.window, (at - this.window.start) / width, factor));
      },
      { passive: false },
    );
  }

  /**
   * Redraws the picture only when the rows, the width or the theme changed. The width is passed in
   * (measured once per resize) because reading layout here would force a reflow every frame.
   */
  draw(model: WaterfallModel, visible: Int32Array, timeline: TraceTimeline, theme: string, cssWidth: number): void {
    const width = Math.floor(cssWidth);
    if (width <= 0) return;
    if (this.drawn.model === model && this.drawn.visible === visible && this.drawn.width === width && this.drawn.theme === theme) return;
    this.drawn = { model, visible, width, theme };
    const ratio = window.devicePixelRatio || 1;
    const w = Math.floor(width * ratio);
    const hgt = Math.floor(HEIGHT * ratio);
    this.canvas.width = w;
    this.canvas.height = hgt;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${HEIGHT}px`;
    const context = this.canvas.getContext('2d');
    if (!context) return;
    context.clearRect(0, 0, w, hgt);
    const count = visible.length;
    if (count === 0) return;
    const paths = new Map<SpanKind, Path2D>();
    for (const kind of SPAN_KINDS) paths.set(kind, new Path2D());
    const rowHeight = Math.max(1, Math.min(4 * ratio, hgt / count));
    for (let v = 0; v < count; v++) {
      const span = model.rows[visible[v]];
      const x0 = ((span.startTime - timeline.traceStart) / timeline.duration) * w;
      const x1 = ((span.endTime - timeline.traceStart) / timeline.duration) * w;
      const y = Math.floor((v / count) * (hgt - rowHeight));
      paths.get(safeKind(span.kind))!.rect(x0, y, Math.max(1, x1 - x0), rowHeight);
    }
    const colors = kindColors(this.element);
    for (const [kind, path] of paths) {
      context.fillStyle = colors[kind];
      context.fill(path);
    }
  }

  setWindow(window: ZoomWindow): void {
    this.window = window;
    this.windowBox.style.left = `${window.start * 100}%`;
    this.windowBox.style.width = `${(window.end - window.start) * 100}%`;
    this.windowBox.classList.toggle('whole', window.start <= 0 && window.end >= 1);
  }

  /** Marks which part of the row list is scrolled into view (fractions of all shown rows). */
  setRowBand(from: number, to: number): void {
    this.rowBand.style.top = `${Math.max(0, Math.min(1, from)) * 100}%`;
    this.rowBand.style.height = `${Math.max(0.02, Math.min(1, to) - Math.max(0, from)) * 100}%`;
  }

  private fractionAt(clientX: number): number {
    const rect = this.element.getBoundingClientRect();
    return rect.width > 0 ? Math.max(0, Math.min(1, (clientX - rect.left) / rect.width)) : 0;
  }

  private startDrag(event: PointerEvent): void {
    if (event.button !== 0) return;
    event.preventDefault();
    const origin = this.fractionAt(event.clientX);
    const startWindow = this.window;
    const insideWindow = origin >= startWindow.start && origin <= startWindow.end && startWindow.end - startWindow.start < 1;
    this.element.setPointerCapture(event.pointerId);
    let moved = false;
    const onMove = (move: PointerEvent) => {
      const at = this.fractionAt(move.clientX);
      if (Math.abs(at - origin) > 0.003) moved = true;
      if (!moved) return;
      if (insideWindow) {
        this.onWindow(panWindow(startWindow, (at - origin) / (startWindow.end - startWindow.start)));
      } else {
        this.brush.classList.add('active');
        this.brush.style.left = `${Math.min(at, origin) * 100}%`;
        this.brush.style.width = `${Math.abs(at - origin) * 100}%`;
      }
    };
    const onUp = (up: PointerEvent) => {
      this.element.removeEventListener('pointermove', onMove);
      this.element.removeEventListener('pointerup', onUp);
      this.element.removeEventListener('pointercancel', onUp);
      this.brush.classList.remove('active');
      const at = this.fractionAt(up.clientX);
      if (!moved && !insideWindow) {
        // A click moves the window to centre on the clicked time.
        const width = startWindow.end - startWindow.start;
        this.onWindow(clampWindow({ start: at - width / 2, end: at + width / 2 }));
      } else if (moved && !insideWindow) {
        this.onWindow(clampWindow({ start: Math.min(at, origin), end: Math.max(at, origin) }));
      }
    };
    this.element.addEventListener('pointermove', onMove);
    this.element.addEventListener('pointerup', onUp);
    this.element.addEventListener('pointercancel', onUp);
  }
}
