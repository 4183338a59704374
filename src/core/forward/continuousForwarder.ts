import {
  forwardTargetOf,
  FORWARDING_STATUS_OFF,
  type ContinuousForwarding,
  type ForwardingState,
  type ForwardingStatus,
} from '../../model/continuousForwarding';
import { formatCount } from '../../model/formatValues';
import type { ForwardTarget } from '../../model/forwardTarget';
import type { OtlpSpan } from '../../model/otlpTypes';
import { estimateSpanBytes } from '../engine/liveTrace';
import type { SpanOrigin } from '../engine/spanTap';
import { BatchQueue, type Dropped } from './batchQueue';
import { deliverOnce, type Delivery } from './otlpDelivery';
import { backoffMs, retryVerdictOf } from './retryPolicy';
import { FORWARDER_DEFAULTS, type ForwarderOptions } from './forwarderOptions';
import { encodeBatch, type PendingSpan } from './spanBatch';

/**
 * Told whenever the status changes state (`changed`), and after each failed retry with fresh
 * counts (`changed` false), so a log can write state changes only and a view can stay current.
 */
export type ForwardingListener = (status: ForwardingStatus, changed: boolean) => void;

/**
 * Spans waiting together: `items` until the batch is first sent, then its encoded `body` (kept
 * for retries). `bytes` is the engine's size estimate, which the queue's byte bound counts.
 */
interface Batch {
  items?: PendingSpan[];
  body?: Uint8Array;
  spans: number;
  bytes: number;
}

/**
 * Continuous forwarding: every span the engine stores is also sent to one OTLP target.
 *
 * Ingest only appends to a batch (`offer`). A batch is encoded when its turn to be sent comes, in
 * slices between which receiving goes on, so spans dropped from a full queue cost no encoding;
 * delivery is asynchronous with one request in flight, so a slow or absent target never holds up receiving.
 * Batches are sent in order; a failed one is retried with exponential backoff and jitter (or
 * after the wait the target asked for) while new batches queue behind it, and a queue past its
 * bounds drops its oldest batches. A batch the target refuses for good is dropped and counted.
 * Everything is in memory: spans queued when Loupe stops are counted as dropped.
 */
