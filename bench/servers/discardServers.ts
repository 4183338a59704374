import { createServer, type Server as HttpServer } from 'node:http';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { rawExportService, TRACE_EXPORT_PATH } from '../../src/core/otlp/grpcServices';

const EMPTY = Buffer.alloc(0);
const TRACE_SERVICE = rawExportService(TRACE_EXPORT_PATH);

export interface DiscardCounts {
  requests: number;
  bytes: number;
}

/**
 * Transport-only OTLP receivers: the same grpc-js server with pass-through serializers and the
 * same node:http server Loupe uses, answering success without looking at the bytes.
 */
export class DiscardServers {
  readonly counts: DiscardCounts = { requests: 0, bytes: 0 };
  private grpc: Server | undefined;
  private http: HttpServer | undefined;

  async start(): Promise<{ grpcPort: number; httpPort: number }> {
    const grpc = new Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
    grpc.addService(TRACE_SERVICE, {
      Export: (call: { request: Buffer }, callback: (error: null, response: Buffer) => void) => {
        this.counts.requests++;
        this.counts.bytes += call.request.length;
        callback(null, EMPTY);
      },
    });
    const grpcPort = await new Promise<number>((resolve, reject) =>
      grpc.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
    );
    this.grpc = grpc;
    const http = createServer((request, response) => {
      let bytes = 0;
      request.on('data', (chunk: Buffer) => (bytes += chunk.length));
      request.on('end', () => {
        this.counts.requests++;
        this.counts.bytes += bytes;
        const json = (request.headers['content-type'] ?? '').startsWith('application/json');
        const body = json ? '{}' : EMPTY;
        response.writeHead(200, {
          'Content-Type': json ? 'application/json' : 'application/x-protobuf',
          'Content-Length': String(body.length),
        });
        response.end(body);
      });
    });
    this.http = http;
    const httpPort = await new Promise<number>((resolve) =>
      http.listen(0, '127.0.0.1', () => resolve((http.address() as { port: number }).port)),
    );
    return { grpcPort, httpPort };
  }

  async stop(): Promise<void> {
    const grpc = this.grpc;
    const http = this.http;
    this.grpc = undefined;
    this.http = undefined;
    grpc?.forceShutdown();
    if (http) {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  }
}
