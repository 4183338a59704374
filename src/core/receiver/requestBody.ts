import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import { ReceiverBusyError, type Reservation } from './bytesInFlight';

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
 * With a `reservation`, every decompressed byte is also taken from the receivers' shared bound on
 * bytes in flight, and the body is refused with a `ReceiverBusyError` the moment that bound is full.
 */
export function readRequestBody(request: IncomingMessage, maxBytes: number, reservation?: Reservation): Promise<Buffer> {
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
    // A body of declared length is copied into place as it arrives: joining pieces at the end
    // would hold it twice at its largest moment (a long coding-agent turn is hundreds of MB).
    // Its size is taken from the shared bound at once, so declared lengths alone cannot make many
    // requests allocate more than the bound allows.
    let whole: Buffer | undefined;
    if (!decoder && Number.isSafeInteger(declared) && declared > 0) {
      if (reservation && !reservation.grow(declared)) return reject(new ReceiverBusyError(reservation.limit));
      whole = Buffer.allocUnsafeSlow(declared);
    }
    let wireBytes = 0;
    let bodyBytes = 0;
    let settled = false;

    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      decoder?.destroy();
      chunks.length = 0;
      whole = undefined;
      reject(error);
    };
    const collect = (chunk: Buffer): void => {
      if (settled) return;
      bodyBytes += chunk.length;
      if (bodyBytes > maxBytes) return fail(tooLarge(maxBytes));
      if (whole) {
        // Node's parser never delivers more than Content-Length says (checked again at the end).
        if (bodyBytes <= whole.length) chunk.copy(whole, bodyBytes - chunk.length);
        return;
      }
      if (reservation && !reservation.grow(chunk.length)) return fail(new ReceiverBusyError(reservation.limit));
      chunks.push(chunk);
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      if (whole) {
        // Node's parser delivers exactly Content-Length bytes; anything else is refused as HTTP/1.1 would be.
        if (bodyBytes === whole.length) resolve(whole);
        else reject(new RequestBodyError(400, `The request body is ${bodyBytes} bytes, not the ${whole.length} its Content-Length says.`));
        whole = undefined;
        return;
      }
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bodyBytes);
      chunks.length = 0;
      resolve(body);
    };

    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) return fail(tooLarge(maxBytes));
      if (!decoder) return collect(chunk);
      // Fed in small slices, so the bounds are checked every few MiB of output even for a body
      // that inflates a thousandfold.
      let writable = true;
      for (let offset = 0; offset < chunk.length; offset += COMPRESSED_SLICE_BYTES) {
        writable = decoder.write(chunk.subarray(offset, offset + COMPRESSED_SLICE_BYTES));
      }
      if (!writable) {
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

/**
 * Inflated output arrives in pieces of this size. zlib's 16 KiB default scatters a large body over
 * thousands of small allocations that the C allocator keeps (as resident memory) long after they
 * are freed; a piece this large is mapped and unmapped whole, and costs only the pages written to.
 */
const INFLATED_PIECE_BYTES = 32 * 1024 * 1024;

/** Deflate expands at most ~1,032-fold, so a 2 KiB slice of input inflates to at most ~2 MiB. */
const COMPRESSED_SLICE_BYTES = 2 * 1024;

function createInflater(contentEncoding: string | undefined): Gunzip | Inflate | undefined {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return createGunzip({ chunkSize: INFLATED_PIECE_BYTES });
    case 'deflate':
      return createInflate({ chunkSize: INFLATED_PIECE_BYTES });
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
