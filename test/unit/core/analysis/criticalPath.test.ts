import { strict as assert } from 'node:assert';
import { criticalPath, criticalPathByIndex, type CriticalPathSpan } from '../../../../src/model/criticalPath';

function span(spanId: string, startTime: number, endTime: number, parentSpanId?: string): CriticalPathSpan {
  return { spanId, parentSpanId, startTime, endTime };
}

function path(spans: CriticalPathSpan[]): string[] {
  return criticalPath(spans).map((s) => `${s.spanId}:${s.startTime}-${s.endTime}`);
}

describe('criticalPath', () => {
  it('is empty for no spans', () => {
    assert.deepEqual(criticalPath([]), []);
  });

  it('is the root alone when it has no children', () => {
    assert.deepEqual(path([span('r', 0, 100)]), ['r:0-100']);
  });

  it('alternates between parent self time and sequential children', () => {
    const spans = [span('r', 0, 100), span('a', 10, 40, 'r'), span('b', 50, 90, 'r')];
    assert.deepEqual(path(spans), ['r:0-10', 'a:10-40', 'r:40-50', 'b:50-90', 'r:90-100']);
  });

  it('follows the parallel child that finishes last and skips the one hidden under it', () => {
    const spans = [span('r', 0, 100), span('a', 0, 80, 'r'), span('b', 10, 60, 'r')];
    assert.deepEqual(path(spans), ['a:0-80', 'r:80-100']);
  });

  it('skips an overlapping child that ends after the critical child started', () => {
    const spans = [span('r', 0, 100), span('a', 0, 50, 'r'), span('b', 40, 90, 'r')];
    assert.deepEqual(path(spans), ['r:0-40', 'b:40-90', 'r:90-100']);
  });

  it('keeps a call that ends a fraction of a millisecond after the next one starts (millisecond clocks)', () => {
    const spans = [span('r', 0, 700), span('llm', 245, 446.275, 'r'), span('tool', 446, 647, 'r')];
    assert.deepEqual(path(spans), ['r:0-245', 'llm:245-446.275', 'tool:446-647', 'r:647-700']);
  });

  it('still treats an overlap of a millisecond or more as concurrency', () => {
    const spans = [span('r', 0, 700), span('a', 245, 447, 'r'), span('b', 446, 647, 'r')];
    assert.deepEqual(path(spans), ['r:0-446', 'b:446-647', 'r:647-700']);
  });

  it('keeps several calls that share one recorded millisecond', () => {
    const spans = [span('r', 0, 10), span('a', 5, 5.3, 'r'), span('b', 5, 5.75, 'r'), span('c', 5, 6.2, 'r')];
    assert.deepEqual(path(spans), ['r:0-5', 'a:5-5.3', 'b:5-5.75', 'c:5-6.2', 'r:6.2-10']);
  });

  it('orders a short call recorded inside the previous one after it (it ends too late to have come first)', () => {
    const spans = [span('r', 0, 50), span('long', 43, 45.356, 'r'), span('short', 45, 45.306, 'r'), span('next', 46, 46.766, 'r')];
    assert.deepEqual(path(spans), ['r:0-43', 'long:43-45.356', 'short:45-45.306', 'r:45.306-46', 'next:46-46.766', 'r:46.766-50']);
  });

  it('keeps a last call whose recorded end passes its parent’s by under a millisecond', () => {
    const spans = [span('root', 0, 51.774), span('a', 40, 50.8, 'root'), span('b', 51, 52.303, 'root')];
    assert.deepEqual(path(spans), ['root:0-40', 'a:40-50.8', 'root:50.8-51', 'b:51-52.303']);
  });

  it('takes an earlier child that finished before the critical child started', () => {
    const spans = [span('r', 0, 100), span('a', 5, 30, 'r'), span('c', 8, 20, 'r'), span('b', 40, 90, 'r')];
    assert.deepEqual(path(spans), ['r:0-5', 'a:5-30', 'r:30-40', 'b:40-90', 'r:90-100']);
  });

  it('descends through several levels', () => {
    const spans = [
      span('r', 0, 100),
      span('agent', 0, 100, 'r'),
      span('llm1', 0, 30, 'agent'),
      span('tool', 30, 60, 'agent'),
      span('http', 35, 55, 'tool'),
      span('llm2', 60, 100, 'agent'),
    ];
    assert.deepEqual(path(spans), ['llm1:0-30', 'tool:30-35', 'http:35-55', 'tool:55-60', 'llm2:60-100']);
  });

  it('clips async children that outlive their parent or start before it', () => {
    const spans = [span('r', 0, 100), span('a', 0, 50, 'r'), span('late', 40, 150, 'a'), span('early', -20, 10, 'a')];
    assert.deepEqual(path(spans), ['early:0-10', 'a:10-40', 'late:40-50', 'r:50-100']);
  });

  it('drops children entirely outside their parent', () => {
    const spans = [span('r', 0, 100), span('a', 10, 20, 'r'), span('after', 200, 300, 'a')];
    assert.deepEqual(path(spans), ['r:0-10', 'a:10-20', 'r:20-100']);
  });

  it('treats orphans and several roots as children of the whole trace', () => {
    const spans = [span('r', 0, 50), span('orphan', 60, 120, 'missing'), span('x', 10, 20, 'r')];
    assert.deepEqual(path(spans), ['r:0-10', 'x:10-20', 'r:20-50', 'orphan:60-120']);
  });

  it('ignores spans caught in a parent cycle without hanging', () => {
    const spans = [span('r', 0, 100), span('a', 10, 200, 'b'), span('b', 20, 300, 'a')];
    assert.deepEqual(path(spans), ['r:0-100']);
  });

  it('handles a 100,000-deep chain and a 100,000-wide fan-out without recursion', () => {
    const deep: CriticalPathSpan[] = [];
    for (let i = 0; i < 100_000; i++) deep.push(span(`s${i}`, i, 200_000 - i, i ? `s${i - 1}` : undefined));
    const deepPath = criticalPath(deep);
    assert.equal(new Set(deepPath.map((segment) => segment.spanId)).size, 100_000);
    assert.equal(deepPath[0].startTime, 0);
    assert.equal(deepPath[deepPath.length - 1].endTime, 200_000);

    const wide: CriticalPathSpan[] = [span('root', 0, 100_000)];
    for (let i = 0; i < 100_000; i++) wide.push(span(`c${i}`, i, i + 1, 'root'));
    const started = performance.now();
    const widePath = criticalPath(wide);
    assert.ok(performance.now() - started < 2000);
    assert.equal(widePath.length, 100_000);
  });

  it('works from parent indexes without span ids, giving the same path', () => {
    const spans = [span('r', 0, 100), span('a', 10, 40, 'r'), span('b', 50, 90, 'r'), span('o', 95, 130, 'gone')];
    const byIndex = criticalPathByIndex(
      Float64Array.from(spans, (s) => s.startTime),
      Float64Array.from(spans, (s) => s.endTime),
      Int32Array.from([-1, 0, 0, -1]),
    );
    assert.deepEqual(
      byIndex.map((s) => ({ spanId: spans[s.index].spanId, startTime: s.startTime, endTime: s.endTime })),
      criticalPath(spans),
    );
    assert.deepEqual(criticalPathByIndex(new Float64Array(0), new Float64Array(0), new Int32Array(0)), []);
  });

  it('covers the trace end to end with contiguous segments', () => {
    const spans = [
      span('r', 0, 1000),
      span('a', 100, 400, 'r'),
      span('b', 200, 700, 'r'),
      span('c', 650, 900, 'r'),
      span('d', 300, 500, 'b'),
      span('e', 450, 690, 'b'),
    ];
    const segments = criticalPath(spans);
    assert.equal(segments[0].startTime, 0);
    assert.equal(segments[segments.length - 1].endTime, 1000);
    for (let i = 1; i < segments.length; i++) assert.equal(segments[i].startTime, segments[i - 1].endTime);
    assert.deepEqual([...new Set(segments.map((segment) => segment.spanId))].sort(), ['a', 'c', 'r']);
  });
});
