import type { OtlpSpan } from '../../src/model/otlpTypes';

/** Size of each message of the crash test's conversations: large, so kills land inside content writes (three stay under the 16 MiB message limit). */
export const MESSAGE_CHARS = 3_500_000;

export function crashTraceId(trace: number): string {
  return (trace + 1).toString(16).padStart(32, '0');
}

function crashSpanId(trace: number, call: number): string {
  return ((trace * 100 + call + 1) >>> 0).toString(16).padStart(16, '0');
}

/** Message `m` of conversation `trace`: deterministic, distinct, with quotes and non-ASCII text. */
export function message(trace: number, m: number): string {
  const unit = `T${trace} M${m} "naïve" ✓ `;
  return unit.repeat(Math.ceil(MESSAGE_CHARS / unit.length)).slice(0, MESSAGE_CHARS);
}

/** The messages call `call` of conversation `trace` sends: the two before it again, and one more. */
export function inputMessages(trace: number, call: number): string {
  const list = [];
  for (let m = Math.max(0, call - 2); m <= call; m++)
    list.push({ role: m % 2 ? 'assistant' : 'user', parts: [{ type: 'text', content: message(trace, m) }] });
  return JSON.stringify(list);
}

export function conversationSpan(trace: number, call: number): OtlpSpan {
  const start = BigInt(1_800_000_000_000 + trace * 1000 + call) * 1_000_000n;
  return {
    traceId: crashTraceId(trace),
    spanId: crashSpanId(trace, call),
    name: `chat ${call}`,
    kind: 3,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 1_000_000n),
    attributes: [
      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
      { key: 'gen_ai.input.messages', value: { stringValue: inputMessages(trace, call) } },
    ],
    events: [],
    links: [],
    status: { code: 0 },
  };
}
