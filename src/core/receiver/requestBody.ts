import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';

export const DEFAULT_MAX_REQUEST_BYTES = 64 * 1024 * 1024;

/** Why a request body was refused, with the HTTP status to answer. */
export class RequestBodyError extends Error {
  override readonly name = 'RequestBodyError';

  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** The request was aborted by the client; there is nobody left to answer. */
export class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError';
}

/**
 * Reads a request body, undoing `Content-Encoding: gzip | deflate`. Both the bytes on the wire and
 * the decompressed bytes are capped at `maxBytes`, and the cap is checked while inflating, so a
 * small gzip bomb is stopped after `maxBytes` of output rather than after it has filled memory.
 */
export function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  let inflater: Gunzip | Inflate | undefined;
  try {
    inflater = createInflater(request.headers['content-encoding']);
  } catch (error) {
    return Promise.reject(error);
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(tooLarge(maxBytes));
  }

  const decoder = inflater;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let bodyBytes = 0;
    let settled = false;

    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      decoder?.destroy();
      reject(error);
    };
    const collect = (chunk: Buffer): void => {
      if (settled) return;
      bodyBytes += chunk.length;
      if (bodyBytes > maxBytes) return fail(tooLarge(maxBytes));
      chunks.push(chunk);
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bodyBytes));
    };

    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) return fail(tooLarge(maxBytes));
      if (!decoder) return collect(chunk);
      if (!decoder.write(chunk)) {
        request.pause();
        decoder.once('drain', () => request.resume());
      }
    });
    request.on('end', () => (decoder ? decoder.end() : finish()));
    request.on('close', () => {
      if (!request.complete) fail(new RequestAbortedError('The client aborted the request.'));
    });
    request.on('error', (error) => fail(new RequestAbortedError(error.message)));
    if (decoder) {
      decoder.on('data', collect);
      decoder.on('end', finish);
      decoder.on('error', (error) =>
        fail(new RequestBodyError(400, `The request body is not valid ${encodingName(request)} data: ${error.message}`)),
      );
    }
  });
}

function createInflater(contentEncoding: string | undefined): Gunzip | Inflate | undefined {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    default:
      throw new RequestBodyError(415, `Content-Encoding "${contentEncoding}" is not supported; use gzip, deflate or none.`);
  }
}

function encodingName(request: IncomingMessage): string {
  return (request.headers['content-encoding'] ?? '').trim().toLowerCase();
}

function tooLarge(maxBytes: number): RequestBodyError {
  return new RequestBodyError(413, `The request is larger than the limit of ${maxBytes} bytes.`);
}
