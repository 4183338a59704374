import { strict as assert } from 'node:assert';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { HttpServer } from '../../../src/core/host/httpListener';
import { parseGroupFilter } from '../../../src/model/compare/groupFilter';
import type { GroupFilter } from '../../../src/model/compareTypes';
import type { AgentRunSender } from '../../support/agentRunSender';
import { sendAgentVersion, sendDiffPair } from '../../support/agentRunSteps';

function filter(text: string): GroupFilter {
  const parsed = parseGroupFilter(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
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

  it('reports the tool step that got 3× slower over 30 runs each as the top significant change', async () => {
    senders.push(await sendAgentVersion(endpoint, '1.0.0', 30, 200, 11), await sendAgentVersion(endpoint, '1.1.0', 30, 600, 12));
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
    senders.push(await sendAgentVersion(endpoint, '2.0.0', 5, 400, 21), await sendAgentVersion(endpoint, '2.0.1', 5, 420, 22));
    const result = await engine.compare(filter('version=2.0.0'), filter('version=2.0.1'));
    assert.equal(result.a.runs, 5);
    assert.deepEqual(
      result.rows.filter((r) => r.significant).map((r) => r.name),
      [],
    );
    assert.ok(result.rows.every((r) => r.verdict === 'too-few-runs'));
  });

  it('diffs two runs: one inserted tool call added, the one-word system prompt change highlighted, the rest matched', async () => {
    const { sender, a, b } = await sendDiffPair(endpoint);
    senders.push(sender);
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

  it('answers over REST: /api/compare with URL-encoded filters, /api/diff and its model call diff', async () => {
    const base = endpoint.replace('/v1/traces', '');
    const get = async (path: string) => {
      const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${http.accessToken}` } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const compared = await get(
      `/api/compare?a=${encodeURIComponent('version=1.0.0')}&b=${encodeURIComponent('version=1.1.0&service=trip-planner')}`,
    );
    assert.equal(compared.status, 200);
    const rows = compared.body.rows as { name: string; significant: boolean }[];
    assert.equal(rows[0].name, 'execute_tool get_weather · duration');
    assert.equal(rows[0].significant, true);
    assert.equal((compared.body.a as { runs: number }).runs, 30);

    const typo = await get(`/api/compare?a=${encodeURIComponent('verison=1.0.0')}&b=`);
    assert.equal(typo.status, 400);
    assert.match(String(typo.body.error), /Group a: Unknown filter key "verison"/);

    const traces = (await engine.listTraces({ limit: 2 })).map((t) => t.traceId);
    const diff = await get(`/api/diff/${traces[1]}/${traces[0]}`);
    assert.equal(diff.status, 200);
    const diffRows = diff.body.rows as { a?: string; b?: string; status: string; kind: string }[];
    assert.deepEqual(
      diffRows.map((r) => r.status),
      ['same', 'changed', 'same', 'added', 'same'],
    );
    const call = diffRows[1];
    const calls = await get(`/api/diff/${traces[1]}/${traces[0]}/calls/${call.a}/${call.b}`);
    assert.equal(calls.status, 200);
    assert.equal((calls.body.sections as { label: string; status: string }[])[0].status, 'changed');

    assert.equal((await get(`/api/diff/${'0'.repeat(32)}/${traces[0]}`)).status, 404);
    assert.equal((await get(`/api/diff/nothex/${traces[0]}`)).status, 400);
  });

  it('answers undefined for an unknown trace', async () => {
    assert.equal(await engine.diff('0'.repeat(31) + '1', '0'.repeat(31) + '2'), undefined);
  });
});
