import { ForwardingQueries, type ApiMethod, type LoupeApi, type Unsubscribe } from '../../model/api';
import type { TraceChange } from '../../model/traceTypes';

/**
 * A `LoupeApi` whose engine can be swapped underneath (this window's own engine thread, or another
 * window's Loupe over HTTP): queries go to whichever engine is current, and one subscription is
 * kept on it for the listeners here.
 */
export abstract class DelegatingLoupe extends ForwardingQueries implements LoupeApi {
  private readonly changeListeners = new Set<(change: TraceChange) => void>();
  private detach: Unsubscribe | undefined;

  /** The engine to ask, once connecting has settled; throws a message for the user when there is none. */
  protected abstract engine(): Promise<LoupeApi>;

  protected async callQuery(method: ApiMethod, args: readonly unknown[]): Promise<unknown> {
    const engine = await this.engine();
    return (engine[method] as (...a: unknown[]) => Promise<unknown>)(...args);
  }

  subscribe(listener: (change: TraceChange) => void): Unsubscribe {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Moves the one subscription to a new engine (or none). */
  protected follow(engine: LoupeApi | undefined): void {
    this.detach?.();
    this.detach = engine?.subscribe((change) => {
      for (const listener of [...this.changeListeners]) listener(change);
    });
  }
}
