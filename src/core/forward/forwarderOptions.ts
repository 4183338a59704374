import { INITIAL_BACKOFF_MS, MAX_BACKOFF_MS } from './retryPolicy';

export interface ForwarderOptions {
  /** Spans per request (default 512, the OpenTelemetry SDK's batch size). */
  maxBatchSpans?: number;
  /**
   * Estimated bytes per request (default 3 MiB): under the 4 MiB a gRPC server (the Collector's
   * default included) accepts in one message.
   */
  maxBatchBytes?: number;
  /** Longest a span waits for its batch to fill (default 1 s). */
  batchDelayMs?: number;
  /** Bounds of the retry queue (default 50,000 spans and 64 MiB by the engine's size estimate); past them the oldest batches go. */
  maxQueueSpans?: number;
  maxQueueBytes?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** One request's time limit (default 10 s). */
  timeoutMs?: number;
  now?: () => number;
  random?: () => number;
}

export const FORWARDER_DEFAULTS = {
  maxBatchSpans: 512,
  maxBatchBytes: 3 * 1024 * 1024,
  batchDelayMs: 1_000,
  maxQueueSpans: 50_000,
  maxQueueBytes: 64 * 1024 * 1024,
  initialBackoffMs: INITIAL_BACKOFF_MS,
  maxBackoffMs: MAX_BACKOFF_MS,
  timeoutMs: 10_000,
} as const;
