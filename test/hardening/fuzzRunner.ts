import { Agent, request as httpRequest } from 'node:http';
import { connect as connectHttp2, type ClientHttp2Session } from 'node:http2';
import { connect as connectTcp } from 'node:net';
import { FuzzCaseGenerator, GRPC, type FuzzCase, type ValidExpectation } from './fuzzCases';
import { RawGrpcClient, readExportResponse } from './otlpWire';

export interface FuzzOptions {
  seed: number;
  payloads: number;
  httpPort: number;
  grpcPort: number;
  /** The limit the server was started with (cases over it expect 413 / RESOURCE_EXHAUSTED). */
  maxRequestBytes: number;
  concurrency?: number;
  /** A request unanswered this long counts as a hang. */
  timeoutMs?: number;
  onProgress?: (done: number) => void;
}

export interface FuzzReport {
  payloads: number;
  validSent: ValidExpectation[];
  /** Per kind of case: how many were sent and what came back. */
  outcomes: Map<string, Map<string, number>>;
  failures: string[];
  durationMs: number;
  maxLatencyMs: number;
  p99LatencyMs: number;
}

type Outcome = { answer: number | 'closed' | 'timeout' | `error: ${string}`; body?: Buffer };

/** One worker's connections: a kept-alive HTTP agent, a raw gRPC client and an HTTP/2 session. */
class Connections {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  readonly grpc: RawGrpcClient;
  private h2: ClientHttp2Session | undefined;

  constructor(private readonly options: FuzzOptions) {
    this.grpc = new RawGrpcClient(options.grpcPort);
  }

  session(): ClientHttp2Session {
    if (!this.h2 || this.h2.closed || this.h2.destroyed) {
      this.h2 = connectHttp2(`http://127.0.0.1:${this.options.grpcPort}`);
      this.h2.on('error', () => undefined);
    }
    return this.h2;
  }

  close(): void {
    this.agent.destroy();
    this.grpc.close();
    this.h2?.close();
  }
}

function sendHttp(c: Connections, port: number, fuzz: Extract<FuzzCase, { transport: 'http' }>, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: fuzz.method,
        path: fuzz.path,
        agent: c.agent,
        headers: { ...fuzz.headers, 'Content-Length': fuzz.body.length },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ answer: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
        response.on('error', () => resolve({ answer: response.statusCode ?? 0 }));
      },
    );
    request.setTimeout(timeoutMs, () => {
      request.destroy();
      resolve({ answer: 'timeout' });
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ answer: `error: ${error.code ?? error.message}` }));
    request.end(fuzz.body);
  });
}

async function sendGrpc(c: Connections, fuzz: Extract<FuzzCase, { transport: 'grpc' }>, timeoutMs: number): Promise<Outcome> {
  const { error, response } = await c.grpc.call(fuzz.path, fuzz.body, timeoutMs);
  if (error?.code === 4) return { answer: 'timeout' };
  return { answer: error ? error.code : GRPC.OK, body: response };
}

function sendH2(c: Connections, fuzz: Extract<FuzzCase, { transport: 'h2' }>, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let status: number | undefined;
    const stream = c
      .session()
      .request({ ':method': 'POST', ':path': fuzz.path, 'content-type': 'application/grpc', te: 'trailers', ...fuzz.headers });
    const settle = () => resolve({ answer: status ?? 'closed' });
    // A call refused at once carries its status in the headers (trailers-only); others in trailers.
    stream.on('response', (headers) => headers['grpc-status'] !== undefined && (status = Number(headers['grpc-status'])));
    stream.on('trailers', (trailers) => (status = Number(trailers['grpc-status'])));
    stream.on('data', () => undefined);
    stream.on('close', settle);
    stream.on('error', settle);
    stream.setTimeout(timeoutMs, () => {
      stream.close();
      resolve({ answer: 'timeout' });
    });
    stream.end(fuzz.body);
  });
}

function sendRaw(port: number, fuzz: Extract<FuzzCase, { transport: 'raw' }>, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer: 'timeout' });
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const head = /^HTTP\/1\.[01] (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'));
      resolve({ answer: head ? Number(head[1]) : 'closed' });
    });
    socket.end(fuzz.bytes);
  });
}

