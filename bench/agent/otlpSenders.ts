import { Agent, request } from 'node:http';
import { Client, credentials } from '@grpc/grpc-js';
import { passThrough, TRACE_EXPORT_PATH } from '../../src/core/otlp/grpcServices';
import type { WireFormat } from '../support/requestTemplate';

export type Transport = 'grpc' | 'http';

/** Sends one pre-encoded export request; resolves with the spans the receiver acknowledged. */
export interface OtlpSender {
  send(body: Buffer, spanCount: number): Promise<number>;
  close(): void;
}

function readVarint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
    shift += 7;
  }
}

/** `partial_success.rejected_spans` of a protobuf ExportTraceServiceResponse (0 when absent). */
export function rejectedSpansOf(response: Uint8Array): number {
  let at = 0;
  while (at < response.length) {
    const [tag, next] = readVarint(response, at);
    at = next;
    if ((tag & 7) !== 2) return 0;
    const [length, body] = readVarint(response, at);
    if (tag >>> 3 === 1) {
      const end = body + length;
      for (let p = body; p < end;) {
        const [inner, after] = readVarint(response, p);
        if (inner === 0x08) return readVarint(response, after)[0];
        if ((inner & 7) !== 2) return 0;
        const [skip, data] = readVarint(response, after);
        p = data + skip;
      }
      return 0;
    }
    at = body + length;
  }
  return 0;
}

/** One gRPC channel of its own (not shared with other senders), as a separate exporter would have. */
export function grpcSender(port: number): OtlpSender {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.max_send_message_length': -1,
    'grpc.max_receive_message_length': -1,
  });
  return {
    send: (body, spanCount) =>
      new Promise((resolve, reject) => {
        client.makeUnaryRequest(TRACE_EXPORT_PATH, passThrough, passThrough, body, (error, response) => {
          if (error) reject(error);
          else resolve(spanCount - rejectedSpansOf(response ?? Buffer.alloc(0)));
        });
      }),
    close: () => client.close(),
  };
}

/** OTLP/HTTP over one keep-alive connection. */
export function httpSender(port: number, format: WireFormat): OtlpSender {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const contentType = format === 'json' ? 'application/json' : 'application/x-protobuf';
  return {
    send: (body, spanCount) =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/v1/traces',
            method: 'POST',
            agent,
            headers: { 'content-type': contentType, 'content-length': body.length },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const answer = Buffer.concat(chunks);
              if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${answer.toString('utf8', 0, 200)}`));
              if (format === 'protobuf') return resolve(spanCount - rejectedSpansOf(answer));
              const parsed = answer.length
                ? (JSON.parse(answer.toString('utf8')) as { partialSuccess?: { rejectedSpans?: number | string } })
                : {};
              resolve(spanCount - Number(parsed.partialSuccess?.rejectedSpans ?? 0));
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

export function senderFor(transport: Transport, port: number, format: WireFormat): OtlpSender {
  return transport === 'grpc' ? grpcSender(port) : httpSender(port, format);
}
