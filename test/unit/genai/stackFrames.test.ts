import { strict as assert } from 'node:assert';
import { firstUserFrame, isUserFile, parseStackFrames } from '../../../src/model/stackFrames';

const NODE_STACK = `AI_APICallError: The model 'gpt-error-model' does not exist
    at /home/dev/agent-app/node_modules/@ai-sdk/provider-utils/dist/index.js:3194:14
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
    at async postToApi (/home/dev/agent-app/node_modules/@ai-sdk/provider-utils/dist/index.js:2890:28)
    at async OpenAIChatLanguageModel.doGenerate (/home/dev/agent-app/node_modules/@ai-sdk/openai/dist/index.js:1275:9)
    at async /home/dev/agent-app/node_modules/ai/dist/index.js:2565:24
    at async runAgent [as run] (/home/dev/agent-app/src/agent.ts:41:18)
    at async main (file:///home/dev/agent-app/src/main.mjs:7:3)`;

const PYTHON_STACK = `Traceback (most recent call last):
  File "/home/dev/app/main.py", line 12, in <module>
    asyncio.run(main())
  File "/usr/lib/python3.12/asyncio/runners.py", line 194, in run
    return runner.run(main)
  File "/home/dev/app/agent/weather.py", line 33, in ask_weather
    resp = client.chat.completions.create(model=MODEL, messages=msgs)
  File "/home/dev/app/.venv/lib/python3.12/site-packages/openai/_base_client.py", line 1047, in request
    raise self._make_status_error_from_response(err.response) from None
openai.NotFoundError: Error code: 404 - {'error': {'message': 'The model does not exist'}}`;

describe('parseStackFrames', () => {
  it('parses Node stacks: plain, async, aliased, anonymous and file:// frames', () => {
    const frames = parseStackFrames(NODE_STACK);
    assert.equal(frames.length, 7);
    assert.deepEqual(frames[0], {
      filePath: '/home/dev/agent-app/node_modules/@ai-sdk/provider-utils/dist/index.js',
      line: 3194,
      column: 14,
      function: undefined,
      isUserCode: false,
    });
    assert.equal(frames[1].filePath, 'node:internal/process/task_queues');
    assert.equal(frames[1].isUserCode, false);
    assert.equal(frames[3].function, 'OpenAIChatLanguageModel.doGenerate');
    assert.equal(frames[4].filePath, '/home/dev/agent-app/node_modules/ai/dist/index.js');
    assert.deepEqual(frames[5], {
      filePath: '/home/dev/agent-app/src/agent.ts',
      line: 41,
      column: 18,
      function: 'runAgent',
      isUserCode: true,
    });
    assert.deepEqual(frames[6], { filePath: '/home/dev/agent-app/src/main.mjs', line: 7, column: 3, function: 'main', isUserCode: true });
  });

  it('finds the innermost user frame of a Node stack', () => {
    assert.equal(firstUserFrame(NODE_STACK)?.filePath, '/home/dev/agent-app/src/agent.ts');
  });

  it('parses Python tracebacks innermost first and skips site-packages and the standard library', () => {
    const frames = parseStackFrames(PYTHON_STACK);
    assert.equal(frames.length, 4);
    assert.equal(frames[0].filePath, '/home/dev/app/.venv/lib/python3.12/site-packages/openai/_base_client.py');
    assert.equal(frames[0].isUserCode, false);
    assert.equal(frames[2].filePath, '/usr/lib/python3.12/asyncio/runners.py');
    assert.equal(frames[2].isUserCode, false);
    assert.deepEqual(firstUserFrame(PYTHON_STACK), {
      filePath: '/home/dev/app/agent/weather.py',
      line: 33,
      function: 'ask_weather',
      isUserCode: true,
    });
  });

  it('reads Windows paths and file URLs', () => {
    const frames = parseStackFrames(
      'Error: x\n    at run (C:\\work\\app\\src\\index.ts:10:5)\n    at file:///C:/work/app/src/main.js:2:1\n  File "C:\\Python312\\Lib\\json\\decoder.py", line 3, in decode',
    );
    assert.equal(frames.find((f) => f.line === 10)?.filePath, 'C:\\work\\app\\src\\index.ts');
    assert.equal(frames.find((f) => f.line === 2)?.filePath, 'C:/work/app/src/main.js');
    assert.equal(frames.find((f) => f.line === 3)?.isUserCode, false);
  });

  it('reads Firefox/Safari frames and eval frames', () => {
    const frames = parseStackFrames(
      'handler@http://localhost:3000/app.js:12:9\n    at eval (eval at compile (/srv/app/x.js:5:3), <anonymous>:1:1)',
    );
    assert.deepEqual(frames[0], { filePath: 'http://localhost:3000/app.js', line: 12, column: 9, function: 'handler', isUserCode: true });
    assert.equal(frames[1].filePath, '/srv/app/x.js');
    assert.equal(frames[1].line, 5);
  });

  it('returns nothing for text that is not a stack, and never throws', () => {
    assert.deepEqual(parseStackFrames(''), []);
    assert.deepEqual(parseStackFrames('just a message'), []);
    assert.deepEqual(parseStackFrames(undefined as never), []);
    assert.deepEqual(
      parseStackFrames('    at Array.map (<anonymous>)').map((f) => f.isUserCode),
      [false],
    );
  });

  it('stays fast on a huge stack', () => {
    const huge = `Error\n${'    at f (/app/node_modules/x/index.js:1:1)\n'.repeat(200_000)}`;
    const start = performance.now();
    const frames = parseStackFrames(huge);
    assert.ok(frames.length <= 500);
    assert.ok(performance.now() - start < 5000, 'linear in the capped text; a quadratic parse would take minutes');
  });

  it('classifies runtime, dependency and user files', () => {
    assert.equal(isUserFile('/app/src/a.ts'), true);
    assert.equal(isUserFile('/app/node_modules/.pnpm/openai@6/node_modules/openai/index.js'), false);
    assert.equal(isUserFile('node:internal/modules/cjs/loader'), false);
    assert.equal(isUserFile('<frozen runpy>'), false);
    assert.equal(isUserFile('/opt/venv/lib/python3.11/dist-packages/x.py'), false);
  });
});
