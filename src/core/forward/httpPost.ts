import { request as httpRequest, STATUS_CODES } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { deadlineSignal, failureOfNetworkError, type DeliveryFailure } from './deliveryFailure';

/** Enough of an error body to show its message; the rest is not read. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface HttpAnswer {
  status: number;
  statusText: string;
  contentType: string;
  body: Buffer;
  /** The `Retry-After` header, as sent. */
  retryAfter?: string;
}

export type HttpPostOutcome = { answered: HttpAnswer } | { failed: DeliveryFailure };

export interface HttpPostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * One POST, no retries, bounded by `timeoutMs` from start to the last byte of the answer,
 * whatever the server does (accepts and never answers, answers slowly, never ends the body).
 * A fresh connection each time (`agent: false`), closed afterwards, so nothing lingers.
 */
export function postBytes(url: URL, body: Uint8Array, options: HttpPostOptions): Promise<HttpPostOutcome> {
  const deadline = deadlineSignal(options.timeoutMs, options.signal);
  return new Promise<HttpPostOutcome>((resolve) => {
    const fail = (error: unknown) => resolve({ failed: deadline.signal.aborted ? deadline.reason() : failureOfNetworkError(error) });
    if (deadline.signal.aborted) return resolve({ failed: deadline.reason() });
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, {
      method: 'POST',
      agent: false,
      signal: deadline.signal,
      headers: { ...options.headers, 'Content-Length': String(body.byteLength) },
    });
    request.on('error', fail);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = (): HttpPostOutcome => ({
        answered: {
          status: response.statusCode ?? 0,
          statusText: response.statusMessage || STATUS_CODES[response.statusCode ?? 0] || '',
          contentType: String(response.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks),
          ...(response.headers['retry-after'] ? { retryAfter: response.headers['retry-after'] } : {}),
        },
      });
      response.on('data', (chunk: Buffer) => {
        if (size >= MAX_RESPONSE_BYTES) return;
        chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
        size += chunk.length;
        // The status is known and the message is in hand: stop reading an oversized body.
        if (size >= MAX_RESPONSE_BYTES) {
          resolve(answer());
          response.destroy();
        }
      });
      response.on('end', () => resolve(answer()));
      response.on('error', fail);
    });
    request.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  }).finally(deadline.dispose);
}
