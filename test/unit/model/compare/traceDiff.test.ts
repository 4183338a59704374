import { strict as assert } from 'node:assert';
import { alignSiblings, diffTraces, type DiffSpan } from '../../../../src/model/compare/traceDiff';
import { modelCallDiff, wordDiff } from '../../../../src/model/compare/modelCallDiff';
import { diffSpan, text } from './compareFixtures';

const SYSTEM_A = 'You are a careful travel agent. Answer briefly.';
const SYSTEM_B = 'You are a helpful travel agent. Answer briefly.';

function run(system: string, tools: string[], timeScale = 1): DiffSpan[] {
  const spans: DiffSpan[] = [diffSpan({ id: 'root', name: 'plan trip', kind: 'agent', start: 0, duration: 1000 * timeScale })];
  spans.push(
    diffSpan({
      id: 'llm1',
      parent: 'root',
      name: 'chat gpt-4o',
      kind: 'llm',
      start: 1,
      duration: 300 * timeScale,
      model: 'gpt-4o',
      tokens: 500,
      input: [text('system', system), text('user', 'Weekend in Lisbon?')],
      output: [text('assistant', 'Checking the weather.')],
      attributes: { 'gen_ai.request.temperature': 0.2 },
    }),
  );
  tools.forEach((tool, i) =>
    spans.push(diffSpan({ id: `tool${i}-${tool}`, parent: 'root', name: tool, kind: 'tool', start: 400 + i * 100, duration: 50 })),
  );
  return spans;
}

describe('diffTraces', () => {
  it('shows an inserted tool call as one added row and a one-word system prompt change as one changed row', () => {
    const diff = diffTraces(
      { traceId: 'a', spans: run(SYSTEM_A, ['weather', 'hotels']) },
      { traceId: 'b', spans: run(SYSTEM_B, ['weather', 'flights', 'hotels'], 1.1) },
    );
    assert.deepEqual(
      diff.rows.map((r) => [r.name, r.status, r.depth]),
      [
        ['plan trip', 'same', 0],
        ['chat gpt-4o', 'changed', 1],
        ['weather', 'same', 1],
        ['flights', 'added', 1],
        ['hotels', 'same', 1],
      ],
    );
    assert.deepEqual(diff.rows[1].changes, ['system prompt']);
    assert.deepEqual([diff.summary.same, diff.summary.changed, diff.summary.added, diff.summary.removed], [3, 1, 1, 0]);
    assert.ok(Math.abs(diff.rows[0].durationDeltaMs - 100) < 1e-9);
    assert.equal(diff.rows[3].durationDeltaMs, 50);
    assert.equal(diff.rows[3].a, undefined);
    assert.equal(diff.rows[3].b, 'tool1-flights');
  });

  it('marks a removed step and everything below it as removed', () => {
    const a = run(SYSTEM_A, ['weather', 'hotels']);
    a.push(diffSpan({ id: 'inner', parent: 'tool0-weather', name: 'http GET', start: 410, duration: 20 }));
    const b = run(SYSTEM_A, ['hotels']);
    const diff = diffTraces({ traceId: 'a', spans: a }, { traceId: 'b', spans: b });
    assert.deepEqual(
      diff.rows.map((r) => [r.name, r.status]),
      [
        ['plan trip', 'same'],
        ['chat gpt-4o', 'same'],
        ['weather', 'removed'],
        ['http GET', 'removed'],
        ['hotels', 'same'],
      ],
    );
    assert.equal(diff.rows[2].durationDeltaMs, -50);
  });

  it('reports model and parameter changes and usage deltas of a matched model call', () => {
    const a = run(SYSTEM_A, []);
    const b = run(SYSTEM_A, []);
    b[1] = {
      ...b[1],
      requestModel: 'gpt-4o-mini',
      attributes: { 'gen_ai.request.temperature': 0.7 },
      tokens: { ...b[1].tokens, total: 800 },
      costUsd: 0.008,
    };
    const diff = diffTraces({ traceId: 'a', spans: a }, { traceId: 'b', spans: b });
    assert.deepEqual(diff.rows[1].changes, ['model', 'parameters']);
    assert.equal(diff.rows[1].tokensDelta, 300);
    assert.ok(Math.abs(diff.rows[1].costDelta - 0.003) < 1e-12);
    const call = modelCallDiff(a[1], b[1]);
    assert.deepEqual(call.model, { a: 'gpt-4o', b: 'gpt-4o-mini', changed: true });
    assert.deepEqual(call.parameters, [{ key: 'gen_ai.request.temperature', a: '0.2', b: '0.7' }]);
  });

  it('aligns runs whose root spans have no parent in the trace, and tolerates a parent cycle', () => {
    const a = [
      diffSpan({ id: 'x', parent: 'y', name: 'x', start: 0, duration: 1 }),
      diffSpan({ id: 'y', parent: 'x', name: 'y', start: 1, duration: 1 }),
    ];
    const diff = diffTraces({ traceId: 'a', spans: a }, { traceId: 'b', spans: [] });
    assert.deepEqual(
      diff.rows.map((r) => r.status),
      ['removed', 'removed'],
    );
  });
});

