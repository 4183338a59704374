import { strict as assert } from 'node:assert';
import { compareCandidates } from '../../../../src/model/compare/compareCandidates';
import { agentRun } from './compareFixtures';

function run(start: number, agents: string[], name = 'agent') {
  const summary = agentRun({ llm: 1, tool: 1 }, start).summary;
  return { ...summary, agents, name };
}

describe('compareCandidates', () => {
  it('offers the previous run of the same agent first, then its later runs, then the rest newest first', () => {
    const target = run(3000, ['planner']);
    const older = run(1000, ['planner']);
    const previous = run(2000, ['planner']);
    const later = run(4000, ['planner']);
    const other = run(5000, ['booker']);
    const otherOld = run(500, ['booker']);
    const order = compareCandidates(target, [other, older, target, later, previous, otherOld]);
    assert.deepEqual(
      order.map((t) => t.traceId),
      [previous, older, later, other, otherOld].map((t) => t.traceId),
    );
  });

  it('groups runs without agent names by root span name', () => {
    const target = run(3000, [], 'nightly job');
    const same = run(1000, [], 'nightly job');
    const other = run(2000, [], 'chat');
    assert.deepEqual(
      compareCandidates(target, [other, same]).map((t) => t.traceId),
      [same.traceId, other.traceId],
    );
  });
});
