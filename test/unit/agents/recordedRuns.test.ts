import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { GrpcReceiver } from '../../../src/core/receiver/grpcReceiver';
import { HttpServer } from '../../../src/core/host/httpListener';
import { RawGrpcClient } from '../../hardening/otlpWire';
import { send } from '../receiver/httpClient';
import { recordedRuns, type RecordedRequest } from './recordedRuns';
import { decodeLogsRequest, decodeMetricsRequest, decodeTraceRequest } from '../../../src/core/otlp/decode';

/** Whether an export answer reports rejected items (HTTP JSON or protobuf, gRPC protobuf). */
function rejectedIn(body: Buffer, json: boolean): boolean {
  if (json) return body.length > 2 && /rejected/i.test(body.toString('utf8'));
  return body.length > 0;
}

/**
 * Each recorded CLI run, replayed request by request as the CLI sent it (same transport, path,
 * content type; HTTP bodies gzip-compressed) into Loupe's real receivers, reads as one session with
 * the model calls, tool calls, tokens, prompt and cost the fake model server and the CLI reported.
 */
describe('recorded coding-agent runs read right', () => {
  let engine: TraceEngine;
  let http: HttpServer;
  let grpc: GrpcReceiver;
  let httpPort = 0;
  let client: RawGrpcClient;

  before(async () => {
    engine = await TraceEngine.open({ changeDelayMs: 0 });
    http = new HttpServer({ sink: engine, port: 0 });
    grpc = new GrpcReceiver({ sink: engine, port: 0 });
    httpPort = await http.start();
    client = new RawGrpcClient(await grpc.start());
  });
  after(async () => {
    client.close();
    await grpc.stop();
    await http.stop();
    await engine.close();
  });
  beforeEach(() => engine.clear());

  async function replay(request: RecordedRequest): Promise<void> {
    if (request.transport === 'grpc') {
      const { error, response } = await client.call(request.path, request.body);
      strictEqual(error, null, `${request.file}: ${error?.details}`);
      ok(!rejectedIn(response!, false), `${request.file}: partial success`);
      return;
    }
    const reply = await send({
      port: httpPort,
      method: 'POST',
      path: request.path,
      headers: { 'Content-Type': request.contentType, 'Content-Encoding': 'gzip' },
      body: request.gzipBody,
    });
    strictEqual(reply.status, 200, `${request.file}: ${reply.text}`);
    ok(!rejectedIn(reply.body, request.contentType.includes('json')), `${request.file}: ${reply.text}`);
  }

  for (const run of recordedRuns()) {
    const transports = [...new Set(run.requests.map((r) => `${r.transport} ${r.contentType}`))].join(', ');
    it(`${run.agent} ${run.scenario} (${transports})`, async () => {
      for (const request of run.requests) await replay(request);
      const sessions = engine.listSessionsNow();
      strictEqual(sessions.length, 1, `sessions: ${sessions.map((s) => s.sessionId).join(', ')}`);
      const session = engine.getSessionNow(sessions[0].sessionId)!;
      const expected = run.expected;

      strictEqual(session.llmCalls, expected.llmCalls, 'model calls');
      const toolNames = session.turns.flatMap((t) => t.toolCalls.map((c) => c.name)).sort();
      deepStrictEqual(toolNames, [...expected.toolCalls, ...(expected.nestedToolCalls ?? [])].sort(), 'tool calls by name');
      deepStrictEqual(session.tokens, expected.tokens, 'tokens, cache reads and writes counted once');
      deepStrictEqual(
        session.turns.map((t) => t.prompt),
        expected.prompts,
        'the user prompt of each turn',
      );
      const calls = session.turns[0].llmCalls;
      if (expected.agentCostUsd === null) {
        strictEqual(session.agentCostUsd, undefined, 'no agent cost');
        strictEqual(session.costUsd, session.computedCostUsd);
      } else {
        ok(Math.abs((session.agentCostUsd ?? NaN) - expected.agentCostUsd) < 1e-9, `agent cost ${session.agentCostUsd}`);
        strictEqual(session.costUsd, session.agentCostUsd, "the agent's own cost is shown");
      }
      const unpriced = calls.filter((c) => c.computedCostUsd === null).length;
      strictEqual(session.unpricedCalls, unpriced);
      if (unpriced === 0) ok(session.computedCostUsd > 0, "Loupe's computed price is kept beside it");
      strictEqual(session.errorCount, 0);
      strictEqual(session.turns.length, 1);
      strictEqual(calls.length, expected.llmCalls);
      ok(
        calls.every((c, i) => i === 0 || c.time >= calls[i - 1].time),
        'model calls in time order',
      );
      ok((await engine.stats()).metricPoints! > 0, 'metrics accepted');
    });
  }
});

