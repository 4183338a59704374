import type { WebviewView } from '../../src/model/webviewMessages';
import { TraceListPage } from '../list/traceListPage';
import { OverviewPage } from '../overview/overviewPage';
import { CostsPage } from '../costs/costsPage';
import { TracePage } from '../trace/tracePage';
import { ComparePage } from '../compare/comparePage';
import { DiffPage } from '../compare/diffPage';
import { pageHeader } from './pageHeader';
import { SessionListPage } from '../sessions/sessionListPage';
import { SessionPage } from '../sessions/sessionPage';
import type { Actions } from './actions';
import { StoreBanner } from './storeBanner';

interface Page {
  readonly element: HTMLElement;
  start(): Promise<void>;
  dispose(): void;
}

/** Shows the page for the current view and swaps it when the host (or the address bar) asks for another. */
export class App {
  private page: Page | undefined;
  private readonly storeBanner: StoreBanner;

  constructor(
    private readonly root: HTMLElement,
    private readonly actions: Actions,
  ) {
    this.storeBanner = new StoreBanner(actions);
    actions.onShow((view) => this.show(view));
  }

  show(view: WebviewView): void {
    if (view.page === 'trace' && this.page instanceof TracePage && this.page.traceId === view.traceId) {
      if (view.spanId) this.page.selectSpan(view.spanId);
      return;
    }
    this.page?.dispose();
    const page = this.pageFor(view);
    this.page = page;
    this.root.replaceChildren(this.storeBanner.element, page.element);
    this.actions.saveState({ view });
    // Not before the first page: in VS Code the page must announce itself before it asks anything.
    this.storeBanner.start();
    void page.start();
  }

  private pageFor(view: WebviewView): Page {
    switch (view.page) {
      case 'trace':
        return new TracePage(this.actions, view.traceId, view.spanId);
      case 'overview':
        return new OverviewPage(this.actions);
      case 'costs':
        return new CostsPage(this.actions);
      case 'compare':
        return new ComparePage(this.actions, view.a, view.b, pageHeader(this.actions, 'compare'));
      case 'diff':
        return new DiffPage(this.actions, view.traceA, view.traceB, pageHeader(this.actions, 'compare'));
      case 'sessions':
        return new SessionListPage(this.actions);
      case 'session':
        return new SessionPage(this.actions, view.sessionId);
      case 'list':
        return new TraceListPage(this.actions);
    }
  }
}
