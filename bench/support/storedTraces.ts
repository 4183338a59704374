import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportTraceServiceRequest, OtlpSpan } from '../../src/model/otlpTypes';
import type { StoredTrace } from '../../src/model/storedTrace';
import { TracePersistence } from '../../src/core/store/tracePersistence';
import { llmTrace } from '../genaiBench';
import { randomTraceId } from './requestTemplate';

/** A copy of `template` (a trace of real captured LLM spans) under another id. */
export function storedTraceWithId(template: StoredTrace, traceId: string, seq: number): StoredTrace {
  const now = Date.now();
  return { ...template, traceId, seq, receivedAt: now, updatedAt: now, spans: template.spans.map((span) => ({ ...span, traceId })) };
}

/** The same trace as an export request, as an exporter would send it. */
export function requestOf(trace: StoredTrace): ExportTraceServiceRequest {
  const spans: OtlpSpan[] = trace.spans.map(({ resourceIndex: _r, scopeIndex: _s, ...span }) => span);
  return { resourceSpans: [{ resource: trace.resources[0], scopeSpans: [{ scope: trace.scopes[0], spans }] }] };
}

/** Adds traces of `spansPerTrace` real captured LLM spans to the store in `dir` until it holds `count`. */
export async function fillStore(dir: string, count: number, spansPerTrace: number): Promise<void> {
  const template = llmTrace(spansPerTrace);
  const persistence = new TracePersistence(dir, { writeConcurrency: 8 });
  const loaded = await persistence.load();
  let seq = loaded.traces.reduce((max, t) => Math.max(max, t.seq), 0);
  for (let n = loaded.traces.length; n < count; n++) {
    persistence.markDirty(storedTraceWithId(template, randomTraceId(), ++seq));
    if (n % 200 === 199) await persistence.flush();
  }
  await persistence.close();
}

export function storeBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(join(dir, 'traces'))) total += statSync(join(dir, 'traces', name)).size;
  return total;
}
