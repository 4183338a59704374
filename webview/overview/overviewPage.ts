import type { Actions } from '../app/actions';
import { LivePage } from '../app/livePage';
import { breakdownView } from '../breakdown/breakdownView';

const REFRESH_AFTER_CHANGE_MS = 2000;

/** Latency, tokens and cost per kind, span name, model and agent across every stored trace. */
export class OverviewPage extends LivePage {
  constructor(actions: Actions) {
    super(actions, {
      className: 'overview-page',
      contentClassName: 'overview-content',
      tab: 'overview',
      title: 'Across stored traces',
      what: 'the breakdown',
      refreshAfterChangeMs: REFRESH_AFTER_CHANGE_MS,
    });
  }

  protected async load(): Promise<{ nodes: Node[] }> {
    return { nodes: [breakdownView(await this.actions.query('overallBreakdown'))] };
  }
}
