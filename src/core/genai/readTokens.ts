import type { TokenCounts } from '../../model/traceTypes';
import type { AttributeMap } from './attributeMap';
import { INGEST_JSON_LIMIT, isRecord, parseJsonText } from './jsonText';

const INPUT_KEYS = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'llm.token_count.prompt',
  'ai.usage.inputTokens',
  'ai.usage.promptTokens',
  'llm.usage.prompt_tokens',
];
const OUTPUT_KEYS = [
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'llm.token_count.completion',
  'ai.usage.outputTokens',
  'ai.usage.completionTokens',
  'llm.usage.completion_tokens',
];
const TOTAL_KEYS = ['gen_ai.usage.total_tokens', 'llm.token_count.total', 'ai.usage.totalTokens', 'llm.usage.total_tokens'];
const CACHE_READ_KEYS = [
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_read_input_tokens',
  'llm.token_count.prompt_details.cache_read',
  'ai.usage.inputTokenDetails.cacheReadTokens',
  'ai.usage.cachedInputTokens',
  'gen_ai.usage.cached_tokens',
];
const CACHE_WRITE_KEYS = [
  // The 2026 conventions renamed `cache_creation` to `cache_write`.
  'gen_ai.usage.cache_write.input_tokens',
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_creation_input_tokens',
  'gen_ai.usage.cache_write_input_tokens',
  'llm.token_count.prompt_details.cache_write',
  'ai.usage.inputTokenDetails.cacheWriteTokens',
];
const REASONING_KEYS = [
  'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.usage.reasoning_tokens',
  'llm.token_count.completion_details.reasoning',
  'ai.usage.outputTokenDetails.reasoningTokens',
  'ai.usage.reasoningTokens',
];

interface RawUsage {
  input?: number;
  output?: number;
  total?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

/** More tokens than any model call takes (the largest contexts are a few million): such a count is a bug or an attack. */
export const MAX_PLAUSIBLE_TOKENS = 1e9;

/** A count that can be true; a negative or implausibly large one (int64-max…) is not counted (the raw attribute stays visible). */
function nonNegative(n: number | undefined): number | undefined {
  return n !== undefined && n >= 0 && n <= MAX_PLAUSIBLE_TOKENS ? n : undefined;
}

function numberIn(record: Record<string, unknown>, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const v = record[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_PLAUSIBLE_TOKENS) return v;
  }
  return undefined;
}

/**
 * Langfuse `usage_details` keeps disjoint buckets (`input` excludes cached tokens, which sit in
 * `input_cached_tokens` and friends), so every input-side bucket is added back into the input total.
 */
function langfuseUsage(text: string): RawUsage | undefined {
  const details = parseJsonText(text, INGEST_JSON_LIMIT);
  if (!isRecord(details)) return undefined;
  let input: number | undefined;
  let output: number | undefined;
  for (const [key, v] of Object.entries(details)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) continue;
    const k = key.toLowerCase();
    if (k === 'total' || k === 'total_tokens') continue;
    if (k.startsWith('input') || k.startsWith('prompt') || k.startsWith('cache_')) input = (input ?? 0) + v;
    else if (k.startsWith('output') || k.startsWith('completion')) output = (output ?? 0) + v;
  }
  return {
    input,
    output,
    total: numberIn(details, ['total', 'total_tokens']),
    cacheRead: numberIn(details, ['input_cached_tokens', 'input_cache_read', 'cache_read_input_tokens', 'cache_read']),
    cacheWrite: numberIn(details, ['input_cache_creation', 'input_cache_write', 'cache_creation_input_tokens', 'cache_write']),
    reasoning: numberIn(details, ['output_reasoning_tokens', 'output_reasoning', 'reasoning_tokens']),
  };
}

function attributeUsage(attrs: AttributeMap): RawUsage {
  return {
    // `ai.usage.tokens` is what AI SDK embedding spans report.
    input: nonNegative(attrs.firstNumber(INPUT_KEYS) ?? attrs.number('ai.usage.tokens')),
    output: nonNegative(attrs.firstNumber(OUTPUT_KEYS)),
    total: nonNegative(attrs.firstNumber(TOTAL_KEYS)),
    cacheRead: nonNegative(attrs.firstNumber(CACHE_READ_KEYS)),
    cacheWrite: nonNegative(attrs.firstNumber(CACHE_WRITE_KEYS)),
    reasoning: nonNegative(attrs.firstNumber(REASONING_KEYS)),
  };
}

/**
 * Token usage from whichever naming the span uses, or undefined when it reports none.
 * Input counts include cached tokens and output counts include reasoning, as providers report them.
 */
export function readTokens(attrs: AttributeMap): TokenCounts | undefined {
  let usage = attributeUsage(attrs);
  if (usage.input === undefined && usage.output === undefined && usage.total === undefined) {
    const details = attrs.string('langfuse.observation.usage_details') ?? attrs.string('gen_ai.usage.details');
    const fromLangfuse = details ? langfuseUsage(details) : undefined;
    if (!fromLangfuse) return undefined;
    usage = fromLangfuse;
    if (usage.input === undefined && usage.output === undefined && usage.total === undefined) return undefined;
  }
  const cacheRead = usage.cacheRead ?? 0;
  const cacheWrite = usage.cacheWrite ?? 0;
  const reasoning = usage.reasoning ?? 0;
  let input = usage.input ?? 0;
  let output = usage.output ?? 0;
  // Some instrumentations report input without the cached part; a partition cannot exceed its whole.
  if (cacheRead + cacheWrite > input) input += cacheRead + cacheWrite;
  if (reasoning > output) output += reasoning;
  const total = usage.total !== undefined && usage.total >= input + output ? usage.total : input + output;
  return { input, output, cacheRead, cacheWrite, reasoning, total };
}
