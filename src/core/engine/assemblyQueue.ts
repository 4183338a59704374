import type { ExportTraceServiceRequest, OtlpSpan } from '../../model/otlpTypes';

interface Queued {
  request: ExportTraceServiceRequest;
  /** Valid spans by trace id in this request. */
  spans: Map<string, number>;
  /** The request's spans that failed validation (already answered and counted). */
  invalid: ReadonlySet<OtlpSpan>;
}

const NONE: ReadonlySet<OtlpSpan> = new Set();

/** Spans assembled in one go: a few milliseconds of work, so a sender arriving meanwhile waits little. */
export const ASSEMBLY_CHUNK_SPANS = 64;
/** Work done per turn of the event loop before letting sockets in again. */
const TURN_BUDGET_MS = 4;

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
    private readonly assemble: (request: ExportTraceServiceRequest, invalid: ReadonlySet<OtlpSpan>) => void,
    /** A failure while assembling: the request's spans are lost, and the engine counts them. */
    private readonly onFailure: (spans: number, error: unknown) => void,
  ) {}

  /** Spans waiting, in all traces or in one. */
  queuedSpans(traceId?: string): number {
    return traceId === undefined ? this.total : (this.spansByTrace.get(traceId) ?? 0);
  }

  push(request: ExportTraceServiceRequest, spans: Map<string, number>, invalid: ReadonlySet<OtlpSpan> = NONE): void {
    for (const [traceId, n] of spans) {
      this.spansByTrace.set(traceId, (this.spansByTrace.get(traceId) ?? 0) + n);
      this.total += n;
    }
    for (const chunk of chunksOf(request, spans, invalid)) this.queued.push(chunk);
    this.schedule();
  }

  /**
   * Two turns of the event loop before the first chunk, so the answer is written first (a
   * grpc-js answer needs more than one turn), then a few milliseconds of chunks per turn, so
   * requests arriving meanwhile are read and answered without waiting for the whole queue.
   */
  private schedule(): void {
    if (this.scheduled || this.queued.length === 0) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = setImmediate(() => {
        this.scheduled = undefined;
        const until = performance.now() + TURN_BUDGET_MS;
        do this.assembleNext();
        while (this.queued.length > 0 && performance.now() < until);
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
      this.assemble(next.request, next.invalid);
    } catch (error) {
      this.onFailure(count, error);
    }
  }

  dispose(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
  }
}

/**
 * A request cut into requests of at most `ASSEMBLY_CHUNK_SPANS` spans, each keeping its spans'
 * resource and scope (stored traces intern those by value, so a cut changes nothing stored).
 * `spans` counts the request's valid spans by trace; `invalid` spans ride along uncounted.
 */
export function chunksOf(request: ExportTraceServiceRequest, spans: Map<string, number>, invalid: ReadonlySet<OtlpSpan> = NONE): Queued[] {
  let all = 0;
  for (const resourceSpans of request.resourceSpans) for (const scopeSpans of resourceSpans.scopeSpans) all += scopeSpans.spans.length;
  if (all <= ASSEMBLY_CHUNK_SPANS) return [{ request, spans, invalid }];

  // What is left to count per trace: the chunks never count more than the caller did.
  const left = new Map(spans);
  const chunks: Queued[] = [];
  let current: Queued | undefined;
  let size = 0;
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (let at = 0; at < scopeSpans.spans.length;) {
        if (!current || size === ASSEMBLY_CHUNK_SPANS) {
          current = { request: { resourceSpans: [] }, spans: new Map(), invalid };
          chunks.push(current);
          size = 0;
        }
        const slice = scopeSpans.spans.slice(at, at + ASSEMBLY_CHUNK_SPANS - size);
        at += slice.length;
        size += slice.length;
        current.request.resourceSpans.push({ ...resourceSpans, scopeSpans: [{ ...scopeSpans, spans: slice }] });
        for (const span of slice) {
          const remaining = left.get(span.traceId) ?? 0;
          if (remaining === 0 || invalid.has(span)) continue;
          left.set(span.traceId, remaining - 1);
          current.spans.set(span.traceId, (current.spans.get(span.traceId) ?? 0) + 1);
        }
      }
    }
  }
  return chunks;
}
