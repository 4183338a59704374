import { button, h } from '../dom/element';
import { detailsHeightFor, detailsWidthFor, placementFor, type DetailsPlacement, type TraceLayout } from './traceLayout';

export interface DetailsDockCallbacks {
  /** The user closed the details (the page clears the selection). */
  onClose(): void;
  /** Placement or size changed by the user: worth remembering. */
  onLayoutChange(layout: TraceLayout): void;
}

/**
 * The waterfall with the span details docked beside or below it. The details take room only while
 * a span is selected; their side and size follow the panel until the user picks them, then stay.
 */
export class DetailsDock {
  readonly element: HTMLElement;
  private readonly splitter: HTMLElement;
  private readonly pane: HTMLElement;
  private readonly placementButton: HTMLButtonElement;
  private layout: TraceLayout;
  private open = false;
  private readonly resizeObserver: ResizeObserver;

  constructor(
    waterfall: HTMLElement,
    details: HTMLElement,
    layout: TraceLayout,
    private readonly callbacks: DetailsDockCallbacks,
  ) {
    this.layout = { ...layout };
    this.splitter = h('div', { className: 'splitter', title: 'Drag to resize the details', attrs: { role: 'separator' } });
    this.placementButton = button('', () => this.togglePlacement(), { className: 'icon-button details-placement' });
    const close = button('', () => callbacks.onClose(), {
      icon: 'close',
      title: 'Close details (Esc)',
      className: 'icon-button details-close',
    });
    close.setAttribute('aria-label', 'Close details');
    const bar = h(
      'div',
      { className: 'details-bar' },
      h('span', { className: 'details-bar-title', text: 'Span details' }),
      this.placementButton,
      close,
    );
    this.pane = h('div', { className: 'details-pane' }, bar, details);
    this.element = h('div', { className: 'split' }, waterfall, this.splitter, this.pane);
    this.attachSplitter();
    this.resizeObserver = new ResizeObserver(() => this.apply());
    this.resizeObserver.observe(this.element);
    this.apply();
  }

  dispose(): void {
    this.resizeObserver.disconnect();
  }

  get isOpen(): boolean {
    return this.open;
  }

  get placement(): DetailsPlacement {
    return placementFor(this.layout, this.element.clientWidth || window.innerWidth);
  }

  setOpen(open: boolean): void {
    if (open === this.open) return;
    this.open = open;
    this.apply();
  }

  togglePlacement(): void {
    this.layout = { ...this.layout, placement: this.placement === 'side' ? 'below' : 'side' };
    this.apply();
    this.callbacks.onLayoutChange(this.layout);
  }

  private apply(): void {
    const placement = this.placement;
    this.element.dataset.placement = placement;
    this.element.toggleAttribute('data-open', this.open);
    this.splitter.hidden = !this.open;
    this.pane.hidden = !this.open;
    this.splitter.setAttribute('aria-orientation', placement === 'side' ? 'vertical' : 'horizontal');
    const width = this.element.clientWidth;
    const height = this.element.clientHeight;
    if (width > 0) this.element.style.setProperty('--details-width', `${detailsWidthFor(this.layout, width)}px`);
    if (height > 0) this.element.style.setProperty('--details-height', `${detailsHeightFor(this.layout, height)}px`);
    const other = placement === 'side' ? 'below' : 'beside';
    this.placementButton.title = `Show details ${other} the waterfall`;
    this.placementButton.setAttribute('aria-label', this.placementButton.title);
    this.placementButton.replaceChildren(
      h('span', {
        className: `codicon codicon-${placement === 'side' ? 'layout-panel' : 'layout-sidebar-right'}`,
        attrs: { 'aria-hidden': 'true' },
      }),
    );
  }

  private attachSplitter(): void {
    this.splitter.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      event.preventDefault();
      this.splitter.setPointerCapture(event.pointerId);
      const onMove = (move: PointerEvent) => {
        const rect = this.element.getBoundingClientRect();
        if (this.placement === 'side') {
          const width = detailsWidthFor({ detailsWidth: rect.right - move.clientX }, rect.width);
          this.layout = { ...this.layout, detailsWidth: width };
          this.element.style.setProperty('--details-width', `${width}px`);
        } else {
          const height = detailsHeightFor({ detailsHeight: rect.bottom - move.clientY }, rect.height);
          this.layout = { ...this.layout, detailsHeight: height };
          this.element.style.setProperty('--details-height', `${height}px`);
        }
      };
      const onUp = () => {
        this.splitter.removeEventListener('pointermove', onMove);
        this.splitter.removeEventListener('pointerup', onUp);
        this.callbacks.onLayoutChange(this.layout);
      };
      this.splitter.addEventListener('pointermove', onMove);
      this.splitter.addEventListener('pointerup', onUp);
    });
  }
}
