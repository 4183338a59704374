import type { Actions } from '../app/actions';
import { pageHeader } from '../app/pageHeader';
import { breakdownView } from '../breakdown/breakdownView';
import { h } from '../dom/element';

const REFRESH_AFTER_CHANGE_MS = 2000;

/** Latency, tokens and cost per kind, span name, model and agent across every stored trace. */
export class OverviewPage {
  readonly element: HTMLElement;
  private readonly content: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly actions: Actions) {
    this.content = h('div', { className: 'overview-content', text: 'Loading…' });
    this.element = h(
      'div',
      { className: 'overview-page', attrs: { 'data-state': 'loading' } },
      pageHeader(actions, 'overview'),
      h('h1', { className: 'page-title', text: 'Across all stored traces' }),
      this.content,
    );
    const refreshSoon = () => {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.start();
      }, REFRESH_AFTER_CHANGE_MS);
    };
    this.unsubscribe = actions.onTraceChange(refreshSoon, refreshSoon);
  }

  async start(): Promise<void> {
    try {
      const breakdown = await this.actions.query('overallBreakdown');
      this.content.replaceChildren(breakdownView(breakdown));
      this.element.dataset.state = 'ready';
    } catch (error) {
      this.content.textContent = `Could not load the breakdown: ${error instanceof Error ? error.message : String(error)}`;
      this.element.dataset.state = 'error';
    }
  }

  dispose(): void {
    this.unsubscribe();
    clearTimeout(this.timer);
  }
}
