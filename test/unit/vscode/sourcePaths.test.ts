import * as assert from 'node:assert/strict';
import {
  bestSuffixMatch,
  bestSymbol,
  describeMissingSource,
  sharedSuffixLength,
  sourceLocationOf,
  symbolNameOf,
} from '../../../src/vscode/model/sourcePaths';

describe('mapping recorded source paths into the workspace', () => {
  it('counts shared trailing segments across separators', () => {
    assert.equal(sharedSuffixLength('/home/ci/build/agent/tools/weather.py', '/work/proj/agent/tools/weather.py'), 3);
    assert.equal(sharedSuffixLength('C:\\build\\agent\\tools\\weather.py', '/work/proj/agent/tools/weather.py'), 3);
    assert.equal(sharedSuffixLength('/a/b.py', '/a/c.py'), 0);
  });

  it('picks the workspace file with the longest matching suffix', () => {
    const candidates = ['/ws/tests/tools/weather.py', '/ws/agent/tools/weather.py', '/ws/other/weather.py'];
    assert.equal(bestSuffixMatch('/app/src/agent/tools/weather.py', candidates), '/ws/agent/tools/weather.py');
    assert.equal(
      bestSuffixMatch('/app/weather.py', ['/ws/deep/x/weather.py', '/ws/weather.py']),
      '/ws/weather.py',
      'ties go to the shorter path',
    );
    assert.equal(bestSuffixMatch('/app/forecast.py', candidates), undefined);
    assert.equal(bestSuffixMatch('weather.py', candidates), '/ws/other/weather.py');
  });

  it('chooses the code location, else the innermost user frame of the error', () => {
    assert.deepEqual(sourceLocationOf({ code: { filePath: '/a/agent.ts', line: 3, source: 'attributes' } }), {
      filePath: '/a/agent.ts',
      line: 3,
      source: 'attributes',
    });
    const stack = [
      'Error: boom',
      '    at request (/app/node_modules/openai/core.js:10:5)',
      '    at getForecast (/app/src/tools/forecast.ts:17:11)',
      '    at main (/app/src/main.ts:4:1)',
    ].join('\n');
    assert.deepEqual(sourceLocationOf({ error: { stacktrace: stack } }), {
      filePath: '/app/src/tools/forecast.ts',
      line: 17,
      column: 11,
      function: 'getForecast',
      source: 'stacktrace',
    });
    const python = [
      'Traceback (most recent call last):',
      '  File "/srv/agent/main.py", line 9, in run',
      '    plan()',
      '  File "/srv/agent/planner.py", line 31, in plan',
      '    raise ValueError()',
      'ValueError',
    ].join('\n');
    assert.equal(sourceLocationOf({ error: { stacktrace: python } })?.filePath, '/srv/agent/planner.py');
    assert.equal(sourceLocationOf({ code: { filePath: 'javascript:alert(1)' } }), undefined, 'a URL is not a file');
    assert.equal(sourceLocationOf({}), undefined);
  });

  it('searches symbols by the last part of a qualified function name', () => {
    assert.equal(symbolNameOf('WeatherAgent.run'), 'run');
    assert.equal(symbolNameOf('agent::tools::fetch'), 'fetch');
    assert.equal(symbolNameOf('async getForecast'), 'getForecast');
    assert.equal(symbolNameOf('<lambda>'), undefined);
    assert.equal(symbolNameOf(undefined), undefined);
    const symbols = [
      { name: 'run', filePath: '/ws/tests/agent.py' },
      { name: 'run', filePath: '/ws/src/agent.py' },
      { name: 'runner', filePath: '/ws/src/x.py' },
    ];
    assert.equal(bestSymbol(symbols, 'run', '/app/src/agent.py')?.filePath, '/ws/src/agent.py');
    assert.equal(bestSymbol(symbols, 'runn'), undefined);
  });

  it('says what the span carried when nothing matches', () => {
    assert.match(
      describeMissingSource('call', { filePath: '/app/x.py', line: 4, function: 'f' }),
      /points at \/app\/x\.py:4 \(function f\).*no workspace file/,
    );
    assert.match(describeMissingSource('call', undefined), /carries no source location/);
  });
});