function run(c: Connections, fuzz: FuzzCase, options: FuzzOptions, timeoutMs: number): Promise<Outcome> {
  switch (fuzz.transport) {
    case 'http':
      return sendHttp(c, options.httpPort, fuzz, timeoutMs);
    case 'grpc':
      return sendGrpc(c, fuzz, timeoutMs);
    case 'h2':
      return sendH2(c, fuzz, timeoutMs);
    case 'raw':
      return sendRaw(options.httpPort, fuzz, timeoutMs);
  }
}

/** A valid request must be answered without partial success: every span accepted. */
function rejectedByValid(fuzz: FuzzCase, outcome: Outcome): number {
  if (!outcome.body || outcome.body.length === 0) return 0;
  const format = fuzz.transport === 'http' && fuzz.headers['Content-Type'] === 'application/json' ? 'json' : 'protobuf';
  return readExportResponse('traces', format, outcome.body).rejected;
}

/** Sends `payloads` seeded cases over `concurrency` workers and checks every answer against its case. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const generator = new FuzzCaseGenerator(options.seed, options.maxRequestBytes);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const report: FuzzReport = {
    payloads: 0,
    validSent: [],
    outcomes: new Map(),
    failures: [],
    durationMs: 0,
    maxLatencyMs: 0,
    p99LatencyMs: 0,
  };
  const latencies: number[] = [];
  const started = Date.now();
  let issued = 0;

  const worker = async () => {
    const connections = new Connections(options);
    try {
      while (issued < options.payloads) {
        const index = issued++;
        const fuzz = generator.next();
        const began = performance.now();
        const outcome = await run(connections, fuzz, options, timeoutMs);
        latencies.push(performance.now() - began);
        const tally = report.outcomes.get(fuzz.kind) ?? new Map<string, number>();
        tally.set(String(outcome.answer), (tally.get(String(outcome.answer)) ?? 0) + 1);
        report.outcomes.set(fuzz.kind, tally);
        report.payloads++;
        if (!(fuzz.allowed as readonly unknown[]).includes(outcome.answer)) {
          report.failures.push(
            `#${index} ${fuzz.transport} "${fuzz.kind}": got ${outcome.answer}, expected one of ${fuzz.allowed.join('/')}`,
          );
        } else if ((fuzz.transport === 'http' || fuzz.transport === 'grpc') && fuzz.valid) {
          const rejected = rejectedByValid(fuzz, outcome);
          if (rejected > 0) report.failures.push(`#${index} valid ${fuzz.transport} request: ${rejected} spans rejected`);
          report.validSent.push(fuzz.valid);
        }
        if (report.payloads % 1000 === 0) options.onProgress?.(report.payloads);
      }
    } finally {
      connections.close();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));

  report.durationMs = Date.now() - started;
  latencies.sort((a, b) => a - b);
  report.maxLatencyMs = Math.round(latencies[latencies.length - 1] ?? 0);
  report.p99LatencyMs = Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0);
  return report;
}

/** Problems with the valid traces: each must be stored with exactly the spans it was sent with. */
export async function findMissingValid(httpPort: number, token: string, valid: readonly ValidExpectation[]): Promise<string[]> {
  const problems: string[] = [];
  let next = 0;
  const check = async () => {
    while (next < valid.length) {
      const expected = valid[next++];
      const response = await fetch(`http://127.0.0.1:${httpPort}/api/traces/${expected.traceId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (response.status !== 200) {
        problems.push(`valid trace ${expected.traceId} is not stored (${response.status})`);
        continue;
      }
      const detail = (await response.json()) as { spans: unknown[] };
      if (detail.spans.length !== expected.spanCount)
        problems.push(`valid trace ${expected.traceId} has ${detail.spans.length} of ${expected.spanCount} spans`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, check));
  return problems;
}

/** Formats the outcome table, one line per kind of case. */
export function describeOutcomes(report: FuzzReport): string {
  return [...report.outcomes]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, tally]) => `  ${kind.padEnd(40)} ${[...tally].map(([answer, n]) => `${answer}×${n}`).join('  ')}`)
    .join('\n');
}
