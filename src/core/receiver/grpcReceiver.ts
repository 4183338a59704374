import {
  Server,
  logVerbosity,
  setLogVerbosity,
  ServerCredentials,
  status as GrpcStatus,
  type ServerErrorResponse,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { OtlpDecodeError } from '../otlp/decodeError';
import { LOGS_EXPORT_PATH, METRICS_EXPORT_PATH, rawExportService, TRACE_EXPORT_PATH } from '../otlp/grpcServices';
import { decodeLogsRequest, decodeMetricsRequest, decodeTraceRequest } from '../otlp/decode';
import { encodeExportResponse } from '../otlp/encodeResponse';
import type { PartialSuccess } from '../../model/otlpTypes';
import type { IngestSink } from './ingestSink';
import { toListenError } from './listenError';

// grpc-js logs failures (e.g. a busy port) to stderr on its own; Loupe reports them in its own words.
// The bundle carries a private copy of grpc-js, so this does not touch other extensions.
setLogVerbosity(logVerbosity.NONE);

export const DEFAULT_GRPC_PORT = 4317;
export const DEFAULT_GRPC_MAX_RECEIVE_BYTES = 64 * 1024 * 1024;

export interface GrpcReceiverOptions {
  sink: IngestSink;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 4317; 0 picks a free port. */
  port?: number;
  /** Largest accepted message after decompression. Default 64 MiB (grpc-js defaults to 4 MiB). */
  maxReceiveBytes?: number;
  /** How long `stop()` lets calls in flight finish before cutting them. Default 2 s. */
  shutdownGraceMs?: number;
  /** An export was refused (status and the reason sent back), for the log. */
  onRefused?: (detail: string) => void;
}

type ExportHandler = (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => void;

const TRACE_SERVICE = rawExportService(TRACE_EXPORT_PATH);
const LOGS_SERVICE = rawExportService(LOGS_EXPORT_PATH);
const METRICS_SERVICE = rawExportService(METRICS_EXPORT_PATH);

/**
 * The OTLP/gRPC receiver: `TraceService/Export`, `LogsService/Export` and `MetricsService/Export`. grpc-js undoes
 * `grpc-encoding: gzip` and refuses messages over the limit with RESOURCE_EXHAUSTED; data that
 * does not decode gets INVALID_ARGUMENT with the decoder's message.
 */
export class GrpcReceiver {
  private readonly host: string;
  private readonly requestedPort: number;
  private server: Server | undefined;
  private boundPort: number | undefined;

  constructor(private readonly options: GrpcReceiverOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.requestedPort = options.port ?? DEFAULT_GRPC_PORT;
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  /** Starts listening; resolves with the bound port or rejects with a `PortUnavailableError`. */
  start(): Promise<number> {
    if (this.boundPort !== undefined) return Promise.resolve(this.boundPort);
    const server = new Server({
      'grpc.max_receive_message_length': this.options.maxReceiveBytes ?? DEFAULT_GRPC_MAX_RECEIVE_BYTES,
    });
    const { sink } = this.options;
    server.addService(TRACE_SERVICE, {
      Export: exportHandler('traces', (bytes) => sink.ingestTraces(decodeTraceRequest(bytes, 'protobuf')), this.options.onRefused),
    });
    server.addService(LOGS_SERVICE, {
      Export: exportHandler('logs', (bytes) => sink.ingestLogs(decodeLogsRequest(bytes, 'protobuf')), this.options.onRefused),
    });
    server.addService(METRICS_SERVICE, {
      Export: exportHandler('metrics', (bytes) => sink.ingestMetrics(decodeMetricsRequest(bytes, 'protobuf'))),
    });
    return new Promise((resolve, reject) => {
      server.bindAsync(bindAddress(this.host, this.requestedPort), ServerCredentials.createInsecure(), (error, port) => {
        if (error) {
          server.forceShutdown();
          return reject(toListenError(error, 'grpc', this.host, this.requestedPort));
        }
        this.server = server;
        this.boundPort = port;
        resolve(port);
      });
    });
  }

  /** Lets calls in flight finish, then cuts whatever is left after the grace period. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.boundPort = undefined;
    await new Promise<void>((resolve) => {
      const grace = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, this.options.shutdownGraceMs ?? 2_000);
      server.tryShutdown(() => {
        clearTimeout(grace);
        resolve();
      });
    });
  }
}

function exportHandler(
  signal: 'traces' | 'logs' | 'metrics',
  ingest: (bytes: Buffer) => PartialSuccess | undefined,
  onRefused?: (detail: string) => void,
): ExportHandler {
  return (call, callback) => {
    let partial: PartialSuccess | undefined;
    try {
      partial = ingest(call.request);
    } catch (error) {
      const refusal = toServiceError(signal, error);
      onRefused?.(`OTLP/gRPC ${signal} export refused with ${GrpcStatus[refusal.code ?? GrpcStatus.INTERNAL]}: ${refusal.details}`);
      return callback(refusal);
    }
    const response = encodeExportResponse(signal, 'protobuf', partial);
    callback(null, Buffer.from(response.buffer, response.byteOffset, response.byteLength));
  };
}

function toServiceError(signal: string, error: unknown): Partial<ServerErrorResponse> {
  if (error instanceof OtlpDecodeError) return { code: GrpcStatus.INVALID_ARGUMENT, details: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: GrpcStatus.INTERNAL, details: `Loupe could not store the ${signal}: ${message}` };
}

function bindAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}
