import type { StoredSpan, StoredTrace } from '../../../src/model/storedTrace';

/** Prompt size of the traces the crash-test writer produces (large, so kills land mid-write). */
export const CRASH_PROMPT_BYTES = 4000;

/** A 32-hex trace id derived from a number, so a trace can be rebuilt from its id alone. */
export function sampleTraceId(index: number): string {
  return index.toString(16).padStart(32, '0');
}

function spanId(traceIndex: number, spanIndex: number): string {
  return ((traceIndex * 100_000 + spanIndex) >>> 0).toString(16).padStart(8, '0') + 'abcdef01';
}

/** The prompt text of one span: deterministic, `bytes` long, with quotes, newlines and non-ASCII. */
function promptText(traceIndex: number, spanIndex: number, bytes: number): string {
  const unit = `Prompt ${traceIndex}/${spanIndex}: "résumé" — line\n`;
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

export function sampleSpan(traceIndex: number, spanIndex: number, promptBytes: number): StoredSpan {
  const start = 1_700_000_000_000_000_000n + BigInt(traceIndex) * 1_000_000_000n + BigInt(spanIndex) * 1_000_000n;
  return {
    traceId: sampleTraceId(traceIndex),
    spanId: spanId(traceIndex, spanIndex),
    ...(spanIndex > 0 ? { parentSpanId: spanId(traceIndex, 0) } : {}),
    name: spanIndex === 0 ? 'invoke_agent planner' : `chat gpt-4o-mini #${spanIndex}`,
    kind: 3,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 750_000n).toString(),
    attributes: [
      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
      { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
      { key: 'gen_ai.usage.input_tokens', value: { intValue: String(100 + spanIndex) } },
      { key: 'gen_ai.usage.output_tokens', value: { intValue: '42' } },
      { key: 'gen_ai.request.temperature', value: { doubleValue: 0.2 } },
      { key: 'gen_ai.prompt', value: { stringValue: promptText(traceIndex, spanIndex, promptBytes) } },
      { key: 'llm.streaming', value: { boolValue: spanIndex % 2 === 0 } },
      { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '7' }] } } },
    ],
    events: [{ timeUnixNano: (start + 1000n).toString(), name: 'first_token', attributes: [] }],
    links: [],
    status: { code: spanIndex % 10 === 9 ? 2 : 0 },
    resourceIndex: 0,
    scopeIndex: 0,
  };
}

/** A trace of `spanCount` LLM-like spans; the same arguments always give an equal trace. */
export function sampleTrace(index: number, spanCount: number, promptBytes = 200): StoredTrace {
  const spans: StoredSpan[] = [];
  for (let j = 0; j < spanCount; j++) spans.push(sampleSpan(index, j, promptBytes));
  return {
    traceId: sampleTraceId(index),
    seq: index + 1,
    receivedAt: 1_700_000_000_000 + index,
    updatedAt: 1_700_000_000_000 + index + spanCount,
    resources: [{ attributes: [{ key: 'service.name', value: { stringValue: 'agent-under-test' } }] }],
    scopes: [{ name: '@loupe/test', version: '1.0.0' }],
    spans,
    logs: [],
    droppedSpans: 0,
  };
}

/** Appends the next span to a sample trace, as a growing trace would. */
export function growSampleTrace(trace: StoredTrace, index: number, promptBytes = 200): void {
  trace.spans.push(sampleSpan(index, trace.spans.length, promptBytes));
  trace.updatedAt = 1_700_000_000_000 + index + trace.spans.length;
}
