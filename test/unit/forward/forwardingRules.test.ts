import * as assert from 'node:assert/strict';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { BatchQueue } from '../../../src/core/forward/batchQueue';
import { backoffMs, retryVerdictOf } from '../../../src/core/forward/retryPolicy';
import { grpcRetryDelayMsOf, MAX_RETRY_AFTER_MS, retryAfterMsOf } from '../../../src/core/forward/retryAfter';
import type { Delivery } from '../../../src/core/forward/otlpDelivery';
import type { ForwardError } from '../../../src/model/forwardResult';
import { statusWithRetryInfo } from './grpcRetryInfo';

function batch(spans: number, bytes: number) {
  return { spans, bytes };
}

function failure(error: Partial<ForwardError> & Pick<ForwardError, 'kind'>, retryAfterMs?: number): Extract<Delivery, { sent: false }> {
  return { sent: false, error: { message: 'm', ...error }, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

describe('forwarding rules', () => {
  describe('the retry queue', () => {
    it('keeps batches in order and counts spans and bytes', () => {
      const queue = new BatchQueue({ maxSpans: 100, maxBytes: 1000 });
      queue.push(batch(10, 100));
      queue.push(batch(20, 200));
      assert.deepEqual([queue.length, queue.spans, queue.bytes], [2, 30, 300]);
      assert.equal(queue.shift()?.spans, 10);
      assert.deepEqual([queue.length, queue.spans, queue.bytes], [1, 20, 200]);
    });

    it('drops the oldest batches past the span bound, and says how many spans went', () => {
      const queue = new BatchQueue({ maxSpans: 25, maxBytes: 1e6 });
      assert.deepEqual(queue.push(batch(10, 1)), { batches: 0, spans: 0 });
      assert.deepEqual(queue.push(batch(10, 1)), { batches: 0, spans: 0 });
      assert.deepEqual(queue.push(batch(10, 1)), { batches: 1, spans: 10 });
      assert.equal(queue.spans, 20);
    });

    it('drops the oldest batches past the byte bound', () => {
      const queue = new BatchQueue({ maxSpans: 1e6, maxBytes: 250 });
      queue.push(batch(1, 100));
      queue.push(batch(2, 100));
      assert.deepEqual(queue.push(batch(3, 120)), { batches: 1, spans: 1 });
      assert.deepEqual([queue.shift()?.spans, queue.shift()?.spans], [2, 3]);
    });

    it('drops a batch larger than a bound on its own, keeping the rest', () => {
      const queue = new BatchQueue({ maxSpans: 10, maxBytes: 100 });
      queue.push(batch(5, 50));
      assert.deepEqual(queue.push(batch(1, 101)), { batches: 1, spans: 1 });
      assert.deepEqual(queue.push(batch(11, 1)), { batches: 1, spans: 11 });
      assert.equal(queue.spans, 5);
    });

    it('puts a failed batch back in front, where it is the first to go when the queue is full', () => {
      const queue = new BatchQueue({ maxSpans: 20, maxBytes: 1e6 });
      const failed = batch(10, 1);
      queue.push(batch(10, 1));
      queue.push(batch(10, 1));
      assert.deepEqual(queue.pushFront(failed), { batches: 1, spans: 10 });
      assert.notEqual(queue.shift(), failed);
      const again = new BatchQueue({ maxSpans: 20, maxBytes: 1e6 });
      again.push(batch(3, 1));
      again.pushFront(failed);
      assert.equal(again.shift(), failed);
    });

    it('stays O(1) per batch across many pushes and shifts, and empties', () => {
      const queue = new BatchQueue({ maxSpans: 1e9, maxBytes: 1e9 });
      for (let i = 0; i < 50_000; i++) {
        queue.push(batch(1, 1));
        if (i % 2 === 1) queue.shift();
      }
      assert.equal(queue.length, 25_000);
      assert.deepEqual(queue.clear(), { batches: 25_000, spans: 25_000 });
      assert.equal(queue.shift(), undefined);
    });
  });

  describe('what is retried (OTLP specification, "Failures")', () => {
    it('retries no answer and the transient answers', () => {
      for (const error of [
        { kind: 'unreachable' },
        { kind: 'timeout' },
        { kind: 'rejected', httpStatus: 429 },
        { kind: 'rejected', httpStatus: 502 },
        { kind: 'rejected', httpStatus: 503 },
        { kind: 'rejected', httpStatus: 504 },
        { kind: 'rejected', grpcCode: GrpcStatus.UNAVAILABLE },
        { kind: 'rejected', grpcCode: GrpcStatus.DEADLINE_EXCEEDED },
        { kind: 'rejected', grpcCode: GrpcStatus.ABORTED },
      ] as const)
        assert.equal(retryVerdictOf(failure(error)).retry, true, JSON.stringify(error));
    });

    it('gives up what the target refused for good', () => {
      for (const error of [
        { kind: 'rejected', httpStatus: 400 },
        { kind: 'rejected', httpStatus: 401 },
        { kind: 'rejected', httpStatus: 404 },
        { kind: 'rejected', httpStatus: 413 },
        { kind: 'rejected', httpStatus: 500 },
        { kind: 'rejected', grpcCode: GrpcStatus.INVALID_ARGUMENT },
        { kind: 'rejected', grpcCode: GrpcStatus.UNAUTHENTICATED },
        { kind: 'rejected', grpcCode: GrpcStatus.RESOURCE_EXHAUSTED },
        { kind: 'invalid-target' },
      ] as const)
        assert.equal(retryVerdictOf(failure(error)).retry, false, JSON.stringify(error));
    });

    it('retries RESOURCE_EXHAUSTED when the server says when, after that wait', () => {
      assert.deepEqual(retryVerdictOf(failure({ kind: 'rejected', grpcCode: GrpcStatus.RESOURCE_EXHAUSTED }, 1500)), {
        retry: true,
        afterMs: 1500,
      });
      assert.deepEqual(retryVerdictOf(failure({ kind: 'rejected', httpStatus: 429 }, 2000)), { retry: true, afterMs: 2000 });
    });
  });

  describe('backoff', () => {
    it('doubles from 1 s to at most 5 s, with jitter between half and all of it', () => {
      assert.deepEqual(
        [1, 2, 3, 4, 5, 50].map((attempt) => backoffMs(attempt, () => 1)),
        [1000, 2000, 4000, 5000, 5000, 5000],
      );
      assert.deepEqual(
        [1, 2, 3, 4].map((attempt) => backoffMs(attempt, () => 0)),
        [500, 1000, 2000, 2500],
      );
      const draws = Array.from({ length: 200 }, () => backoffMs(3, Math.random));
      assert.ok(draws.every((ms) => ms >= 2000 && ms <= 4000));
      assert.ok(new Set(draws).size > 50, 'jittered');
    });
  });

  describe('Retry-After', () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    it('reads seconds and HTTP dates, and caps a long wait', () => {
      assert.equal(retryAfterMsOf('3', now), 3000);
      assert.equal(retryAfterMsOf(' 0 ', now), 0);
      assert.equal(retryAfterMsOf('Sat, 21 Nov 2026 12:00:30 GMT', now), 30_000);
      assert.equal(retryAfterMsOf('Sat, 21 Nov 2026 11:00:00 GMT', now), 0);
      assert.equal(retryAfterMsOf('86400', now), MAX_RETRY_AFTER_MS);
      for (const junk of [undefined, '', 'soon', '-5', '1.5']) assert.equal(retryAfterMsOf(junk, now), undefined, String(junk));
    });

    it("reads gRPC's RetryInfo from grpc-status-details-bin, and nothing from junk", () => {
      assert.equal(grpcRetryDelayMsOf(statusWithRetryInfo(2, 500_000_000)), 2500);
      assert.equal(grpcRetryDelayMsOf(statusWithRetryInfo(100_000, 0)), MAX_RETRY_AFTER_MS);
      assert.equal(grpcRetryDelayMsOf(undefined), undefined);
      assert.equal(grpcRetryDelayMsOf(new Uint8Array([0xff, 0xff, 0xff])), undefined);
      assert.equal(grpcRetryDelayMsOf(new Uint8Array([8, 8])), undefined, 'a status without details');
    });
  });
});
