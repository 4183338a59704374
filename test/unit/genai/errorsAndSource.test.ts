import { strict as assert } from 'node:assert';
import { describeSpan } from '../../../src/core/genai/describeSpan';
import { PriceBook } from '../../../src/core/genai/pricing';
import type { SpanFacts } from '../../../src/core/genai/spanFacts';
import { makeSpan, NO_CONTEXT, type SpanSpec } from './spanBuilder';

const pricing = new PriceBook();
const facts = (spec: SpanSpec): SpanFacts => describeSpan(makeSpan(spec), NO_CONTEXT, pricing);

const PY_TRACE = `Traceback (most recent call last):
  File "/srv/bot/handlers.py", line 88, in answer
    return llm.invoke(prompt)
  File "/srv/bot/.venv/lib/python3.11/site-packages/langchain_core/language_models/chat_models.py", line 286, in invoke
    raise e
openai.RateLimitError: Error code: 429`;

describe('errors', () => {
  it('reads status ERROR with the exception event', () => {
    const f = facts({
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' },
      status: { code: 2, message: "400 The model 'x' does not exist" },
      events: [
        {
          name: 'exception',
          attributes: {
            'exception.type': 'BadRequestError',
            'exception.message': "400 The model 'x' does not exist",
            'exception.stacktrace': 'Error\n    at f (/a/node_modules/openai/x.js:1:1)',
          },
        },
      ],
    });
    assert.equal(f.status, 'error');
    assert.equal(f.statusMessage, "400 The model 'x' does not exist");
    assert.deepEqual(f.error, {
      type: 'BadRequestError',
      message: "400 The model 'x' does not exist",
      stacktrace: 'Error\n    at f (/a/node_modules/openai/x.js:1:1)',
    });
    assert.equal(f.httpStatus, 400);
  });

  it('takes error.type when no exception was recorded', () => {
    const f = facts({
      attributes: { 'gen_ai.operation.name': 'chat', 'error.type': 'RateLimitError' },
      status: { code: 2, message: 'Error code: 429 - rate limited' },
    });
    assert.equal(f.error?.type, 'RateLimitError');
    assert.equal(f.error?.message, 'Error code: 429 - rate limited');
    assert.equal(f.httpStatus, 429);
  });

  it('marks a call failed when error.type is set but the status was left unset', () => {
    const f = facts({ attributes: { 'gen_ai.operation.name': 'chat', 'error.type': '500' } });
    assert.equal(f.status, 'error');
    assert.equal(f.httpStatus, 500);
  });

  it('marks a call failed on an HTTP error status code', () => {
    const f = facts({ attributes: { 'gen_ai.operation.name': 'chat', 'http.response.status_code': 503 } });
    assert.equal(f.status, 'error');
    assert.equal(f.httpStatus, 503);
    assert.equal(facts({ attributes: { 'http.status_code': 200 } }).status, 'unset');
  });

  it('keeps an exception recorded on a span that did not fail', () => {
    const f = facts({
      status: { code: 1 },
      events: [{ name: 'exception', attributes: { 'exception.type': 'Retryable', 'exception.message': 'retrying' } }],
    });
    assert.equal(f.status, 'ok');
    assert.equal(f.error?.type, 'Retryable');
  });

  it('has no error on a healthy span', () => {
    const f = facts({ status: { code: 1 } });
    assert.equal(f.error, undefined);
    assert.equal(f.httpStatus, undefined);
  });
});

describe('source location', () => {
  it('reads current code.* keys', () => {
    const f = facts({
      attributes: { 'code.file.path': '/app/src/agent.ts', 'code.line.number': 23, 'code.column.number': 44, 'code.function.name': 'run' },
    });
    assert.deepEqual(f.code, { filePath: '/app/src/agent.ts', line: 23, column: 44, function: 'run', source: 'attributes' });
  });

  it('reads older code.* keys, joining namespace and function', () => {
    const f = facts({
      attributes: { 'code.filepath': '/app/bot.py', 'code.lineno': 7, 'code.function': 'reply', 'code.namespace': 'bot.Agent' },
    });
    assert.deepEqual(f.code, { filePath: '/app/bot.py', line: 7, column: undefined, function: 'bot.Agent.reply', source: 'attributes' });
  });

  it('falls back to the first user frame of code.stacktrace', () => {
    const f = facts({
      attributes: { 'code.stacktrace': 'Error\n    at x (/app/node_modules/ai/index.js:1:1)\n    at async run (/app/src/run.ts:9:7)' },
    });
    assert.deepEqual(f.code, { filePath: '/app/src/run.ts', line: 9, column: 7, function: 'run', source: 'stacktrace' });
  });

  it('falls back to the first user frame of an exception stack (Python)', () => {
    const f = facts({
      status: { code: 2 },
      events: [{ name: 'exception', attributes: { 'exception.type': 'RateLimitError', 'exception.stacktrace': PY_TRACE } }],
    });
    assert.deepEqual(f.code, { filePath: '/srv/bot/handlers.py', line: 88, column: undefined, function: 'answer', source: 'stacktrace' });
    assert.equal(f.httpStatus, undefined, 'the status message says nothing; the stack is not searched for codes');
  });

  it('has no location when the stack holds only library frames', () => {
    const f = facts({
      status: { code: 2 },
      events: [
        {
          name: 'exception',
          attributes: { 'exception.stacktrace': 'E\n    at a (/x/node_modules/y/z.js:1:1)\n    at node:internal/process/task_queues:95:5' },
        },
      ],
    });
    assert.equal(f.code, undefined);
  });
});
