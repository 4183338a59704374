import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { GrpcReceiver } from '../../../src/core/receiver/grpcReceiver';
import { HttpServer } from '../../../src/core/host/httpListener';
import { RecordingSink } from './recordingSink';

/** How an OpenTelemetry SDK exporter reaches Loupe. */
export type Transport = 'grpc' | 'http/protobuf' | 'http/json';
export const TRANSPORTS: readonly Transport[] = ['grpc', 'http/protobuf', 'http/json'];

/** The three OTLP exporter classes of one signal, by transport. */
export type ExporterClasses<E> = Record<Transport, new (config: { url: string; compression: CompressionAlgorithm }) => E>;

/**
 * Both receivers on free loopback ports for the enclosing `describe`, recording into one sink,
 * and a real SDK exporter of the given classes pointed at the right one.
 */
export function receiversUnderTest<E>(
  signal: 'traces' | 'logs' | 'metrics',
  classes: ExporterClasses<E>,
): {
  sink: RecordingSink;
  exporterFor(transport: Transport, gzip: boolean): E;
} {
  const sink = new RecordingSink();
  const grpc = new GrpcReceiver({ sink, port: 0 });
  const http = new HttpServer({ sink, port: 0 });
  let grpcPort = 0;
  let httpPort = 0;
  before(async () => {
    grpcPort = await grpc.start();
    httpPort = await http.start();
  });
  after(async () => {
    await grpc.stop();
    await http.stop();
  });
  return {
    sink,
    exporterFor(transport, gzip) {
      const url = transport === 'grpc' ? `http://127.0.0.1:${grpcPort}` : `http://127.0.0.1:${httpPort}/v1/${signal}`;
      return new classes[transport]({ url, compression: gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE });
    },
  };
}
