import { h } from '../dom/element';
import type { Actions } from './actions';
import { pageHeader } from './pageHeader';

export interface LivePageOptions {
  /** Class of the page element (tests and styles find the page by it). */
  className: string;
  contentClassName: string;
  /** The browser header tab this page belongs to. */
  tab: Parameters<typeof pageHeader>[1];
  title?: string;
  /** What a failure message says could not be loaded ("the sessions"). */
  what: string;
  /** How long after a store change the page loads again: changes come in bursts while an agent runs. */
  refreshAfterChangeMs: number;
}

/**
 * A page that shows what the engine answers and asks again shortly after the store changes. The
 * page's `data-state` says where it is: loading, ready, missing or error.
 */
export abstract class LivePage {
  readonly element: HTMLElement;
  protected readonly content: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    protected readonly actions: Actions,
    private readonly options: LivePageOptions,
  ) {
    this.content = h('div', { className: options.contentClassName, text: 'Loading…' });
    this.element = h(
      'div',
      { className: options.className, attrs: { 'data-state': 'loading' } },
      pageHeader(actions, options.tab),
      options.title ? h('h1', { className: 'page-title', text: options.title }) : null,
      this.content,
    );
    const refreshSoon = () => {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.start();
      }, options.refreshAfterChangeMs);
    };
    this.unsubscribe = actions.onTraceChange(refreshSoon, refreshSoon);
  }

  /** What the page shows now; `missing` when what it shows no longer exists. */
  protected abstract load(): Promise<{ nodes: Node[]; state?: 'ready' | 'missing' }>;

  async start(): Promise<void> {
    try {
      const { nodes, state } = await this.load();
      this.content.replaceChildren(...nodes);
      this.element.dataset.state = state ?? 'ready';
    } catch (error) {
      this.content.textContent = `Could not load ${this.options.what}: ${error instanceof Error ? error.message : String(error)}`;
      this.element.dataset.state = 'error';
    }
  }

  dispose(): void {
    this.unsubscribe();
    clearTimeout(this.timer);
  }
}
