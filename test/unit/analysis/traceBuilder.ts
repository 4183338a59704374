import { describeSpan } from '../../../src/core/genai/describeSpan';
import { PriceBook } from '../../../src/core/genai/pricing';
import type { SpanFacts } from '../../../src/core/genai/spanFacts';
import type { StoredTrace } from '../../../src/model/storedTrace';
import { makeSpan, NO_CONTEXT, otlpAttributes, type SpanSpec } from '../genai/spanBuilder';

export const pricing = new PriceBook();

export interface BuiltTrace {
  trace: StoredTrace;
  facts: SpanFacts[];
}

/** A stored trace of the given spans (ids are the spec's `spanId`), with facts as the engine computes them. */
export function buildTrace(specs: SpanSpec[], traceId = '4bf92f3577b34da6a3ce929d0e0e4736'): BuiltTrace {
  const spans = specs.map((spec) => makeSpan({ ...spec, traceId }));
  const trace: StoredTrace = {
    traceId,
    seq: 1,
    receivedAt: 0,
    updatedAt: 0,
    resources: [NO_CONTEXT.resource],
    scopes: [NO_CONTEXT.scope],
    spans,
    logs: [],
    droppedSpans: 0,
  };
  return { trace, facts: spans.map((s) => describeSpan(s, NO_CONTEXT, pricing)) };
}

export function chat(model: string, input: number, output: number, extra: Record<string, string | number> = {}) {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': model,
    'gen_ai.provider.name': 'openai',
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': output,
    ...extra,
  };
}

export { otlpAttributes };
