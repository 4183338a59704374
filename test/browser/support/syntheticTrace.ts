import type { ExportTraceServiceRequest, KeyValue, OtlpSpan } from '../../../src/model/otlpTypes';

/** Deterministic pseudo-random numbers (mulberry32) so a synthetic trace is the same every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0').slice(-width);
}

function str(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

function int(key: string, value: number): KeyValue {
  return { key, value: { intValue: String(value) } };
}

export interface SyntheticTraceOptions {
  spanCount: number;
  traceId?: string;
  seed?: number;
  /** Unix ms of the root start. */
  startMs?: number;
}

/**
 * An agent-shaped trace of exactly `spanCount` spans as an OTLP/JSON export request: a root agent,
 * steps, each with an LLM call and tool calls that make HTTP requests, a few errors. Times nest properly.
 */
export function syntheticTraceRequest(options: SyntheticTraceOptions): { request: ExportTraceServiceRequest; traceId: string } {
  const rand = random(options.seed ?? 7);
  const traceId = options.traceId ?? hex(Math.floor(rand() * 2 ** 32), 8) + '1234567890abcdef' + hex(options.spanCount, 8);
  const startNs = BigInt(Math.round((options.startMs ?? Date.now() - 60_000) * 1e6));
  const spans: OtlpSpan[] = [];
  let nextId = 1;
  const add = (name: string, parent: string | undefined, startUs: number, durationUs: number, attributes: KeyValue[], error = false) => {
    const spanId = hex(nextId++, 16);
    spans.push({
      traceId,
      spanId,
      parentSpanId: parent,
      name,
      kind: parent ? 3 : 1,
      startTimeUnixNano: String(startNs + BigInt(Math.round(startUs * 1000))),
      endTimeUnixNano: String(startNs + BigInt(Math.round((startUs + durationUs) * 1000))),
      attributes,
      events: [],
      links: [],
      status: error ? { code: 2, message: 'tool failed' } : { code: 0 },
    });
    return spanId;
  };

  const total = options.spanCount;
  const rootDurationUs = Math.max(1000, total * 400);
  const root = add('invoke_agent research', undefined, 0, rootDurationUs, [
    str('gen_ai.operation.name', 'invoke_agent'),
    str('gen_ai.agent.name', 'research'),
  ]);
  // Each step: 1 step span + 1 llm + tools × (tool + http) ≈ 6 spans.
  const stepCount = Math.max(1, Math.ceil((total - 1) / 6));
  const stepUs = rootDurationUs / stepCount;
  for (let s = 0; s < stepCount && spans.length < total; s++) {
    const stepStart = s * stepUs;
    const step = add(`step ${s}`, root, stepStart, stepUs * 0.95, [str('gen_ai.operation.name', 'agent_step')]);
    if (spans.length >= total) break;
    const llmUs = stepUs * (0.3 + rand() * 0.3);
    add('chat gpt-4o-mini', step, stepStart + stepUs * 0.01, llmUs, [
      str('gen_ai.operation.name', 'chat'),
      str('gen_ai.provider.name', 'openai'),
      str('gen_ai.request.model', 'gpt-4o-mini'),
      int('gen_ai.usage.input_tokens', 100 + Math.floor(rand() * 900)),
      int('gen_ai.usage.output_tokens', 10 + Math.floor(rand() * 200)),
    ]);
    let cursor = stepStart + stepUs * 0.02 + llmUs;
    for (let t = 0; t < 2 && spans.length < total; t++) {
      const toolUs = stepUs * 0.15 * (0.5 + rand());
      const failed = rand() < 0.01;
      const tool = add(
        `execute_tool search_${t}`,
        step,
        cursor,
        toolUs,
        [str('gen_ai.operation.name', 'execute_tool'), str('gen_ai.tool.name', `search_${t}`)],
        failed,
      );
      if (spans.length < total) add('GET /search', tool, cursor + toolUs * 0.1, toolUs * 0.8, [str('http.request.method', 'GET')]);
      cursor += toolUs * 1.05;
    }
  }
  return {
    traceId,
    request: {
      resourceSpans: [
        {
          resource: { attributes: [str('service.name', 'synthetic-agent')] },
          scopeSpans: [{ scope: { name: 'loupe-synthetic' }, spans }],
        },
      ],
    },
  };
}
