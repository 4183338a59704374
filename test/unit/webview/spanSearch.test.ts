import { strict as assert } from 'node:assert';
import { buildWaterfallModel } from '../../../webview/waterfall/waterfallModel';
import { highlightPieces, searchRows, SpanMatches, stepMatch } from '../../../webview/waterfall/spanSearch';
import { criticalRows } from '../../../webview/waterfall/criticalRows';
import { timelineOf } from '../../../webview/waterfall/zoomWindow';

const model = buildWaterfallModel([
  { spanId: '0000000000000001', startTime: 0, endTime: 10, name: 'invoke_agent planner', kind: 'agent', status: 'ok', service: 'bot' },
  {
    spanId: '0000000000000002',
    parentSpanId: '0000000000000001',
    startTime: 1,
    endTime: 5,
    name: 'chat',
    kind: 'llm',
    status: 'ok',
    service: 'bot',
    model: 'GPT-4o-mini',
  },
  {
    spanId: '0000000000000003',
    parentSpanId: '0000000000000001',
    startTime: 6,
    endTime: 9,
    name: 'execute_tool get_weather',
    kind: 'tool',
    status: 'error',
    service: 'bot',
  },
]);

describe('span search', () => {
  it('matches names, models, kinds and ids ignoring case', () => {
    assert.deepEqual(Array.from(searchRows(model, 'WEATHER')), [2]);
    assert.deepEqual(Array.from(searchRows(model, 'gpt-4o')), [1]);
    assert.deepEqual(Array.from(searchRows(model, 'tool')), [2]);
    assert.deepEqual(Array.from(searchRows(model, '0000000000000001')), [0]);
    assert.deepEqual(Array.from(searchRows(model, 'bot')), [0, 1, 2]);
    assert.deepEqual(Array.from(searchRows(model, '   ')), []);
  });

  it('splits text into highlighted pieces', () => {
    assert.deepEqual(highlightPieces('Chat chat', 'CHAT'), [
      { text: 'Chat', match: true },
      { text: ' ', match: false },
      { text: 'chat', match: true },
    ]);
    assert.deepEqual(highlightPieces('abc', ''), [{ text: 'abc', match: false }]);
    assert.deepEqual(highlightPieces('abc', 'z'), [{ text: 'abc', match: false }]);
  });

  it('steps through matches with wrap-around', () => {
    const matches = Int32Array.from([2, 5, 9]);
    assert.equal(stepMatch(matches, -1, 1), 2);
    assert.equal(stepMatch(matches, 5, 1), 9);
    assert.equal(stepMatch(matches, 9, 1), 2);
    assert.equal(stepMatch(matches, 2, -1), 9);
    assert.equal(stepMatch(matches, 6, -1), 5);
    assert.equal(stepMatch(new Int32Array(0), 0, 1), -1);
  });
});

describe('search state and critical rows', () => {
  it('keeps the current match while it still matches, and drops it otherwise', () => {
    const matches = new SpanMatches();
    matches.update(model, 'bot');
    assert.equal(matches.position, 0);
    matches.current = 1;
    assert.equal(matches.position, 2);
    matches.update(model, 'chat');
    assert.equal(matches.current, 1);
    assert.equal(matches.flags?.[1], 1);
    matches.update(model, 'weather');
    assert.equal(matches.current, -1);
    matches.update(model, '');
    assert.equal(matches.flags, undefined);
  });

  it('marks the critical path by row in trace fractions', () => {
    // root 0–10 with chat 1–5 and tool 6–9: root, chat, root, tool, root.
    const byRow = criticalRows(model, timelineOf(0, 10));
    assert.deepEqual(
      [...byRow.entries()],
      [
        [0, [0, 0.1, 0.5, 0.6, 0.9, 1]],
        [1, [0.1, 0.5]],
        [2, [0.6, 0.9]],
      ],
    );
  });
});
