import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceEngine } from '../../src/core/engine/traceEngine';
import { GrpcReceiver } from '../../src/core/receiver/grpcReceiver';
import { HttpServer } from '../../src/core/host/httpListener';
import type { TokenCounts } from '../../src/model/traceTypes';
import { AGENTS, AGENTS_HOME, isInstalled, prepareWorkspace, PROMPT, type AgentUnderTest } from './agentCommands';

const TOOLS = join(__dirname, 'tools');
const { sumTokens } = createRequire(__filename)(join(TOOLS, 'loupeTokens.js')) as { sumTokens: (usages: unknown[]) => TokenCounts };

interface FakeRequest {
  response?: { kind?: string; usage?: unknown; toolCalls?: { type: string; name: string }[]; content?: { type: string; name: string }[] };
}

/** Starts a fake model server and resolves with its port once it prints READY. */
function startFake(script: string, log: string, workspace: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    [join(TOOLS, script), '--port', '0', '--log', log, '--workspace', workspace, '--max-seconds', '300'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${out}`)), 15_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const ready = /READY port=(\d+)/.exec(out);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, port: Number(ready[1]) });
      }
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}: ${out}`)));
  });
}

/** Runs the CLI to completion (killed after two minutes) and returns its exit code and output. */
function runAgent(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The real coding-agent CLIs (installed by `npm run test:agents:install` into ~/.cache/loupe-agents;
 * nothing is downloaded here), each run once against a fake model server on 127.0.0.1 with its
 * telemetry sent to Loupe's receivers: every export is accepted and the run reads as one session
 * with the calls, tools, tokens and prompt the fake server saw.
 */
describe('real coding-agent CLIs against Loupe', () => {
  let engine: TraceEngine;
  let http: HttpServer;
  let grpc: GrpcReceiver;
  const endpoints = { model: 0, otlpHttp: 0, otlpGrpc: 0 };
  const refused: string[] = [];
  /** Export requests decoded and taken, by signal: a request Loupe could not decode never counts. */
  const received = { traces: 0, logs: 0, metrics: 0 };

  before(async () => {
    engine = await TraceEngine.open({ changeDelayMs: 0 });
    // Every export answer is checked: an agent whose data Loupe refused has told us so in a status.
    const sink = {
      ingestTraces: (r: Parameters<TraceEngine['ingestTraces']>[0]) => note('traces', engine.ingestTraces(r)),
      ingestLogs: (r: Parameters<TraceEngine['ingestLogs']>[0]) => note('logs', engine.ingestLogs(r)),
      ingestMetrics: (r: Parameters<TraceEngine['ingestMetrics']>[0]) => note('metrics', engine.ingestMetrics(r)),
    };
    const note = <T extends { rejected: number; errorMessage: string } | undefined>(signal: keyof typeof received, partial: T): T => {
      received[signal]++;
      if (partial) refused.push(`${signal}: ${partial.rejected} rejected, ${partial.errorMessage}`);
      return partial;
    };
    http = new HttpServer({ sink, port: 0 });
    grpc = new GrpcReceiver({ sink, port: 0 });
    endpoints.otlpHttp = await http.start();
    endpoints.otlpGrpc = await grpc.start();
  });
  after(async () => {
    await grpc.stop();
    await http.stop();
    await engine.close();
  });

  for (const agent of AGENTS) {
    it(`${agent.name} (${agent.pkg}) over ${agent.transport}`, async function () {
      if (!isInstalled(agent)) {
        throw new Error(`${agent.pkg} is not installed in ${AGENTS_HOME}; run npm run test:agents:install`);
      }
      await engine.clear();
      refused.length = 0;
      Object.assign(received, { traces: 0, logs: 0, metrics: 0 });
      await runOnce(agent);
    });
  }

  async function runOnce(agent: AgentUnderTest): Promise<void> {
    const scratch = mkdtempSync(join(tmpdir(), 'loupe-agent-'));
    const workspace = join(scratch, 'ws');
    const home = join(scratch, 'home');
    const fakeLog = join(scratch, 'fake-requests.jsonl');
    prepareWorkspace(workspace);
    const fake = await startFake(agent.fakeServer, fakeLog, workspace);
    try {
      endpoints.model = fake.port;
      const { command, args, env } = agent.command(home, endpoints);
      const result = await runAgent(command, args, env, workspace);
      strictEqual(result.code, 0, result.output.slice(-2000));
      // The CLIs flush their last exports on exit, some a moment after; wait until the session settles.
      let llmCalls = -1;
      for (let i = 0; i < 40; i++) {
        const [session] = engine.listSessionsNow();
        if (session && session.llmCalls === llmCalls) break;
        llmCalls = session?.llmCalls ?? -1;
        await sleep(250);
      }
      const requests = readFileSync(fakeLog, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as FakeRequest)
        .filter((r) => r.response?.kind);
      const tools = requests.flatMap((r) =>
        (r.response?.toolCalls ?? r.response?.content ?? [])
          .filter((c) => /tool_use|function_call|custom_tool_call|functionCall/.test(c.type))
          .map((c) => c.name),
      );

      deepStrictEqual(refused, [], 'every export accepted');
      for (const signal of agent.signals) ok(received[signal] > 0, `${signal} received: ${JSON.stringify(received)}`);
      const sessions = engine.listSessionsNow();
      strictEqual(sessions.length, 1, `sessions: ${JSON.stringify(sessions.map((s) => s.sessionId))}`);
      const session = engine.getSessionNow(sessions[0].sessionId)!;
      strictEqual(session.llmCalls, requests.length, 'model calls');
      const seen = session.turns.flatMap((t) => t.toolCalls.map((c) => c.name));
      for (const name of tools) ok(seen.includes(name), `tool ${name} in ${JSON.stringify(seen)}`);
      deepStrictEqual(session.tokens, sumTokens(requests.map((r) => r.response!.usage)), 'tokens');
      strictEqual(session.turns[0].prompt, PROMPT);
      ok((await engine.stats()).metricPoints! > 0, 'metrics received');
    } finally {
      fake.child.kill('SIGTERM');
      rmSync(scratch, { recursive: true, force: true });
    }
  }
});
