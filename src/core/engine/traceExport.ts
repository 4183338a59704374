import type { ExportTraceServiceRequest, OtlpSpan, ResourceSpans } from '../../model/otlpTypes';
import type { StoredTrace } from '../../model/storedTrace';
import { materializeAttributes } from '../store/contentValue';

/** Rebuilds an OTLP/JSON export request from a stored trace, grouped by resource and scope again. */
export function exportRequestOf(trace: StoredTrace): ExportTraceServiceRequest {
  const groups = new Map<number, Map<number, OtlpSpan[]>>();
  for (const { resourceIndex, scopeIndex, ...span } of trace.spans) {
    let byScope = groups.get(resourceIndex);
    if (!byScope) groups.set(resourceIndex, (byScope = new Map()));
    let spans = byScope.get(scopeIndex);
    if (!spans) byScope.set(scopeIndex, (spans = []));
    // Content values become plain strings: the request is data, sent to another thread or over the wire.
    spans.push({
      ...span,
      attributes: materializeAttributes(span.attributes),
      events: span.events.map((event) => (event.attributes ? { ...event, attributes: materializeAttributes(event.attributes) } : event)),
    });
  }
  const resourceSpans: ResourceSpans[] = [];
  for (const [resourceIndex, byScope] of groups) {
    const { schemaUrl, ...resource } = trace.resources[resourceIndex] ?? { attributes: [] };
    resourceSpans.push({
      resource,
      scopeSpans: [...byScope].map(([scopeIndex, spans]) => {
        const { schemaUrl: scopeSchemaUrl, ...scope } = trace.scopes[scopeIndex] ?? { name: '' };
        return { scope, spans, ...(scopeSchemaUrl ? { schemaUrl: scopeSchemaUrl } : {}) };
      }),
      ...(schemaUrl ? { schemaUrl } : {}),
    });
  }
  return { resourceSpans };
}
