import { Agent, request as httpRequest } from 'node:http';
import type { ExportTraceServiceRequest, OtlpSpan } from '../../src/model/otlpTypes';
import { toProtobuf } from './otlpWire';

/** A trace sent in one request, kept so what the store returns can be compared with it. */
export interface SentTrace {
  traceId: string;
  spanNames: string[];
  /** The protobuf ExportTraceServiceRequest holding all its spans. */
  body: Buffer;
}

function hex(seed: number, index: number, bytes: number): string {
  // Deterministic, never all zeros: the counter sits in the last bytes, the seed in the first.
  const head = (seed >>> 0).toString(16).padStart(8, '0');
  const tail = (index + 1).toString(16).padStart(bytes * 2 - 8, '0');
  return (head + tail).slice(-bytes * 2);
}

/** One trace of `spans` spans (a root and its children), each with a `promptBytes` prompt attribute. */
export function buildTrace(
  seed: number,
  index: number,
  spans: number,
  promptBytes: number,
): { traceId: string; request: ExportTraceServiceRequest } {
  const traceId = hex(seed, index, 16);
  const base = 1_795_279_085_000_000_000n + BigInt(index) * 1_000_000_000n;
  const out: OtlpSpan[] = [];
  for (let i = 0; i < spans; i++) {
    out.push({
      traceId,
      spanId: hex(seed ^ 0x5a5a, index * 1_000 + i, 8),
      ...(i > 0 ? { parentSpanId: out[0].spanId } : {}),
      name: i === 0 ? `agent run ${index}` : `chat step ${i}`,
      kind: i === 0 ? 1 : 3,
      startTimeUnixNano: String(base + BigInt(i) * 1_000_000n),
      endTimeUnixNano: String(base + BigInt(i + 1) * 1_000_000n + (i === 0 ? BigInt(spans) * 1_000_000n : 0n)),
      attributes: [
        { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: String(40 + i) } },
        { key: 'gen_ai.prompt', value: { stringValue: `prompt ${index}.${i} `.padEnd(promptBytes, '·') } },
      ],
      events: [],
      links: [],
      status: { code: 0 },
    });
  }
  return {
    traceId,
    request: {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hardening' } }] },
          scopeSpans: [{ scope: { name: 'load' }, spans: out }],
        },
      ],
    },
  };
}

export function buildSentTrace(seed: number, index: number, spans: number, promptBytes: number): SentTrace {
  const { traceId, request } = buildTrace(seed, index, spans, promptBytes);
  const spanNames = request.resourceSpans[0].scopeSpans[0].spans.map((s) => s.name);
  return { traceId, spanNames, body: toProtobuf(request) };
}

/** POSTs protobuf bodies to /v1/traces over kept-alive connections. */
export class OtlpHttpSender {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });

  constructor(private readonly port: number) {}

  async post(body: Buffer, timeoutMs = 15_000): Promise<number> {
    return (await this.exportTraces(body, timeoutMs)).status;
  }

  /** Posts and reads the whole answer (an ExportTraceServiceResponse when the status is 200). */
  exportTraces(body: Buffer, timeoutMs = 15_000): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port: this.port,
          method: 'POST',
          path: '/v1/traces',
          agent: this.agent,
          timeout: timeoutMs,
          headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
