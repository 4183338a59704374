import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as GrpcServer, ServerCredentials, type sendUnaryData, type ServerErrorResponse, type ServerUnaryCall } from '@grpc/grpc-js';
import { decodeTraceRequest } from '../../src/core/otlp/decode';
import { rawExportService, TRACE_EXPORT_PATH } from '../../src/core/otlp/grpcServices';
import type { ExportTraceServiceRequest, OtlpSpan } from '../../src/model/otlpTypes';

/** How the target answers one export: accept it, or refuse it with an HTTP status (and headers) or a gRPC error. */
export type TargetAnswer =
  { accept: true } | { status: number; headers?: Record<string, string>; body?: string } | { grpcError: Partial<ServerErrorResponse> };

export interface ReceivedExport {
  request: ExportTraceServiceRequest;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A real OTLP trace receiver on a loopback port (OTLP/HTTP protobuf at /v1/traces, or OTLP/gRPC),
 * decoding each request with Loupe's own decoder and counting every span id it accepted. It can
 * stop (the port is then closed: connections are refused) and start again on the same port.
 */
export class OtlpTarget {
  readonly accepted: ReceivedExport[] = [];
  /** Every export request that reached the target, accepted or not. */
  requests = 0;
  private readonly seen = new Map<string, number>();
  private http: Server | undefined;
  private grpc: GrpcServer | undefined;
  answer: (request: ExportTraceServiceRequest) => TargetAnswer = () => ({ accept: true });

  private constructor(
    readonly protocol: 'http' | 'grpc',
    public port: number,
  ) {}

  static async start(protocol: 'http' | 'grpc' = 'http', port = 0): Promise<OtlpTarget> {
    const target = new OtlpTarget(protocol, port);
    await target.listen();
    return target;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** How many times each span id arrived in an accepted request. */
  counts(): ReadonlyMap<string, number> {
    return this.seen;
  }

  spans(): OtlpSpan[] {
    return this.accepted.flatMap(({ request }) => request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
  }

  async listen(): Promise<void> {
    if (this.protocol === 'http') await this.listenHttp();
    else await this.listenGrpc();
  }

  /** Closes the port and every open connection: the target is down. */
  async stop(): Promise<void> {
    const http = this.http;
    const grpc = this.grpc;
    this.http = undefined;
    this.grpc = undefined;
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
    if (grpc) grpc.forceShutdown();
  }

  private take(request: ExportTraceServiceRequest, headers: ReceivedExport['headers']): TargetAnswer {
    this.requests++;
    const answer = this.answer(request);
    if ('accept' in answer) {
      this.accepted.push({ request, headers });
      for (const resource of request.resourceSpans)
        for (const scope of resource.scopeSpans)
          for (const span of scope.spans) this.seen.set(span.spanId, (this.seen.get(span.spanId) ?? 0) + 1);
    }
    return answer;
  }

  private listenHttp(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.method !== 'POST' || request.url !== '/v1/traces') return respond(response, 404, {}, 'not found');
        let decoded: ExportTraceServiceRequest;
        try {
          decoded = decodeTraceRequest(Buffer.concat(chunks), 'protobuf');
        } catch (error) {
          return respond(response, 400, {}, (error as Error).message);
        }
        const answer = this.take(decoded, request.headers);
        if ('accept' in answer) return respond(response, 200, { 'content-type': 'application/x-protobuf' }, '');
        if ('status' in answer) return respond(response, answer.status, answer.headers ?? {}, answer.body ?? '');
        respond(response, 500, {}, 'a gRPC answer from an HTTP target');
      });
    });
    this.http = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private listenGrpc(): Promise<void> {
    const server = new GrpcServer();
    server.addService(rawExportService(TRACE_EXPORT_PATH), {
      Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        let decoded: ExportTraceServiceRequest;
        try {
          decoded = decodeTraceRequest(call.request, 'protobuf');
        } catch (error) {
          return callback({ code: 3, details: (error as Error).message });
        }
        const answer = this.take(decoded, call.metadata.getMap() as ReceivedExport['headers']);
        if ('grpcError' in answer) return callback(answer.grpcError);
        callback(null, Buffer.alloc(0));
      },
    });
    this.grpc = server;
    return new Promise((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${this.port}`, ServerCredentials.createInsecure(), (error, port) => {
        if (error) return reject(error);
        this.port = port;
        resolve();
      });
    });
  }
}

function respond(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, headers);
  response.end(body);
}

/** Waits until `condition` holds, polling; false when `limitMs` passed first. */
export async function waitFor(condition: () => boolean, limitMs: number, everyMs = 25): Promise<boolean> {
  const end = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return true;
}