describe('alignSiblings', () => {
  it('matches the longest common subsequence of names and kinds', () => {
    const keysA = ['a', 'b', 'c', 'd'];
    const keysB = ['a', 'x', 'c', 'd', 'e'];
    const pairs = alignSiblings([0, 1, 2, 3], [0, 1, 2, 3, 4], keysA, keysB);
    assert.deepEqual(pairs, [{ a: 0, b: 0 }, { a: 1 }, { b: 1 }, { a: 2, b: 2 }, { a: 3, b: 3 }, { b: 4 }]);
  });

  it('pairs by position when the lists are too far apart to align in bounded time', () => {
    const n = 5000;
    const keysA = Array.from({ length: n }, (_, i) => `a${i}`);
    const keysB = Array.from({ length: n }, (_, i) => (i % 2 ? `a${i}` : `b${i}`));
    const idx = Array.from({ length: n }, (_, i) => i);
    const pairs = alignSiblings(idx, idx, keysA, keysB);
    assert.equal(pairs.filter((p) => p.a !== undefined && p.b !== undefined).length, n / 2);
    assert.equal(pairs.filter((p) => p.a !== undefined).length, n);
    assert.equal(pairs.filter((p) => p.b !== undefined).length, n);
  });
});

describe('modelCallDiff', () => {
  it('highlights exactly the changed word of the system prompt', () => {
    const a = run(SYSTEM_A, [])[1];
    const b = run(SYSTEM_B, [])[1];
    const call = modelCallDiff(a, b);
    const system = call.sections.find((s) => s.label === 'system prompt')!;
    assert.equal(system.status, 'changed');
    assert.deepEqual(
      system.parts.filter((p) => p.op !== 'same'),
      [
        { op: 'removed', text: 'careful' },
        { op: 'added', text: 'helpful' },
      ],
    );
    assert.equal(
      system.parts
        .filter((p) => p.op !== 'added')
        .map((p) => p.text)
        .join(''),
      SYSTEM_A,
    );
    assert.equal(
      system.parts
        .filter((p) => p.op !== 'removed')
        .map((p) => p.text)
        .join(''),
      SYSTEM_B,
    );
    assert.deepEqual(
      call.sections.filter((s) => s.label !== 'system prompt').map((s) => s.status),
      ['same', 'same'],
    );
  });

  it('shows a message only one call has as added', () => {
    const a = run(SYSTEM_A, [])[1];
    const b = { ...a, messages: { input: [...a.messages.input, text('user', 'And Porto?')], output: a.messages.output } };
    const call = modelCallDiff(a, b);
    assert.deepEqual(
      call.sections.map((s) => [s.label, s.status]),
      [
        ['system prompt', 'same'],
        ['message 1 (user)', 'same'],
        ['message 2 (user)', 'added'],
        ['output 1 (assistant)', 'same'],
      ],
    );
  });

  it('keeps hostile text as text and reads back both sides exactly', () => {
    const a = '<img src=x onerror=alert(1)> line\n\ttab';
    const b = '<img src=y onerror=alert(2)> line\n\ttab!';
    const parts = wordDiff(a, b);
    assert.equal(
      parts
        .filter((p) => p.op !== 'added')
        .map((p) => p.text)
        .join(''),
      a,
    );
    assert.equal(
      parts
        .filter((p) => p.op !== 'removed')
        .map((p) => p.text)
        .join(''),
      b,
    );
  });
});
