import { strict as assert } from 'node:assert';
import { formatGroupFilter, matchesGroupFilter, parseGroupFilter } from '../../../../src/model/compare/groupFilter';
import { agentRun } from './compareFixtures';

describe('group filters', () => {
  it('reads every key of the query-string form and writes it back', () => {
    const text =
      'service=svc&agent=planner&model=gpt-4o&status=error&q=lisbon&version=2.1&attr=env%3Aprod&attr=team%3Aa%3Ab&from=1000&to=2000&traceIds=' +
      'A'.repeat(32) +
      '&limit=50';
    const filter = parseGroupFilter(text);
    assert.deepEqual(filter, {
      service: 'svc',
      agent: 'planner',
      model: 'gpt-4o',
      status: 'error',
      q: 'lisbon',
      version: '2.1',
      attr: [
        { key: 'env', value: 'prod' },
        { key: 'team', value: 'a:b' },
      ],
      from: 1000,
      to: 2000,
      traceIds: ['a'.repeat(32)],
      limit: 50,
    });
    assert.deepEqual(parseGroupFilter(formatGroupFilter(filter as never)), filter);
  });

  it('accepts ISO dates for the time range', () => {
    assert.deepEqual(parseGroupFilter('from=2026-12-01T00:00:00Z'), { from: Date.parse('2026-12-01T00:00:00Z') });
  });

  it('explains what is wrong instead of widening the group', () => {
    for (const [text, message] of [
      ['verison=2', /Unknown filter key "verison"/],
      ['attr=novalue', /attr must be key:value/],
      ['from=yesterday', /from must be Unix milliseconds/],
      ['traceIds=xyz', /32 hexadecimal digits/],
      ['status=ok', /status can only be "error"/],
      ['limit=0', /limit must be/],
      [`q=${'x'.repeat(600)}`, /longer than 500/],
    ] as const) {
      const result = parseGroupFilter(text);
      assert.equal(typeof result, 'string', text);
      assert.match(result as string, message);
    }
  });

  it('matches a run by summary, time, ids and attributes', () => {
    const run = agentRun({ llm: 10, tool: 5 }, 5000);
    const facts = { summary: run.summary, hasAttribute: (key: string, value: string) => key === 'service.version' && value === '2.1' };
    assert.equal(matchesGroupFilter(facts, { version: '2.1', service: 'AGENT-SVC', from: 5000, to: 5001 }), true);
    assert.equal(matchesGroupFilter(facts, { version: '2.2' }), false);
    assert.equal(matchesGroupFilter(facts, { to: 5000 }), false);
    assert.equal(matchesGroupFilter(facts, { attr: [{ key: 'service.version', value: '2.1' }] }), true);
    assert.equal(matchesGroupFilter(facts, { traceIds: ['f'.repeat(32)] }), false);
    assert.equal(matchesGroupFilter(facts, { traceIds: [run.summary.traceId] }), true);
  });
});
