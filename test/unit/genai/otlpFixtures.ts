import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportLogsServiceRequest, ExportTraceServiceRequest, InstrumentationScope, Resource } from '../../../src/model/otlpTypes';
import type { StoredLog, StoredSpan, StoredTrace } from '../../../src/model/storedTrace';
import type { SpanFacts } from '../../../src/core/genai/spanFacts';
import { describeSpan } from '../../../src/core/genai/describeSpan';
import { decodeLogsRequest, decodeTraceRequest } from '../../../src/core/otlp/decode';
import type { PriceBook } from '../../../src/core/genai/pricing';

export const FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'otlp');

export function fixtureBytes(file: string): Uint8Array {
  return readFileSync(join(FIXTURE_DIR, file));
}

class TraceBuilder {
  readonly traces = new Map<string, StoredTrace>();

  private trace(traceId: string): StoredTrace {
    let t = this.traces.get(traceId);
    if (!t) {
      t = {
        traceId,
        seq: this.traces.size + 1,
        receivedAt: 0,
        updatedAt: 0,
        resources: [],
        scopes: [],
        spans: [],
        logs: [],
        droppedSpans: 0,
      };
      this.traces.set(traceId, t);
    }
    return t;
  }

  private indexes(t: StoredTrace, resource: Resource | undefined, scope: InstrumentationScope | undefined): [number, number] {
    const r = resource ?? { attributes: [] };
    const s = scope ?? { name: '' };
    let ri = t.resources.findIndex((x) => JSON.stringify(x) === JSON.stringify(r));
    if (ri < 0) ri = t.resources.push(r) - 1;
    let si = t.scopes.findIndex((x) => JSON.stringify(x) === JSON.stringify(s));
    if (si < 0) si = t.scopes.push(s) - 1;
    return [ri, si];
  }

  addTraces(request: ExportTraceServiceRequest): void {
    for (const rs of request.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          const t = this.trace(span.traceId);
          const [resourceIndex, scopeIndex] = this.indexes(t, rs.resource, ss.scope);
          t.spans.push({ ...span, resourceIndex, scopeIndex } as StoredSpan);
        }
      }
    }
  }

  addLogs(request: ExportLogsServiceRequest): void {
    for (const rl of request.resourceLogs) {
      for (const sl of rl.scopeLogs) {
        for (const log of sl.logRecords) {
          if (!log.traceId) continue;
          const t = this.trace(log.traceId);
          const [resourceIndex, scopeIndex] = this.indexes(t, rl.resource, sl.scope);
          t.logs.push({ ...log, resourceIndex, scopeIndex } as StoredLog);
        }
      }
    }
  }
}

/** Assembles stored traces from OTLP requests, as the engine would. */
export function storedTraces(traces: ExportTraceServiceRequest[], logs: ExportLogsServiceRequest[] = []): StoredTrace[] {
  const builder = new TraceBuilder();
  for (const r of traces) builder.addTraces(r);
  for (const r of logs) builder.addLogs(r);
  return [...builder.traces.values()];
}

/** Decodes OTLP/JSON captures with Loupe's own decoder and assembles their traces. */
export function loadFixtureTraces(traceFile: string, logFile?: string): StoredTrace[] {
  return storedTraces(
    [decodeTraceRequest(fixtureBytes(traceFile), 'json')],
    logFile ? [decodeLogsRequest(fixtureBytes(logFile), 'json')] : [],
  );
}

export function factsOf(trace: StoredTrace, pricing: PriceBook): SpanFacts[] {
  return trace.spans.map((span) =>
    describeSpan(span, { resource: trace.resources[span.resourceIndex], scope: trace.scopes[span.scopeIndex] }, pricing),
  );
}
