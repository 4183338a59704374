import { strict as assert } from 'node:assert';
import { calcPrice } from '@pydantic/genai-prices';
import { describeSpan } from '../../../src/core/genai/describeSpan';
import { PriceBook } from '../../../src/core/genai/pricing';
import type { TokenCounts } from '../../../src/model/traceTypes';
import { makeSpan, NO_CONTEXT, type PlainAttributes } from './spanBuilder';

const T = Date.UTC(2026, 10, 21);

function tokens(input: number, output: number, cacheRead = 0, cacheWrite = 0): TokenCounts {
  return { input, output, cacheRead, cacheWrite, reasoning: 0, total: input + output };
}

function expected(input: number, output: number, model: string, providerId?: string, cacheRead = 0, cacheWrite = 0): number {
  const usage = { input_tokens: input, output_tokens: output, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite };
  const result = calcPrice(usage, model, { providerId, timestamp: new Date(T) });
  assert.ok(result, `genai-prices knows ${model}`);
  return result.total_price;
}

/** Equal to the catalog's own arithmetic up to floating-point rounding. */
function approx(actual: number | null, wanted: number): void {
  assert.ok(actual !== null, 'priced');
  assert.ok(Math.abs(actual - wanted) <= 1e-12 * Math.max(1e-6, Math.abs(wanted)), `${actual} ≈ ${wanted}`);
}

describe('PriceBook', () => {
  const book = new PriceBook();

  it('prices a known model like @pydantic/genai-prices, cached tokens at the cached rate', () => {
    const price = book.priceCall(tokens(42, 12, 8), ['gpt-4o-mini-2024-07-18'], 'openai', T);
    assert.equal(price.source, 'pricing');
    approx(price.costUsd, expected(42, 12, 'gpt-4o-mini-2024-07-18', 'openai', 8));
    const uncached = book.priceCall(tokens(42, 12), ['gpt-4o-mini-2024-07-18'], 'openai', T);
    assert.ok(uncached.costUsd! > price.costUsd!, 'cache reads are cheaper than fresh input');
  });

  it('prices cache writes for Anthropic models', () => {
    const price = book.priceCall(tokens(4740, 255, 0, 4735), ['claude-sonnet-4-20250514'], 'anthropic', T);
    approx(price.costUsd, expected(4740, 255, 'claude-sonnet-4-20250514', 'anthropic', 0, 4735));
  });

  it('retries by model alone when the provider id is unknown to the catalog', () => {
    const price = book.priceCall(tokens(42, 12), ['gpt-4o-mini'], 'fakecompat', T);
    assert.equal(price.source, 'pricing');
    approx(price.costUsd, expected(42, 12, 'gpt-4o-mini'));
  });

  it('falls back from the response model to the request model', () => {
    const price = book.priceCall(tokens(10, 10), ['my-finetune-xyz', 'gpt-4o'], 'openai', T);
    approx(price.costUsd, expected(10, 10, 'gpt-4o', 'openai'));
  });

  it('answers each call for its own model and provider when consecutive calls alternate', () => {
    const alternating = new PriceBook();
    const calls: [string, string | undefined][] = [
      ['gpt-4o', 'openai'],
      ['gpt-4o', 'openai'],
      ['gpt-4o-mini', 'openai'],
      ['totally-unknown-model-9000', 'nobody'],
      ['gpt-4o', 'openai'],
      ['claude-3-5-sonnet-latest', 'anthropic'],
      ['gpt-4o', undefined],
      ['totally-unknown-model-9000', 'nobody'],
    ];
    for (const [model, provider] of calls) {
      assert.deepEqual(
        alternating.priceCall(tokens(100, 50), [model], provider, T),
        new PriceBook().priceCall(tokens(100, 50), [model], provider, T),
        `${provider}/${model}`,
      );
    }
  });

  it('gives null (unknown), never 0, for a model without a price', () => {
    const price = book.priceCall(tokens(10, 10), ['totally-unknown-model-9000'], 'nobody', T);
    assert.deepEqual(price, { costUsd: null, source: 'unknown' });
  });

  it('uses an override before the catalog, longest prefix first, provider-scoped', () => {
    const overrides = new PriceBook([
      { model: 'gpt-4o', inputPerMTok: 1, outputPerMTok: 2 },
      { model: 'gpt-4o-mini', inputPerMTok: 10, outputPerMTok: 20, cacheReadPerMTok: 5 },
      { model: 'llama', provider: 'Ollama', inputPerMTok: 0, outputPerMTok: 0 },
    ]);
    const mini = overrides.priceCall(tokens(1_000_000, 1_000_000, 500_000), ['GPT-4o-mini-2024-07-18'], 'openai', T);
    assert.equal(mini.source, 'override');
    assert.equal(mini.costUsd, 0.5 * 10 + 0.5 * 5 + 20);
    assert.equal(overrides.priceCall(tokens(1_000_000, 0), ['gpt-4o'], 'openai', T).costUsd, 1);
    assert.deepEqual(overrides.priceCall(tokens(10, 10), ['llama3'], 'ollama', T), { costUsd: 0, source: 'override' });
    assert.equal(overrides.priceCall(tokens(10, 10), ['llama3'], 'groq', T).source, 'unknown');
  });

  it('ignores malformed overrides instead of failing', () => {
    const book2 = new PriceBook([
      { model: '', inputPerMTok: 1, outputPerMTok: 1 },
      { model: 'x', inputPerMTok: Number.NaN, outputPerMTok: 1 },
      null as never,
    ]);
    assert.equal(book2.overrides.length, 0);
  });

  it('does not throw on usage the catalog rejects', () => {
    const price = book.priceCall({ input: 1, output: 1, cacheRead: 5, cacheWrite: 5, reasoning: 0, total: 2 }, ['gpt-4o'], 'openai', T);
    assert.equal(price.source, 'unknown');
  });

  it('gives the catalog price for any usage once the model is cached', () => {
    const models: Array<[string, string]> = [
      ['gpt-4o-mini-2024-07-18', 'openai'],
      ['claude-sonnet-4-20250514', 'anthropic'],
      ['gemini-2.5-pro', 'google'],
      ['text-embedding-3-small', 'openai'],
    ];
    let seed = 7;
    const next = (max: number) => (seed = (seed * 48271) % 2147483647) % max;
    for (const [model, provider] of models) {
      for (let i = 0; i < 50; i++) {
        const input = next(400_000);
        const cacheRead = next(input + 1);
        const cacheWrite = next(input - cacheRead + 1);
        const output = next(50_000);
        const price = book.priceCall(tokens(input, output, cacheRead, cacheWrite), [model], provider, T);
        approx(price.costUsd, expected(input, output, model, provider, cacheRead, cacheWrite));
      }
    }
  });
});

