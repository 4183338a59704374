import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface HttpCall {
  port: number;
  method?: string;
  /** Sent exactly as given: no normalisation of dot segments or encoding. */
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string;
  /** Send the body in pieces without a Content-Length. */
  chunked?: boolean;
  /** A Loupe access token, sent as `Authorization: Bearer`. */
  token?: string;
}

/** A plain node:http request on a fresh connection, answered in full. */
export function send(call: HttpCall): Promise<HttpReply> {
  const body = call.body === undefined ? undefined : Buffer.from(call.body);
  const auth = call.token === undefined ? {} : { Authorization: `Bearer ${call.token}` };
  // node:http sends bodies of GET/DELETE without framing unless told their length.
  const headers =
    body !== undefined && !call.chunked ? { 'Content-Length': body.length, ...auth, ...call.headers } : { ...auth, ...call.headers };
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: call.port,
        method: call.method ?? 'GET',
        path: call.path,
        headers,
        agent: false,
        timeout: 20_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, text: body.toString('utf8') });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('request timed out')));
    request.on('error', reject);
    if (body !== undefined && call.chunked) {
      const piece = 64 * 1024;
      // Written without waiting: the server may answer (and close) before reading it all.
      for (let offset = 0; offset < body.length; offset += piece) request.write(body.subarray(offset, offset + piece));
      request.end();
    } else {
      request.end(body);
    }
  });
}
