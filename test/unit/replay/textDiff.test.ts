import { strict as assert } from 'node:assert';
import { answerText, diffLines } from '../../../src/model/textDiff';

describe('the replay answer diff', () => {
  it('aligns equal lines and marks what was removed and added', () => {
    assert.deepEqual(diffLines('a\nb\nc\nd', 'a\nx\nc\nd\ne'), [
      { op: 'same', text: 'a' },
      { op: 'removed', text: 'b' },
      { op: 'added', text: 'x' },
      { op: 'same', text: 'c' },
      { op: 'same', text: 'd' },
      { op: 'added', text: 'e' },
    ]);
    assert.deepEqual(diffLines('', 'new'), [{ op: 'added', text: 'new' }]);
    assert.deepEqual(diffLines('same', 'same'), [{ op: 'same', text: 'same' }]);
  });

  it('stays fast on long answers and gives up alignment past its bound', () => {
    const before = Array.from({ length: 2_000 }, (_, i) => `line ${i}`).join('\n');
    const after = Array.from({ length: 2_000 }, (_, i) => (i % 10 === 0 ? `changed ${i}` : `line ${i}`)).join('\n');
    const started = performance.now();
    const diff = diffLines(before, after);
    assert.ok(performance.now() - started < 2_000);
    assert.equal(diff.filter((d) => d.op === 'added').length, 200);
    const huge = diffLines(Array(5_000).fill('a').join('\n') + '\nz', Array(5_000).fill('b').join('\n'));
    assert.equal(huge.length, 10_001);
  });

  it('compares tool calls and reasoning as text', () => {
    const text = answerText([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'think' },
          { type: 'text', content: 'Hi' },
          { type: 'tool_call', name: 'f', arguments: { a: 1 } },
        ],
      },
    ]);
    assert.equal(text, '[reasoning] think\nHi\n[tool call] f({"a":1})');
  });
});
