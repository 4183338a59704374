import type { LoupeApi, Unsubscribe } from '../../model/api';
import type { TraceChange, TraceQuery } from '../../model/traceTypes';
import type { ExportTraceServiceRequest } from '../../model/otlpTypes';

/**
 * A `LoupeApi` whose engine can be swapped underneath (this window's own engine thread, or another
 * window's Loupe over HTTP): queries go to whichever engine is current, and one subscription is
 * kept on it for the listeners here.
 */
export abstract class DelegatingLoupe implements LoupeApi {
  private readonly changeListeners = new Set<(change: TraceChange) => void>();
  private detach: Unsubscribe | undefined;

  /** The engine to ask, once connecting has settled; throws a message for the user when there is none. */
  protected abstract engine(): Promise<LoupeApi>;

  health = async () => (await this.engine()).health();
  stats = async () => (await this.engine()).stats();
  listTraces = async (query?: TraceQuery) => (await this.engine()).listTraces(query);
  getTrace = async (traceId: string) => (await this.engine()).getTrace(traceId);
  span = async (traceId: string, spanId: string) => (await this.engine()).span(traceId, spanId);
  waterfall = async (traceId: string) => (await this.engine()).waterfall(traceId);
  waterfallColumns = async (traceId: string) => (await this.engine()).waterfallColumns(traceId);
  breakdown = async (traceId: string) => (await this.engine()).breakdown(traceId);
  overallBreakdown = async () => (await this.engine()).overallBreakdown();
  exportOtlp = async (traceId: string) => (await this.engine()).exportOtlp(traceId);
  importOtlp = async (request: ExportTraceServiceRequest) => (await this.engine()).importOtlp(request);
  deleteTrace = async (traceId: string) => (await this.engine()).deleteTrace(traceId);
  clear = async () => (await this.engine()).clear();

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
