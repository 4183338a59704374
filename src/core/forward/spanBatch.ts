import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { ForwardProtocol } from '../../model/forwardTarget';
import { encodeSpans } from './otlpDelivery';
import type { ExportTraceServiceRequest, OtlpSpan, ResourceSpans, ScopeSpans } from '../../model/otlpTypes';
import type { SpanOrigin } from '../engine/spanTap';
import { toReadableSpans } from './readableSpanAdapter';

export interface PendingSpan {
  span: OtlpSpan;
  origin: SpanOrigin;
  /** The engine's estimate of its size, for the per-request byte bound. */
  bytes: number;
}

/**
 * Spans gathered from many requests as one export request: one resource group per resource
 * object and one scope group per origin, in arrival order (spans of one request share them).
 */
export function requestOf(pending: readonly Pick<PendingSpan, 'span' | 'origin'>[]): ExportTraceServiceRequest {
  const byResource = new Map<unknown, { group: ResourceSpans; scopes: Map<SpanOrigin, ScopeSpans> }>();
  const resourceSpans: ResourceSpans[] = [];
  for (const { span, origin } of pending) {
    const key = origin.resource ?? origin;
    let entry = byResource.get(key);
    if (!entry || entry.group.schemaUrl !== origin.resourceSchemaUrl) {
      const group: ResourceSpans = {
        resource: origin.resource ?? { attributes: [] },
        scopeSpans: [],
        ...(origin.resourceSchemaUrl ? { schemaUrl: origin.resourceSchemaUrl } : {}),
      };
      resourceSpans.push(group);
      entry = { group, scopes: new Map() };
      byResource.set(key, entry);
    }
    let scope = entry.scopes.get(origin);
    if (!scope) {
      scope = { scope: origin.scope ?? { name: '' }, spans: [], ...(origin.scopeSchemaUrl ? { schemaUrl: origin.scopeSchemaUrl } : {}) };
      entry.group.scopeSpans.push(scope);
      entry.scopes.set(origin, scope);
    }
    scope.spans.push(span);
  }
  return { resourceSpans };
}

/**
 * The batch as the SDK's spans, for the official encoder. A span the adapter cannot take (the
 * engine has checked ids and times, so this should not happen) is left out and counted, rather
 * than losing the batch.
 */
export function readableSpansOf(pending: readonly PendingSpan[]): { spans: ReadableSpan[]; unreadable: number; problem?: string } {
  try {
    return { spans: toReadableSpans(requestOf(pending)), unreadable: 0 };
  } catch {
    const spans: ReadableSpan[] = [];
    let unreadable = 0;
    let problem: string | undefined;
    for (const one of pending) {
      try {
        spans.push(...toReadableSpans(requestOf([one])));
      } catch (error) {
        unreadable++;
        problem ??= error instanceof Error ? error.message : String(error);
      }
    }
    return { spans, unreadable, problem };
  }
}

/** Spans encoded in one stretch; about 6 ms of the official encoder for agent spans with 4 KB of text. */
export const ENCODE_SLICE_SPANS = 128;
/**
 * While receiving keeps the thread busy, each slice is followed by a pause this many times its
 * length: forwarding then takes at most a fifth of the thread, and receiving the rest.
 */
const BUSY_PAUSE_FACTOR = 4;

/**
 * A batch as one OTLP export request, encoded by the official encoder in slices with a turn of
 * the event loop before each, so requests arriving meanwhile are received between slices rather
 * than after the whole batch; when other work ran for longer than a slice during that turn
 * (receiving is busy), a longer pause follows. The slices' bytes are concatenated: protobuf
 * merges the repeated `resource_spans` of concatenated messages, so the result is one valid request.
 */
export async function encodeBatch(
  pending: readonly PendingSpan[],
  protocol: ForwardProtocol,
): Promise<{ body: Uint8Array; spans: number; unreadable: number; problem?: string }> {
  const parts: Uint8Array[] = [];
  let spans = 0;
  let unreadable = 0;
  let problem: string | undefined;
  let sliceMs = 0;
  for (let start = 0; start < pending.length; start += ENCODE_SLICE_SPANS) {
    const yielded = performance.now();
    await nextTurn();
    if (sliceMs > 0 && performance.now() - yielded > sliceMs) await sleep(BUSY_PAUSE_FACTOR * sliceMs);
    const began = performance.now();
    const slice = readableSpansOf(pending.slice(start, start + ENCODE_SLICE_SPANS));
    unreadable += slice.unreadable;
    problem ??= slice.problem;
    if (slice.spans.length > 0) {
      parts.push(encodeSpans(slice.spans, protocol));
      spans += slice.spans.length;
    }
    sliceMs = performance.now() - began;
  }
  return { body: parts.length === 1 ? parts[0] : Buffer.concat(parts), spans, unreadable, ...(problem ? { problem } : {}) };
}
