import type { WireFormat } from '../support/requestTemplate';
import type { Transport } from './otlpSenders';

export type ExporterKind = 'grpc' | 'http/protobuf' | 'http/json';

export type AgentCommand =
  | { cmd: 'prepare'; templates: [WireFormat, number][]; exportSpans?: number }
  | {
      cmd: 'flood';
      transport: Transport;
      port: number;
      format: WireFormat;
      spansPerRequest: number;
      concurrency: number;
      durationMs: number;
    }
  | {
      cmd: 'steady';
      transport: Transport;
      port: number;
      format: WireFormat;
      spansPerRequest: number;
      spansPerSecond: number;
      durationMs: number;
      maxInFlight?: number;
    }
  | { cmd: 'stopSteady' }
  | { cmd: 'export'; kind: ExporterKind; port: number; spans: number; batch: number };

export interface FloodResult {
  requests: number;
  sentSpans: number;
  ackedSpans: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  bytes: number;
}

export interface SteadyResult {
  /** [traceId, acknowledged spans] in the order sent; one request per trace. */
  traces: [string, number][];
  sentSpans: number;
  ackedSpans: number;
  errors: number;
  firstError?: string;
  /** Requests not sent because too many were still unanswered (the receiver fell behind). */
  skipped: number;
  elapsedMs: number;
}
