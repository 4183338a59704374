import type { ExportTraceServiceRequest, OtlpSpan } from '../../src/model/otlpTypes';

/**
 * Coding-agent sessions as an agent sends them: each model call's input is the previous call's
 * input plus one user message and the previous answer, so call n resends calls 1…n−1. Messages
 * are realistic, varied text (prose, code, tool output) of 1–8 KB each, from a seeded generator.
 */

const WORDS = (
  'the function returns a promise that resolves once the file is written and the index is updated ' +
  'we should check whether the cache still holds the previous value before reading it again from disk ' +
  'error handling needs a clear message for the user and a retry when the network is down ' +
  'refactor this module so the parser and the writer do not share mutable state across requests ' +
  'tests fail on windows because the path separator differs and the temp folder is not removed ' +
  'consider streaming the response body instead of buffering it whole in memory for large inputs'
).split(' ');

const CODE = [
  'export async function load(path: string): Promise<Buffer> {\n  return readFile(path);\n}\n',
  'for (const [key, value] of map) {\n  if (value.expired) map.delete(key);\n}\n',
  'const result = await fetch(url, { signal: AbortSignal.timeout(5000) });\nif (!result.ok) throw new Error(`HTTP ${result.status}`);\n',
  'def parse(line):\n    key, _, value = line.partition("=")\n    return key.strip(), value.strip()\n',
  '$ npm test\n  ✔ parses the header (3ms)\n  1) writes the index\n     AssertionError: expected 3 to equal 4\n',
];

/** A seeded pseudo-random generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One message of `bytes` (about) of prose with code blocks and a unique header. */
export function messageText(random: () => number, id: string, bytes: number): string {
  let out = `[${id}] `;
  while (out.length < bytes) {
    if (random() < 0.15) out += '\n```\n' + CODE[Math.floor(random() * CODE.length)] + '```\n';
    else {
      const n = 8 + Math.floor(random() * 20);
      let sentence = '';
      for (let i = 0; i < n; i++) sentence += WORDS[Math.floor(random() * WORDS.length)] + ' ';
      out += sentence.charAt(0).toUpperCase() + sentence.slice(1, -1) + (random() < 0.1 ? ' (naïve → “fixed”). ' : '. ');
    }
  }
  return out.slice(0, bytes);
}

/** 1–8 KB, more small than large (log-uniform), as chat messages are. */
function messageBytes(random: () => number): number {
  return Math.round(1024 * Math.pow(8, random()));
}

interface ChatMessage {
  role: string;
  parts: { type: 'text'; content: string }[];
}

/** A session: `calls` model calls in one trace, yielded one call at a time. */
export class SessionGenerator {
  private readonly random: () => number;
  private readonly history: ChatMessage[] = [];
  /** UTF-8 bytes of every distinct message text generated so far. */
  distinctBytes = 0;
  readonly traceId: string;
  private call = 0;

  constructor(readonly session: number) {
    this.random = seeded(session + 1);
    this.traceId = (0x5e55000000 + session).toString(16).padStart(32, '0');
    this.addMessage('system', messageText(this.random, `s${session} system`, 2048));
  }

  spanId(call: number): string {
    return `5e55${(this.session * 10_000 + call + 1).toString(16).padStart(12, '0')}`;
  }

  /** The next model call's span: the conversation so far plus a new user message in, a new answer out. */
  nextSpan(): OtlpSpan {
    const call = this.call++;
    this.addMessage('user', messageText(this.random, `s${this.session} c${call} user`, messageBytes(this.random)));
    const input = JSON.stringify(this.history);
    const answer = messageText(this.random, `s${this.session} c${call} assistant`, messageBytes(this.random));
    this.distinctBytes += Buffer.byteLength(answer);
    const output = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: answer }], finish_reason: 'stop' }]);
    this.history.push({ role: 'assistant', parts: [{ type: 'text', content: answer }] });
    const start = BigInt(1_800_000_000_000 + this.session * 3_600_000 + call * 5000) * 1_000_000n;
    return {
      traceId: this.traceId,
      spanId: this.spanId(call),
      ...(call > 0 ? { parentSpanId: this.spanId(0) } : {}),
      name: 'chat claude-sonnet-4',
      kind: 3,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 4_000_000_000n),
      attributes: [
        { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
        { key: 'gen_ai.conversation.id', value: { stringValue: `session-${this.session}` } },
        { key: 'gen_ai.provider.name', value: { stringValue: 'anthropic' } },
        { key: 'gen_ai.request.model', value: { stringValue: 'claude-sonnet-4' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: String(Math.round(input.length / 4)) } },
        { key: 'gen_ai.usage.output_tokens', value: { intValue: String(Math.round(answer.length / 4)) } },
        { key: 'gen_ai.input.messages', value: { stringValue: input } },
        { key: 'gen_ai.output.messages', value: { stringValue: output } },
      ],
      events: [],
      links: [],
      status: { code: 0 },
    };
  }

  private addMessage(role: string, content: string): void {
    this.distinctBytes += Buffer.byteLength(content);
    this.history.push({ role, parts: [{ type: 'text', content }] });
  }
}

export function sessionRequest(spans: OtlpSpan[]): ExportTraceServiceRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'coding-agent' } }] },
        scopeSpans: [{ scope: { name: 'agent' }, spans }],
      },
    ],
  };
}