export class ContinuousForwarder {
  private readonly settings: Required<Omit<ForwarderOptions, 'now' | 'random'>>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly queue: BatchQueue<Batch>;
  private config: ContinuousForwarding | undefined;
  private target: ForwardTarget | undefined;
  /** Set while a new endpoint is being checked: spans are kept, nothing is sent. */
  private held = false;
  private problem: string | undefined;
  private pending: PendingSpan[] = [];
  private pendingBytes = 0;
  private batchTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private inFlight: { batch: Batch; abort: AbortController } | undefined;
  /** Bumped by every configuration, so an answer to an earlier target is not taken for this one's. */
  private generation = 0;
  private attempt = 0;
  private state: ForwardingState = 'off';
  private lastAnnounced = 'off\u0000';
  private downSince: number | undefined;
  private lastError: string | undefined;
  private dropReason: string | undefined;
  private nextAttemptAt: number | undefined;
  private lastSuccessAt: number | undefined;
  private forwarded = 0;
  private failed = 0;
  private dropped = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    options: ForwarderOptions = {},
    private readonly listener: ForwardingListener = () => undefined,
  ) {
    const { now, random, ...rest } = options;
    this.settings = { ...FORWARDER_DEFAULTS, ...defined(rest) };
    this.now = now ?? Date.now;
    this.random = random ?? Math.random;
    this.queue = new BatchQueue<Batch>({ maxSpans: this.settings.maxQueueSpans, maxBytes: this.settings.maxQueueBytes });
  }

  /**
   * Starts forwarding to `config` (spans already waiting go there), or stops when undefined: what
   * waits is then dropped and counted. `problem` says why forwarding is off though one was asked
   * for. `hold` keeps spans without sending them until `release()`: for the time a new endpoint
   * is being checked.
   */
  configure(config: ContinuousForwarding | undefined, options: { problem?: string; hold?: boolean } = {}): void {
    if (this.closed) return;
    this.generation++;
    this.inFlight?.abort.abort();
    this.clearRetry();
    this.attempt = 0;
    this.downSince = undefined;
    this.lastError = undefined;
    this.dropReason = undefined;
    this.problem = options.problem;
    this.config = config;
    this.target = config && forwardTargetOf(config);
    this.held = options.hold === true;
    if (!config) {
      this.discardWaiting();
      this.setState('off');
      this.settleIdle();
      return;
    }
    // Held: the state says "on" only once the endpoint has passed its check.
    if (!this.held) this.setState('ok');
    this.pump();
  }

  /** The endpoint being forwarded to, if any. */
  get current(): ContinuousForwarding | undefined {
    return this.config;
  }

  /** Keeps spans without sending them (while Loupe's own addresses change and the endpoint is checked again). */
  hold(): void {
    if (this.config) this.held = true;
  }

  /** Sends what was kept while the endpoint was checked. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    if (this.state === 'off') this.setState('ok');
    this.pump();
  }

  /** Takes a stored span for forwarding; returns at once (it runs inside ingest). */
  readonly offer = (span: OtlpSpan, origin: SpanOrigin): void => {
    if (!this.config || this.closed) return;
    const bytes = estimateSpanBytes(span);
    this.pending.push({ span, origin, bytes });
    this.pendingBytes += bytes;
    if (this.pending.length >= this.settings.maxBatchSpans || this.pendingBytes >= this.settings.maxBatchBytes) this.seal();
    else if (!this.batchTimer) {
      this.batchTimer = setTimeout(() => this.seal(), this.settings.batchDelayMs);
      this.batchTimer.unref();
    }
  };

  status(): ForwardingStatus {
    const config = this.config;
    const waiting = this.pending.length + this.queue.spans + (this.inFlight?.batch.spans ?? 0);
    return {
      ...FORWARDING_STATUS_OFF,
      state: this.state,
      ...(config ? { endpoint: config.endpoint.trim(), protocol: config.protocol } : {}),
      ...defined({
        problem: this.problem,
        downSince: this.downSince,
        lastError: this.lastError,
        dropReason: this.state === 'dropping' ? this.dropReason : undefined,
        nextAttemptAt: this.retryTimer ? this.nextAttemptAt : undefined,
        lastSuccessAt: this.lastSuccessAt,
      }),
      queuedSpans: waiting,
      queuedBytes: this.pendingBytes + this.queue.bytes + (this.inFlight?.batch.bytes ?? 0),
      forwardedSpans: this.forwarded,
      failedSpans: this.failed,
      droppedSpans: this.dropped,
    };
  }

  /** Resolves once nothing waits to be sent (or sending waits for a retry). For tests and shutdown. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops forwarding. Unless the target is down (waiting for a retry), what is waiting is sent
   * first, for at most `flushWithinMs`; the rest is dropped and counted. Says how many spans were
   * not sent.
   */
  async close(flushWithinMs = 2_000): Promise<{ unsent: number }> {
    if (this.closed) return { unsent: 0 };
    // A target being retried is down: waiting for it would only delay the shutdown.
    if (this.config && !this.held && !this.retryTimer) {
      this.seal();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.whenIdle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, flushWithinMs)))]);
      clearTimeout(timer);
    }
    this.closed = true;
    this.generation++;
    this.inFlight?.abort.abort();
    this.clearRetry();
    const before = this.dropped;
    this.discardWaiting();
    this.settleIdle();
    return { unsent: this.dropped - before };
  }

  // ---- batching and sending -------------------------------------------------------------------

  /** Closes the batch being filled and queues it (no encoding here: it runs inside ingest). */
  private seal(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.pending.length === 0 || !this.config) return;
    const batch: Batch = { items: this.pending, spans: this.pending.length, bytes: this.pendingBytes };
    this.pending = [];
    this.pendingBytes = 0;
    this.countDropped(this.queue.push(batch));
    this.pump();
  }

  private pump(): void {
    if (!this.target || this.held || this.inFlight || this.retryTimer || this.closed) return this.settleIdle();
    const batch = this.queue.shift();
    if (!batch) return this.settleIdle();
    const abort = new AbortController();
    this.inFlight = { batch, abort };
    const generation = this.generation;
    void this.send(batch, this.target, abort.signal)
      .catch((error: unknown): Delivery => ({
        sent: false,
        error: {
          kind: 'invalid-trace',
          message: `Loupe could not encode the batch: ${error instanceof Error ? error.message : String(error)}`,
        },
      }))
      .then((delivery) => this.settle(batch, delivery, generation));
  }

  /** Encodes the batch the first time it is sent (both OTLP protocols take the same protobuf body), then delivers it. */
  private async send(batch: Batch, target: ForwardTarget, signal: AbortSignal): Promise<Delivery> {
    if (!batch.body) {
      const encoded = await encodeBatch(batch.items ?? [], target.protocol);
      batch.items = undefined;
      batch.body = encoded.body;
      if (encoded.unreadable > 0) {
        batch.spans = encoded.spans;
        this.refusedForGood(encoded.unreadable, `Loupe could not encode ${formatCount(encoded.unreadable)} spans: ${encoded.problem}`);
      }
      if (encoded.spans === 0) return { sent: true };
    }
    return deliverOnce(batch.body, target, this.settings.timeoutMs, signal);
  }

  private settle(batch: Batch, delivery: Delivery, generation: number): void {
    // Turned off or closed meanwhile: the batch was counted as dropped then.
    if (this.inFlight?.batch !== batch) return;
    this.inFlight = undefined;
    if (generation !== this.generation) {
      // Sent to an endpoint since replaced: the new one gets it, first.
      this.countDropped(this.queue.pushFront(batch));
      this.pump();
      return;
    }
    if (delivery.sent) this.delivered(batch, delivery);
    else {
      const verdict = retryVerdictOf(delivery);
      if (verdict.retry) return this.scheduleRetry(batch, delivery.error.message, verdict.afterMs);
      this.attempt = 0;
      this.refusedForGood(batch.spans, delivery.error.message);
    }
    this.pump();
  }

  private delivered(batch: Batch, delivery: Extract<Delivery, { sent: true }>): void {
    const refused = Math.min(batch.spans, delivery.rejectedSpans ?? 0);
    this.forwarded += batch.spans - refused;
    this.attempt = 0;
    this.lastSuccessAt = this.now();
    this.downSince = undefined;
    this.nextAttemptAt = undefined;
    if (refused > 0) {
      this.failed += refused;
      const note = delivery.targetMessage ? `: ${delivery.targetMessage}` : '';
      this.lastError = `the target refused ${formatCount(refused)} of ${formatCount(batch.spans)} spans${note}`;
      this.dropReason = this.lastError;
      this.setState('dropping');
      return;
    }
    this.lastError = undefined;
    this.setState('ok');
  }

  private scheduleRetry(batch: Batch, message: string, askedMs: number | undefined): void {
    this.attempt++;
    this.downSince ??= this.now();
    this.lastError = message;
    const dropped = this.queue.pushFront(batch);
    this.countDropped(dropped);
    const waitMs = Math.max(askedMs ?? 0, backoffMs(this.attempt, this.random, this.settings.initialBackoffMs, this.settings.maxBackoffMs));
    this.nextAttemptAt = this.now() + waitMs;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, waitMs);
    this.retryTimer.unref();
    if (this.state === 'dropping') this.emit(false);
    else this.setState('retrying');
    this.settleIdle();
  }

  private refusedForGood(spans: number, message: string): void {
    this.failed += spans;
    this.lastError = message;
    this.dropReason = `${formatCount(spans)} span${spans === 1 ? ' was' : 's were'} refused and dropped: ${message}`;
    this.setState('dropping');
  }

  private countDropped(dropped: Dropped): void {
    if (dropped.spans === 0) return;
    this.dropped += dropped.spans;
    this.dropReason =
      `the queue is full (at most ${formatCount(this.settings.maxQueueSpans)} spans and ` +
      `${Math.round(this.settings.maxQueueBytes / (1024 * 1024))} MiB), so the oldest spans are dropped`;
    if (this.state !== 'dropping') this.setState('dropping');
  }

  private discardWaiting(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.dropped += this.pending.length + this.queue.clear().spans + (this.inFlight?.batch.spans ?? 0);
    this.inFlight = undefined;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private clearRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.nextAttemptAt = undefined;
  }

  /** Announces a change of state, or of the reason it is off (a state held silently, e.g. during a check, is not one). */
  private setState(next: ForwardingState): void {
    this.state = next;
    const announced = `${next}\u0000${next === 'off' ? (this.problem ?? '') : ''}`;
    if (announced === this.lastAnnounced) return;
    this.lastAnnounced = announced;
    this.emit(true);
  }

  private emit(changed: boolean): void {
    try {
      this.listener(this.status(), changed);
    } catch {
      // A listener's failure must not stop forwarding.
    }
  }

  private isIdle(): boolean {
    return this.pending.length === 0 && this.queue.length === 0 && !this.inFlight;
  }

  /** Wakes `whenIdle` callers once nothing is left to send or sending waits on a retry or a hold. */
  private settleIdle(): void {
    if (this.idleWaiters.length === 0) return;
    if (!this.isIdle() && !this.retryTimer && !this.held && !this.closed && this.config) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

function defined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
