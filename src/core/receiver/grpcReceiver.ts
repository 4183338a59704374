import {
  Metadata,
  Server,
  ServerInterceptingCall,
  logVerbosity,
  setLogVerbosity,
  ServerCredentials,
  status as GrpcStatus,
  type ServerErrorResponse,
  type ServerInterceptor,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { OtlpDecodeError } from '../otlp/decodeError';
import { LOGS_EXPORT_PATH, METRICS_EXPORT_PATH, rawExportService, TRACE_EXPORT_PATH } from '../otlp/grpcServices';
import { decodeLogsRequest, decodeMetricsRequest, decodeTraceRequest } from '../otlp/decode';
import { encodeErrorStatus, encodeExportResponse } from '../otlp/encodeResponse';
import type { PartialSuccess } from '../../model/otlpTypes';
import { BytesInFlight, defaultBytesInFlight, ReceiverBusyError, type Reservation } from './bytesInFlight';
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
  /** The bound on request bytes held at once, shared with the HTTP receiver; default from `maxReceiveBytes`. */
  bytesInFlight?: BytesInFlight;
  /** How long a call waits for room under that bound before RESOURCE_EXHAUSTED. Default 2 s. */
  admissionWaitMs?: number;
}

type ExportHandler = (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => void;

const TRACE_SERVICE = rawExportService(TRACE_EXPORT_PATH);
const LOGS_SERVICE = rawExportService(LOGS_EXPORT_PATH);
const METRICS_SERVICE = rawExportService(METRICS_EXPORT_PATH);

/**
 * The OTLP/gRPC receiver: `TraceService/Export`, `LogsService/Export` and `MetricsService/Export`. grpc-js undoes
 * `grpc-encoding: gzip` and refuses messages over the limit with RESOURCE_EXHAUSTED; data that
 * does not decode gets INVALID_ARGUMENT with the decoder's message. Each call's message counts
 * against the bound on bytes in flight shared with the HTTP receiver.
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
    const maxReceiveBytes = this.options.maxReceiveBytes ?? DEFAULT_GRPC_MAX_RECEIVE_BYTES;
    const inFlight = this.options.bytesInFlight ?? new BytesInFlight(defaultBytesInFlight());
    const server = new Server({
      'grpc.max_receive_message_length': maxReceiveBytes,
      interceptors: [boundBytesInFlight(inFlight, maxReceiveBytes, this.options.admissionWaitMs ?? 2_000)],
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

/**
 * grpc-js inflates a message whole before any handler sees it, so a call is admitted before its
 * body is read (the stream stays paused, the body held back by HTTP/2 flow control meanwhile): it
 * reserves `admissionEstimate`, waiting a moment for room. Once the message is in, the reservation
 * becomes its real size; a message that does not fit beside the others is answered
 * RESOURCE_EXHAUSTED at once so its memory goes back, while one larger than the bound (a long
 * coding-agent turn) passes when it is alone. Without room at admission, RESOURCE_EXHAUSTED with
 * RetryInfo asks the exporter to retry later.
 */
function boundBytesInFlight(inFlight: BytesInFlight, maxReceiveBytes: number, waitMs: number): ServerInterceptor {
  return (_method, call) => {
    let reservation: Reservation | undefined;
    let cancelled = false;
    const release = (): void => {
      reservation?.release();
      reservation = undefined;
    };
    const intercepted: ServerInterceptingCall = new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, nextMetadata) => {
            inFlight.admit(admissionEstimate(inFlight.limit, maxReceiveBytes), waitMs).then(
              (admitted) => {
                if (cancelled) return admitted.release();
                reservation = admitted;
                nextMetadata(metadata);
              },
              (error: ReceiverBusyError) => {
                if (!cancelled) intercepted.sendStatus(busyStatus(error));
              },
            );
          },
          onReceiveMessage: (message: Buffer, nextMessage) => {
            if (reservation && !reservation.resize(message.length)) {
              release();
              intercepted.sendStatus(busyStatus(new ReceiverBusyError(inFlight.limit)));
              return;
            }
            nextMessage(message);
          },
          onCancel: () => {
            cancelled = true;
            release();
          },
        }),
      sendStatus: (status, nextStatus) => {
        release();
        nextStatus(status);
      },
    });
    return intercepted;
  };
}

/**
 * Bytes reserved for a call before its message is read: two thirds of the bound, so one call at a
 * time inflates (grpc-js hides whether a message is compressed, and a gzip body may inflate to any
 * size) while a third stays for HTTP requests and for the message already in.
 */
export function admissionEstimate(limit: number, maxReceiveBytes: number): number {
  return Math.min(maxReceiveBytes, Math.floor((limit * 2) / 3));
}

function busyStatus(error: ReceiverBusyError): { code: GrpcStatus; details: string; metadata: Metadata } {
  const metadata = new Metadata();
  const details = encodeErrorStatus('protobuf', GrpcStatus.RESOURCE_EXHAUSTED, error.message, error.retryAfterSeconds);
  metadata.set('grpc-status-details-bin', Buffer.from(details));
  return { code: GrpcStatus.RESOURCE_EXHAUSTED, details: error.message, metadata };
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
