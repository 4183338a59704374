import type { WebviewView } from '../../src/model/webviewMessages';
import { TraceListPage } from '../list/traceListPage';
import { OverviewPage } from '../overview/overviewPage';
import { TracePage } from '../trace/tracePage';
import type { Actions } from './actions';

interface Page {
  readonly element: HTMLElement;
  start(): Promise<void>;
  dispose(): void;
}

/** Shows the page for the current view and swaps it when the host (or the address bar) asks for another. */
export class App {
  private page: Page | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly actions: Actions,
  ) {
    actions.onShow((view) => this.show(view));
  }

  show(view: WebviewView): void {
    if (view.page === 'trace' && this.page instanceof TracePage && this.page.traceId === view.traceId) {
      if (view.spanId) this.page.selectSpan(view.spanId);
      return;
    }
    this.page?.dispose();
    const page: Page =
      view.page === 'trace'
        ? new TracePage(this.actions, view.traceId, view.spanId)
        : view.page === 'overview'
          ? new OverviewPage(this.actions)
          : new TraceListPage(this.actions);
    this.page = page;
    this.root.replaceChildren(page.element);
    this.actions.saveState({ view });
    void page.start();
  }
}
