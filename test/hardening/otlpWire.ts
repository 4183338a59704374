import { Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ExportLogsServiceRequest, ExportTraceServiceRequest } from '../../src/model/otlpTypes';
import { toProtobufjsObject } from '../unit/otlp/protobufjsCodec';
import { otlpType } from '../unit/otlp/protobufjsOtlpSchema';
import { toOtlpJsonText } from '../unit/otlp/randomOtlp';

export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
export const LOGS_EXPORT_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

/** Any decoded-form request as protobuf bytes (ids of any length are written as given). */
export function toProtobuf(request: ExportTraceServiceRequest | ExportLogsServiceRequest): Buffer {
  const typeName = 'resourceSpans' in request ? 'ExportTraceServiceRequest' : 'ExportLogsServiceRequest';
  const type = otlpType(typeName);
  return Buffer.from(type.encode(type.fromObject(toProtobufjsObject(request) as Record<string, unknown>)).finish());
}

export function toJson(request: ExportTraceServiceRequest | ExportLogsServiceRequest): Buffer {
  return Buffer.from(toOtlpJsonText(request));
}

export interface PartialSuccessReply {
  rejected: number;
  errorMessage: string;
}

/** Reads an Export*ServiceResponse with the SDK's own deserializers. */
export function readExportResponse(signal: 'traces' | 'logs', format: 'protobuf' | 'json', body: Uint8Array): PartialSuccessReply {
  const serializer =
    signal === 'traces'
      ? format === 'json'
        ? JsonTraceSerializer
        : ProtobufTraceSerializer
      : format === 'json'
        ? JsonLogsSerializer
        : ProtobufLogsSerializer;
  const response = serializer.deserializeResponse(body) as { partialSuccess?: Record<string, unknown> };
  const partial = response.partialSuccess ?? {};
  const rejected = partial.rejectedSpans ?? partial.rejectedLogRecords ?? 0;
  return { rejected: Number(rejected), errorMessage: String(partial.errorMessage ?? '') };
}

/** A grpc-js client that sends and receives raw bytes, so any payload can be sent. */
export class RawGrpcClient {
  private readonly client: Client;

  constructor(port: number) {
    this.client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), {
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': -1,
    });
  }

  call(path: string, body: Buffer, timeoutMs = 10_000): Promise<{ error: ServiceError | null; response?: Buffer }> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        path,
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
        body,
        { deadline: Date.now() + timeoutMs },
        (error, response) => resolve({ error, response }),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