describe('recorded coding-agent runs with part of their telemetry', () => {
  let engine: TraceEngine;
  beforeEach(async () => (engine = await TraceEngine.open({ changeDelayMs: 0 })));
  afterEach(() => engine.close());

  const ingest = (run: ReturnType<typeof recordedRuns>[number], signals: string[]) => {
    for (const request of run.requests) {
      const signal = /trace/i.test(request.path) ? 'traces' : /logs/i.test(request.path) ? 'logs' : 'metrics';
      if (!signals.includes(signal)) continue;
      const format = request.contentType.includes('json') ? 'json' : 'protobuf';
      if (signal === 'traces') engine.ingestTraces(decodeTraceRequest(request.body, format));
      else if (signal === 'logs') engine.ingestLogs(decodeLogsRequest(request.body, format));
      else engine.ingestMetrics(decodeMetricsRequest(request.body, format));
    }
  };
  const run = (agent: string, scenario: string) => recordedRuns().find((r) => r.agent === agent && r.scenario === scenario)!;

  it('Codex traces alone give the session its tokens from the turn attributes', () => {
    const codex = run('codex', 'tool-roundtrip');
    ingest(codex, ['traces']);
    const [session] = engine.listSessionsNow();
    deepStrictEqual(session.tokens, codex.expected.tokens);
    strictEqual(session.usageSource, 'spans');
  });

  it('Claude Code log events alone (no spans, its default) tell the whole session', () => {
    const claude = run('claude-code', 'tool-roundtrip');
    ingest(claude, ['logs']);
    const session = engine.getSessionNow(engine.listSessionsNow()[0].sessionId)!;
    strictEqual(session.llmCalls, claude.expected.llmCalls);
    deepStrictEqual(session.tokens, claude.expected.tokens);
    deepStrictEqual(
      session.turns[0].toolCalls.map((c) => c.name),
      claude.expected.toolCalls,
    );
    strictEqual(session.turns[0].prompt, claude.expected.prompts[0]);
    ok(Math.abs(session.agentCostUsd! - claude.expected.agentCostUsd!) < 1e-9);
    strictEqual(session.usageSource, 'logs');
  });

  it('Claude Code metrics alone give the session its tokens and cost', () => {
    const claude = run('claude-code', 'tool-roundtrip');
    ingest(claude, ['metrics']);
    const [session] = engine.listSessionsNow();
    deepStrictEqual(session.tokens, claude.expected.tokens);
    ok(Math.abs(session.agentCostUsd! - claude.expected.agentCostUsd!) < 1e-9);
    strictEqual(session.usageSource, 'metrics');
    strictEqual(session.llmCalls, 0);
  });

  it('Gemini CLI spans and logs together count each call once (the logs complete the cache tokens)', () => {
    const gemini = run('gemini-cli', 'tool-roundtrip');
    ingest(gemini, ['traces', 'logs', 'metrics']);
    ingest(gemini, ['logs']);
    const session = engine.getSessionNow(engine.listSessionsNow()[0].sessionId)!;
    strictEqual(session.llmCalls, gemini.expected.llmCalls, 'a log event sent twice is still one call');
    deepStrictEqual(session.tokens, gemini.expected.tokens);
  });
});

describe('sessions asked for again', () => {
  it('answer the same while nothing changed, and follow a trace that grows', async () => {
    const engine = await TraceEngine.open({ changeDelayMs: 0 });
    const gemini = recordedRuns().find((r) => r.agent === 'gemini-cli' && r.scenario === 'tool-roundtrip')!;
    const logs = gemini.requests.filter((r) => /logs/i.test(r.path));
    for (const request of gemini.requests.filter((r) => !/logs/i.test(r.path))) {
      const format = request.contentType.includes('json') ? 'json' : 'protobuf';
      if (/trace/i.test(request.path)) engine.ingestTraces(decodeTraceRequest(request.body, format));
      else engine.ingestMetrics(decodeMetricsRequest(request.body, format));
    }
    const before = engine.listSessionsNow();
    deepStrictEqual(engine.listSessionsNow(), before);
    strictEqual(before[0].tokens.cacheRead, 0, 'Gemini CLI spans carry no cache tokens');
    for (const request of logs)
      engine.ingestLogs(decodeLogsRequest(request.body, request.contentType.includes('json') ? 'json' : 'protobuf'));
    const after = engine.listSessionsNow();
    deepStrictEqual(after[0].tokens, gemini.expected.tokens, 'the log events that arrived later complete the cache tokens');
    deepStrictEqual(engine.listSessionsNow(), after);
    await engine.close();
  });
});
