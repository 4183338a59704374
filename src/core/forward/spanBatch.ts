import type { ReadableSpan } from '@opentelemetry/sdk-trace';
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