describe('span cost', () => {
  const book = new PriceBook();
  const cost = (attributes: PlainAttributes, status?: { code: number; message?: string }) => {
    const f = describeSpan(makeSpan({ attributes, status }), NO_CONTEXT, book);
    return { costUsd: f.costUsd, costSource: f.costSource };
  };
  const chat = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.system': 'openai' };

  it('computes cost from usage, model and provider', () => {
    const c = cost({ ...chat, 'gen_ai.usage.input_tokens': 42, 'gen_ai.usage.output_tokens': 12 });
    assert.equal(c.costSource, 'pricing');
    approx(c.costUsd, expected(42, 12, 'gpt-4o-mini', 'openai'));
  });

  const carried: Array<[string, PlainAttributes, number]> = [
    ['OpenInference llm.cost.total', { 'llm.cost.total': 0.25 }, 0.25],
    ['OpenInference llm.cost.prompt + completion', { 'llm.cost.prompt': 0.1, 'llm.cost.completion': 0.05 }, 0.15000000000000002],
    ['Langfuse cost_details total', { 'langfuse.observation.cost_details': '{"input":0.1,"output":0.2,"total":0.3}' }, 0.3],
    ['Langfuse cost_details without total', { 'langfuse.observation.cost_details': '{"input":0.1,"output":0.2}' }, 0.30000000000000004],
    ['Logfire operation.cost', { 'operation.cost': 0.007 }, 0.007],
  ];
  for (const [label, attributes, usd] of carried) {
    it(`prefers a cost already on the span: ${label}`, () => {
      assert.deepEqual(cost({ ...chat, 'gen_ai.usage.input_tokens': 42, 'gen_ai.usage.output_tokens': 12, ...attributes }), {
        costUsd: usd,
        costSource: 'span',
      });
    });
  }

  it('marks an unknown model as unknown, not free', () => {
    const c = cost({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'in-house-7b', 'gen_ai.usage.input_tokens': 5 });
    assert.deepEqual(c, { costUsd: null, costSource: 'unknown' });
  });

  it('marks a model call without reported usage (e.g. streamed) as unknown', () => {
    assert.deepEqual(cost(chat), { costUsd: null, costSource: 'unknown' });
  });

  it('costs nothing for a failed call that reported no usage', () => {
    assert.deepEqual(cost(chat, { code: 2, message: 'boom' }), { costUsd: 0, costSource: 'none' });
  });

  it('has no cost for spans that are not model calls', () => {
    assert.deepEqual(cost({ 'gen_ai.operation.name': 'execute_tool' }), { costUsd: null, costSource: 'none' });
    assert.deepEqual(cost({}), { costUsd: null, costSource: 'none' });
  });
});
