import type { StoreStats } from '../../src/model/traceTypes';
import { h, icon } from '../dom/element';
import type { Actions } from './actions';

/** What the banner says for a store problem, or undefined when there is none. */
export function storeProblemText(stats: Pick<StoreStats, 'persistenceError'> | undefined): string | undefined {
  const problem = stats?.persistenceError;
  if (!problem) return undefined;
  const sentence = /[.!?]$/.test(problem.trim()) ? problem.trim() : `${problem.trim()}.`;
  return `Traces cannot be written to the store: ${sentence} They are kept in memory until it can be written again, and are lost if Loupe stops before then.`;
}

/**
 * A banner over every page while the engine cannot write its store (read-only folder, full disk,
 * a folder in the way): new traces then live in memory only, which the user must know before
 * stopping Loupe. It follows the stats every change event carries, so it also goes away on recovery.
 */
export class StoreBanner {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;
  private readonly unsubscribe: () => void;
  private started = false;

  constructor(private readonly actions: Actions) {
    this.text = h('span', { className: 'store-banner-text' });
    this.element = h('div', { className: 'banner store-banner', attrs: { role: 'alert', hidden: true } }, icon('warning'), this.text);
    this.unsubscribe = actions.onTraceChange(
      (change) => this.show(change.stats),
      () => void this.refresh(),
    );
  }

  /** Asks for the store's state once; later it comes with every change. */
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.refresh();
  }

  dispose(): void {
    this.unsubscribe();
  }

  private async refresh(): Promise<void> {
    try {
      this.show(await this.actions.query('stats'));
    } catch {
      // The page itself says when Loupe cannot be reached.
    }
  }

  private show(stats: StoreStats): void {
    const text = storeProblemText(stats);
    this.element.hidden = text === undefined;
    this.text.textContent = text ?? '';
  }
}
