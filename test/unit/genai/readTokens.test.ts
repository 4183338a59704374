import { strict as assert } from 'node:assert';
import { AttributeMap } from '../../../src/core/genai/attributeMap';
import { readTokens } from '../../../src/core/genai/readTokens';
import type { TokenCounts } from '../../../src/model/traceTypes';
import { otlpAttributes, type PlainAttributes } from './spanBuilder';

function tokens(input: number, output: number, extra: Partial<TokenCounts> = {}): TokenCounts {
  return { input, output, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: input + output, ...extra };
}

const cases: Array<{ label: string; attributes: PlainAttributes; expected: TokenCounts | undefined }> = [
  {
    label: 'OTel current names',
    attributes: { 'gen_ai.usage.input_tokens': 42, 'gen_ai.usage.output_tokens': 12 },
    expected: tokens(42, 12),
  },
  {
    label: 'OTel old names (prompt/completion)',
    attributes: { 'gen_ai.usage.prompt_tokens': 42, 'gen_ai.usage.completion_tokens': 12 },
    expected: tokens(42, 12),
  },
  {
    label: 'OTel cache and reasoning keys',
    attributes: {
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 50,
      'gen_ai.usage.cache_read.input_tokens': 30,
      'gen_ai.usage.cache_creation.input_tokens': 20,
      'gen_ai.usage.reasoning.output_tokens': 10,
    },
    expected: tokens(100, 50, { cacheRead: 30, cacheWrite: 20, reasoning: 10 }),
  },
  {
    label: 'OpenInference token counts with cache and reasoning details',
    attributes: {
      'llm.token_count.prompt': 42,
      'llm.token_count.completion': 12,
      'llm.token_count.total': 54,
      'llm.token_count.prompt_details.cache_read': 8,
      'llm.token_count.prompt_details.cache_write': 2,
      'llm.token_count.completion_details.reasoning': 4,
    },
    expected: tokens(42, 12, { cacheRead: 8, cacheWrite: 2, reasoning: 4 }),
  },
  {
    label: 'Traceloop ≤0.22 (prompt/completion + llm.usage.total_tokens)',
    attributes: { 'gen_ai.usage.prompt_tokens': 20, 'gen_ai.usage.completion_tokens': 5, 'llm.usage.total_tokens': 25 },
    expected: tokens(20, 5),
  },
  {
    label: 'Traceloop ≥0.25 (input/output + total + cache_read_input_tokens)',
    attributes: {
      'gen_ai.usage.input_tokens': 20,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.usage.total_tokens': 25,
      'gen_ai.usage.cache_read_input_tokens': 6,
      'gen_ai.usage.cache_creation_input_tokens': 3,
    },
    expected: tokens(20, 5, { cacheRead: 6, cacheWrite: 3 }),
  },
  {
    label: 'AI SDK v5/v6 (inputTokens, cachedInputTokens, reasoningTokens)',
    attributes: {
      'ai.usage.inputTokens': 42,
      'ai.usage.outputTokens': 12,
      'ai.usage.totalTokens': 54,
      'ai.usage.cachedInputTokens': 8,
      'ai.usage.reasoningTokens': 3,
    },
    expected: tokens(42, 12, { cacheRead: 8, reasoning: 3 }),
  },
  {
    label: 'AI SDK v6 token details',
    attributes: {
      'ai.usage.inputTokens': 42,
      'ai.usage.outputTokens': 12,
      'ai.usage.inputTokenDetails.noCacheTokens': 30,
      'ai.usage.inputTokenDetails.cacheReadTokens': 8,
      'ai.usage.inputTokenDetails.cacheWriteTokens': 4,
      'ai.usage.outputTokenDetails.reasoningTokens': 2,
    },
    expected: tokens(42, 12, { cacheRead: 8, cacheWrite: 4, reasoning: 2 }),
  },
  {
    label: 'AI SDK v4 (promptTokens/completionTokens)',
    attributes: { 'ai.usage.promptTokens': 10, 'ai.usage.completionTokens': 20 },
    expected: tokens(10, 20),
  },
  { label: 'AI SDK embeddings (ai.usage.tokens)', attributes: { 'ai.usage.tokens': 5 }, expected: tokens(5, 0) },
  {
    label: 'Langfuse usage_details JSON: disjoint buckets are added back into input',
    attributes: {
      'langfuse.observation.usage_details': JSON.stringify({ input: 34, input_cached_tokens: 8, output: 12, total: 54 }),
    },
    expected: tokens(42, 12, { cacheRead: 8 }),
  },
  {
    label: 'Langfuse usage_details with Anthropic-style cache keys and reasoning',
    attributes: {
      'langfuse.observation.usage_details': JSON.stringify({
        input: 10,
        cache_read_input_tokens: 100,
        cache_creation_input_tokens: 50,
        output: 20,
        output_reasoning_tokens: 5,
      }),
    },
    expected: tokens(160, 25, { cacheRead: 100, cacheWrite: 50, reasoning: 5 }),
  },
  {
    label: 'counts sent as strings or doubles',
    attributes: { 'gen_ai.usage.input_tokens': '42', 'gen_ai.usage.output_tokens': 12.0 },
    expected: tokens(42, 12),
  },
  {
    label: 'cache larger than input means input excluded it',
    attributes: { 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 1, 'gen_ai.usage.cache_read.input_tokens': 90 },
    expected: tokens(100, 1, { cacheRead: 90 }),
  },
  {
    label: 'a total that exceeds input + output is kept',
    attributes: { 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 1, 'gen_ai.usage.total_tokens': 20 },
    expected: { ...tokens(10, 1), total: 20 },
  },
  { label: 'no usage at all', attributes: { 'gen_ai.request.model': 'gpt-4o' }, expected: undefined },
  { label: 'broken usage_details JSON', attributes: { 'langfuse.observation.usage_details': '{"input": 3,' }, expected: undefined },
  { label: 'negative counts are ignored', attributes: { 'gen_ai.usage.input_tokens': -5 }, expected: undefined },
  {
    label: 'zero tokens are still reported usage',
    attributes: { 'gen_ai.usage.input_tokens': 0, 'gen_ai.usage.output_tokens': 0 },
    expected: tokens(0, 0),
  },
];

describe('token usage', () => {
  for (const c of cases) {
    it(c.label, () => {
      assert.deepEqual(readTokens(new AttributeMap(otlpAttributes(c.attributes))), c.expected);
    });
  }

  it('does not parse an oversized usage_details string', () => {
    const huge = JSON.stringify({ input: 1, output: 1, pad: 'x'.repeat(100_000) });
    assert.equal(readTokens(new AttributeMap(otlpAttributes({ 'langfuse.observation.usage_details': huge }))), undefined);
  });
});

describe('implausible token counts', () => {
  it('does not count an int64-max input count (the output still counts)', () => {
    const tokens = readTokens(
      new AttributeMap([
        { key: 'gen_ai.usage.input_tokens', value: { intValue: '9223372036854775807' } },
        { key: 'gen_ai.usage.output_tokens', value: { intValue: '12' } },
      ]),
    );
    assert.equal(tokens?.input, 0);
    assert.equal(tokens?.output, 12);
    assert.equal(tokens?.total, 12);
  });
});
