import type { ExportTraceServiceRequest } from '../otlp/model';

interface Queued {
  request: ExportTraceServiceRequest;
  spans: Map<string, number>;
}

/**
 * Requests already validated and answered but not yet assembled into traces. Assembly (GenAI
 * understanding, interning, size accounting, scheduling the store) runs right after the answer
 * is sent, so an exporter waits for decoding and validation only. Every reader of the engine
 * drains the queue first, so nothing can observe the difference.
 */
export class AssemblyQueue {
  private readonly queued: Queued[] = [];
  private readonly spansByTrace = new Map<string, number>();
  private total = 0;
  private scheduled: NodeJS.Immediate | undefined;
  private draining = false;

  constructor(
    private readonly assemble: (request: ExportTraceServiceRequest) => void,
    /** A failure while assembling: the request's spans are lost, and the engine counts them. */
    private readonly onFailure: (spans: number, error: unknown) => void,
  ) {}

  /** Spans waiting, in all traces or in one. */
  queuedSpans(traceId?: string): number {
    return traceId === undefined ? this.total : (this.spansByTrace.get(traceId) ?? 0);
  }

  push(request: ExportTraceServiceRequest, spans: Map<string, number>): void {
    this.queued.push({ request, spans });
    for (const [traceId, n] of spans) {
      this.spansByTrace.set(traceId, (this.spansByTrace.get(traceId) ?? 0) + n);
      this.total += n;
    }
    this.schedule();
  }

  /**
   * Two turns of the event loop before the first request, so the answer is written first (a
   * grpc-js answer needs more than one turn), then one request at a time, so answers to requests
   * arriving meanwhile are not held up behind the whole queue.
   */
  private schedule(): void {
    if (this.scheduled || this.queued.length === 0) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = setImmediate(() => {
        this.scheduled = undefined;
        this.assembleNext();
        this.schedule();
      });
    });
  }

  /** Assembles everything waiting, in arrival order. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queued.length > 0) this.assembleNext();
    } finally {
      this.draining = false;
    }
  }

  private assembleNext(): void {
    const next = this.queued.shift();
    if (!next) return;
    let count = 0;
    for (const [traceId, n] of next.spans) {
      const left = (this.spansByTrace.get(traceId) ?? 0) - n;
      if (left > 0) this.spansByTrace.set(traceId, left);
      else this.spansByTrace.delete(traceId);
      count += n;
    }
    this.total -= count;
    try {
      this.assemble(next.request);
    } catch (error) {
      this.onFailure(count, error);
    }
  }

  dispose(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
  }
}
