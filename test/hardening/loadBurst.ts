import type { ExportTraceServiceRequest, OtlpSpan } from '../../src/model/otlpTypes';
import { RawGrpcClient, readExportResponse, toProtobuf, TRACE_EXPORT_PATH } from './otlpWire';
import { buildTrace, OtlpHttpSender } from './sentTraces';

export interface LoadOptions {
  httpPort: number;
  /** The server's access token, for the /api/health probes. */
  token: string;
  grpcPort: number;
  /** Spans to send in all, including the ones with invalid ids. */
  spans: number;
  spansPerTrace?: number;
  tracesPerRequest?: number;
  httpClients?: number;
  grpcClients?: number;
  /** Every this many requests, one also carries spans with invalid ids (to be rejected). */
  rejectEvery?: number;
  seed?: number;
}

export interface LoadReport {
  sentSpans: number;
  sentTraces: number;
  spansPerTrace: number;
  /** Sum of the partial_success rejections the receivers answered. */
  rejectedReported: number;
  /** Requests answered with anything but success. */
  failedRequests: string[];
  encodeMs: number;
  burstMs: number;
  /** /api/health round trips measured while the burst ran. */
  healthLatenciesMs: number[];
}

const INVALID_PER_REQUEST = 4;

/** Pre-encodes the burst: whole traces per request (so a trace is stored or evicted as a unit). */
function encodeRequests(options: Required<Omit<LoadOptions, 'httpPort' | 'grpcPort' | 'token'>>): {
  bodies: Buffer[];
  traces: number;
  spans: number;
} {
  const bodies: Buffer[] = [];
  let traces = 0;
  let spans = 0;
  while (spans < options.spans) {
    const batch: OtlpSpan[] = [];
    for (let t = 0; t < options.tracesPerRequest && spans + batch.length + options.spansPerTrace <= options.spans; t++) {
      batch.push(...buildTrace(options.seed, traces++, options.spansPerTrace, 64).request.resourceSpans[0].scopeSpans[0].spans);
    }
    const rejectNow =
      bodies.length % options.rejectEvery === options.rejectEvery - 1 && spans + batch.length + INVALID_PER_REQUEST <= options.spans;
    if (rejectNow) {
      for (let i = 0; i < INVALID_PER_REQUEST; i++) batch.push({ ...batch[0], traceId: 'abcd'.repeat(i + 1), spanId: 'ff'.repeat(8) });
    }
    if (batch.length === 0) break;
    spans += batch.length;
    const request: ExportTraceServiceRequest = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'load' } }] },
          scopeSpans: [{ scope: { name: 'burst' }, spans: batch }],
        },
      ],
    };
    bodies.push(toProtobuf(request));
  }
  return { bodies, traces, spans };
}

/**
 * Sends a burst of pre-encoded trace requests over several HTTP and gRPC clients at once, as
 * fast as the server answers, while timing /api/health every 100 ms.
 */
export async function runLoadBurst(options: LoadOptions): Promise<LoadReport> {
  const settings = {
    spans: options.spans,
    spansPerTrace: options.spansPerTrace ?? 10,
    tracesPerRequest: options.tracesPerRequest ?? 10,
    httpClients: options.httpClients ?? 3,
    grpcClients: options.grpcClients ?? 3,
    rejectEvery: options.rejectEvery ?? 25,
    seed: options.seed ?? 0x10ad,
  };
  const encodeStart = performance.now();
  const { bodies, traces, spans } = encodeRequests(settings);
  const report: LoadReport = {
    sentSpans: spans,
    sentTraces: traces,
    spansPerTrace: settings.spansPerTrace,
    rejectedReported: 0,
    failedRequests: [],
    encodeMs: Math.round(performance.now() - encodeStart),
    burstMs: 0,
    healthLatenciesMs: [],
  };

  let next = 0;
  let running = true;
  const health = (async () => {
    while (running) {
      const began = performance.now();
      const response = await fetch(`http://127.0.0.1:${options.httpPort}/api/health`, {
        headers: { authorization: `Bearer ${options.token}` },
      });
      await response.arrayBuffer();
      report.healthLatenciesMs.push(Math.round(performance.now() - began));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();

  const httpClient = async () => {
    const sender = new OtlpHttpSender(options.httpPort);
    try {
      while (next < bodies.length) {
        const index = next++;
        const reply = await sender.exportTraces(bodies[index], 60_000);
        if (reply.status !== 200) report.failedRequests.push(`request ${index} over HTTP: ${reply.status}`);
        else report.rejectedReported += readExportResponse('traces', 'protobuf', reply.body).rejected;
      }
    } finally {
      sender.close();
    }
  };
  const grpcClient = async () => {
    const client = new RawGrpcClient(options.grpcPort);
    try {
      while (next < bodies.length) {
        const index = next++;
        const { error, response } = await client.call(TRACE_EXPORT_PATH, bodies[index], 60_000);
        if (error) report.failedRequests.push(`request ${index} over gRPC: ${error.code} ${error.details}`);
        else report.rejectedReported += readExportResponse('traces', 'protobuf', response!).rejected;
      }
    } finally {
      client.close();
    }
  };

  const burstStart = performance.now();
  await Promise.all([
    ...Array.from({ length: settings.httpClients }, httpClient),
    ...Array.from({ length: settings.grpcClients }, grpcClient),
  ]);
  report.burstMs = Math.round(performance.now() - burstStart);
  running = false;
  await health;
  return report;
}

export interface StoreCounts {
  traces: number;
  spans: number;
  evictedTraces: number;
  droppedSpans: number;
  rejectedSpans: number;
}

/** Where every sent span went; `unaccounted` is zero when nothing was silently dropped. */
export function accountFor(
  report: LoadReport,
  stats: StoreCounts,
): { stored: number; evicted: number; dropped: number; rejected: number; unaccounted: number } {
  const evicted = stats.evictedTraces * report.spansPerTrace;
  const unaccounted = report.sentSpans - stats.spans - evicted - stats.droppedSpans - stats.rejectedSpans;
  return { stored: stats.spans, evicted, dropped: stats.droppedSpans, rejected: stats.rejectedSpans, unaccounted };
}
