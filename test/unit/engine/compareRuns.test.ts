import { strict as assert } from 'node:assert';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { HttpServer } from '../../../src/core/receiver/httpServer';
import { parseGroupFilter } from '../../../src/model/compare/groupFilter';
import type { GroupFilter } from '../../../src/model/compareTypes';
import { AgentRunSender, type RunStep } from '../../support/agentRunSender';
import { seeded } from '../model/compare/compareFixtures';

function filter(text: string): GroupFilter {
  const parsed = parseGroupFilter(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

function chat(system: string, durationMs: number): RunStep {
  return {
    name: 'chat gpt-4o',
    durationMs,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.usage.input_tokens': 420,
      'gen_ai.usage.output_tokens': 60,
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: system }]),
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Plan a weekend in Lisbon.' }] }]),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: 'Looking up the weather first.' }] },
      ]),
    },
  };
}

function tool(name: string, durationMs: number): RunStep {
  return {
    name: `execute_tool ${name}`,
    durationMs,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name, 'gen_ai.tool.call.arguments': '{"city":"Lisbon"}' },
  };
}

function agentRun(steps: RunStep[]): RunStep {
  return {
    name: 'invoke_agent planner',
    durationMs: steps.reduce((t, s) => t + s.durationMs, 0) + 1,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
    children: steps,
  };
}

describe('Comparing runs sent by the OpenTelemetry SDK', function () {
  let engine: TraceEngine;
  let http: HttpServer;
  let endpoint: string;
  const senders: AgentRunSender[] = [];

  before(async () => {
    engine = await TraceEngine.open({ changeDelayMs: 10, maxTraces: 1000, version: '0.0.0-test' });
    http = new HttpServer({ sink: engine, api: engine, port: 0, shutdownGraceMs: 200 });
    endpoint = `http://127.0.0.1:${await http.start()}/v1/traces`;
  });

  after(async () => {
    for (const s of senders) await s.shutdown();
    await http.stop();
    await engine.close();
  });

  function sender(version: string): AgentRunSender {
    const s = new AgentRunSender(endpoint, {
      'service.name': 'trip-planner',
      'service.version': version,
      'deployment.environment': 'test',
    });
    senders.push(s);
    return s;
  }

  /** `runs` runs of one version; durations vary by a log-normal factor (about 25%) like real runs. */
  async function sendVersion(version: string, runs: number, toolMs: number, seed: number): Promise<void> {
    const s = sender(version);
    const random = seeded(seed);
    const jitter = () => Math.exp(0.25 * Math.sqrt(-2 * Math.log(Math.max(1e-12, random()))) * Math.cos(2 * Math.PI * random()));
    for (let i = 0; i < runs; i++) {
      s.run(
        agentRun([
          chat('You are a trip planner.', 800 * jitter()),
          tool('get_weather', toolMs * jitter()),
          chat('You are a trip planner.', 600 * jitter()),
        ]),
        Date.now() - 60_000 + i * 100,
      );
    }
    await s.flush();
  }

  it('reports the tool step that got 3× slower over 30 runs each as the top significant change', async () => {
    await sendVersion('1.0.0', 30, 200, 11);
    await sendVersion('1.1.0', 30, 600, 12);
    const result = await engine.compare(filter('version=1.0.0'), filter('version=1.1.0&attr=deployment.environment:test'));
    assert.equal(result.a.runs, 30);
    assert.equal(result.b.runs, 30);
    const top = result.rows[0];
    assert.equal(top.name, 'execute_tool get_weather · duration');
    assert.equal(top.verdict, 'significant');
    assert.ok(top.relativeDelta! > 1.5, String(top.relativeDelta));
    assert.equal(result.a.modelCallsPerRun, 2);
    assert.equal(result.a.toolCallsPerRun, 1);
    assert.equal(result.a.tokens.perRun.input, 840);
    const modelDuration = result.rows.find((r) => r.name === 'chat gpt-4o · duration')!;
    assert.equal(modelDuration.significant, false);
  });

  it('does not call a 5% difference over 5 runs each significant', async () => {
    await sendVersion('2.0.0', 5, 400, 21);
    await sendVersion('2.0.1', 5, 420, 22);
    const result = await engine.compare(filter('version=2.0.0'), filter('version=2.0.1'));
    assert.equal(result.a.runs, 5);
    assert.deepEqual(
      result.rows.filter((r) => r.significant).map((r) => r.name),
      [],
    );
    assert.ok(result.rows.every((r) => r.verdict === 'too-few-runs'));
  });

  it('diffs two runs: one inserted tool call added, the one-word system prompt change highlighted, the rest matched', async () => {
    const s = sender('3.0.0');
    const start = Date.now() - 30_000;
    const a = s.run(agentRun([chat('You are a careful trip planner.', 700), tool('get_weather', 150), tool('find_hotels', 300)]), start);
    const b = s.run(
      agentRun([
        chat('You are a thrifty trip planner.', 720),
        tool('get_weather', 160),
        tool('find_flights', 250),
        tool('find_hotels', 310),
      ]),
      start + 5000,
    );
    await s.flush();
    const diff = (await engine.diff(a, b))!;
    assert.deepEqual(
      diff.rows.map((r) => [r.name, r.status]),
      [
        ['invoke_agent planner', 'same'],
        ['chat gpt-4o', 'changed'],
        ['execute_tool get_weather', 'same'],
        ['execute_tool find_flights', 'added'],
        ['execute_tool find_hotels', 'same'],
      ],
    );
    assert.deepEqual([diff.summary.added, diff.summary.removed, diff.summary.changed, diff.summary.same], [1, 0, 1, 3]);
    const changed = diff.rows[1];
    assert.deepEqual(changed.changes, ['system prompt']);
    const call = (await engine.modelCallDiff(a, changed.a!, b, changed.b!))!;
    const system = call.sections.find((x) => x.label === 'system prompt')!;
    assert.deepEqual(
      system.parts.filter((p) => p.op !== 'same'),
      [
        { op: 'removed', text: 'careful' },
        { op: 'added', text: 'thrifty' },
      ],
    );
    assert.ok(call.sections.filter((x) => x !== system).every((x) => x.status === 'same'));
    assert.equal(call.model.changed, false);
    assert.deepEqual(call.parameters, []);
  });

  it('answers undefined for an unknown trace', async () => {
    assert.equal(await engine.diff('0'.repeat(31) + '1', '0'.repeat(31) + '2'), undefined);
  });
});
