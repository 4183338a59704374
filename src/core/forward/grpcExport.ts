import { Client, credentials, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { passThrough, TRACE_EXPORT_PATH } from '../otlp/grpcServices';
import { deadlineSignal, formatSeconds, type DeliveryFailure } from './deliveryFailure';
import { grpcRetryDelayMsOf } from './retryAfter';

export type GrpcExportOutcome =
  | { answered: { response: Buffer } }
  | { refused: { code: number; codeName: string; details: string; retryAfterMs?: number } }
  | { failed: DeliveryFailure };

export interface GrpcExportOptions {
  address: string;
  tls: boolean;
  metadata: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What grpc-js says when it never got a connection up, as opposed to a server answering UNAVAILABLE. */
const NO_CONNECTION =
  /No connection established|Name resolution failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|Connection dropped|Failed to connect/i;

/**
 * One unary `TraceService/Export` call with the request already encoded, on a channel of its own
 * that is closed afterwards. No retries; the deadline is `timeoutMs` and the caller's signal
 * cancels the call.
 */
export function exportOverGrpc(request: Uint8Array, options: GrpcExportOptions): Promise<GrpcExportOutcome> {
  const deadline = deadlineSignal(options.timeoutMs, options.signal);
  // A channel of its own, not grpc-js's shared pool: a connection that failed a moment ago (Jaeger
  // not started yet) must not fail the next forward from its reconnect backoff.
  const client = new Client(options.address, options.tls ? credentials.createSsl() : credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
  });
  return new Promise<GrpcExportOutcome>((resolve) => {
    if (deadline.signal.aborted) return resolve({ failed: deadline.reason() });
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(options.metadata)) metadata.set(key.toLowerCase(), value);
    const call = client.makeUnaryRequest(
      TRACE_EXPORT_PATH,
      passThrough,
      passThrough,
      Buffer.from(request.buffer, request.byteOffset, request.byteLength),
      metadata,
      { deadline: Date.now() + options.timeoutMs },
      (error: ServiceError | null, response?: Buffer) => {
        if (!error) return resolve({ answered: { response: response ?? Buffer.alloc(0) } });
        resolve(outcomeOfError(error, deadline.signal.aborted ? deadline.reason() : undefined, options.timeoutMs));
      },
    );
    deadline.signal.addEventListener('abort', () => call.cancel(), { once: true });
  }).finally(() => {
    deadline.dispose();
    client.close();
  });
}

function outcomeOfError(error: ServiceError, aborted: DeliveryFailure | undefined, timeoutMs: number): GrpcExportOutcome {
  if (aborted) return { failed: aborted };
  const details = error.details || error.message;
  if (error.code === GrpcStatus.DEADLINE_EXCEEDED)
    return { failed: { kind: 'timeout', detail: `no answer within ${formatSeconds(timeoutMs)}` } };
  if (error.code === GrpcStatus.UNAVAILABLE && NO_CONNECTION.test(details)) return { failed: { kind: 'unreachable', detail: details } };
  const [statusDetails] = error.metadata?.get('grpc-status-details-bin') ?? [];
  const retryAfterMs = grpcRetryDelayMsOf(Buffer.isBuffer(statusDetails) ? statusDetails : undefined);
  return {
    refused: {
      code: error.code,
      codeName: GrpcStatus[error.code] ?? 'UNKNOWN',
      details,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    },
  };
}
