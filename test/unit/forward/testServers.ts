import { createServer as createHttpServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import {
  type Metadata,
  Server,
  ServerCredentials,
  type sendUnaryData,
  type ServerErrorResponse,
  type ServerUnaryCall,
} from '@grpc/grpc-js';
import { rawExportService, TRACE_EXPORT_PATH } from '../../../src/core/otlp/grpcServices';

export interface CapturedHttpRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpCapture {
  port: number;
  requests: CapturedHttpRequest[];
  close(): Promise<void>;
}

type HttpResponder = (request: CapturedHttpRequest, response: ServerResponse) => void;

/** A node:http server on 127.0.0.1:0 that keeps every request and answers as told (default 200, empty). */
export function startHttpCapture(respond: HttpResponder = (_request, response) => response.end()): Promise<HttpCapture> {
  const requests: CapturedHttpRequest[] = [];
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const captured = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) };
      requests.push(captured);
      respond(captured, response);
    });
  });
  return listen(server).then((port) => ({
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }));
}

export interface BlackHole {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** Connections still open (the client should have closed its end after giving up). */
  open(): number;
  close(): Promise<void>;
}

/** Accepts TCP connections, reads whatever comes, and never answers. */
export function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createNetServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  return listen(server).then((port) => ({
    port,
    accepted: () => accepted,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  }));
}

/** A port that nothing listens on: bound once to pick it, then released. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface GrpcCall {
  request: Buffer;
  metadata: Metadata;
}

export interface GrpcCapture {
  port: number;
  calls: GrpcCall[];
  close(): Promise<void>;
}

type GrpcResponder = (call: GrpcCall) => { error: Partial<ServerErrorResponse> } | { response: Buffer };

/** A grpc-js server with the OTLP trace `Export` method, keeping each request's raw bytes and metadata. */
export function startGrpcCapture(respond: GrpcResponder = () => ({ response: Buffer.alloc(0) })): Promise<GrpcCapture> {
  const calls: GrpcCall[] = [];
  const server = new Server();
  server.addService(rawExportService(TRACE_EXPORT_PATH), {
    Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      const captured = { request: call.request, metadata: call.metadata };
      calls.push(captured);
      const answer = respond(captured);
      if ('error' in answer) callback(answer.error);
      else callback(null, answer.response);
    },
  });
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
      if (error) return reject(error);
      resolve({ port, calls, close: () => new Promise<void>((done) => server.tryShutdown(() => done())) });
    });
  });
}

function listen(server: {
  listen(port: number, host: string, callback: () => void): unknown;
  address(): AddressInfo | string | null;
}): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** Milliseconds an async call took, with its result. */
export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}
