import type { TokenCounts } from '../../model/traceTypes';
import type { AttributeMap } from './attributeMap';

/**
 * The token and cost metrics Loupe understands, and what one data point of them adds to a
 * session's usage. Coding agents report the same usage through several families at once (Gemini
 * CLI sends `gemini_cli.token.usage` and `gen_ai.client.token.usage`), so each contribution names
 * its family and a session's totals take one family only: the first in `FAMILY_ORDER` it has.
 */
export type MetricFamily = 'claude_code' | 'gemini_cli' | 'codex' | 'genai_inference' | 'genai_client';

export const FAMILY_ORDER: readonly MetricFamily[] = ['claude_code', 'gemini_cli', 'codex', 'genai_inference', 'genai_client'];

export interface MetricContribution {
  family: MetricFamily;
  tokens?: Partial<TokenCounts>;
  costUsd?: number;
}

/** Tokens by kind; `input` is every input token (cache included), as everywhere in Loupe. */
function tokens(kind: string | undefined, amount: number, inputIncludesCache: boolean): Partial<TokenCounts> | undefined {
  switch (kind) {
    case 'input':
      return { input: amount, total: amount };
    case 'output':
      return { output: amount, total: amount };
    case 'cacheRead':
    case 'cache_read':
    case 'cache':
    case 'cached_input':
      return inputIncludesCache ? { cacheRead: amount } : { cacheRead: amount, input: amount, total: amount };
    case 'cacheCreation':
    case 'cache_creation':
    case 'cache_write':
    case 'cache_write_input':
      return inputIncludesCache ? { cacheWrite: amount } : { cacheWrite: amount, input: amount, total: amount };
    case 'thought':
      // Gemini counts thoughts apart from candidates; Loupe's output includes reasoning.
      return { reasoning: amount, output: amount, total: amount };
    case 'reasoning':
    case 'reasoning_output':
      return { reasoning: amount };
    default:
      return undefined;
  }
}

const INFERENCE_PREFIX = 'gen_ai.client.inference.usage.';
const INFERENCE_KINDS: Readonly<Record<string, string>> = {
  input_tokens: 'input',
  output_tokens: 'output',
  'cache_read.input_tokens': 'cache_read',
  'cache_write.input_tokens': 'cache_write',
  'reasoning.output_tokens': 'reasoning',
};

/**
 * What a point of metric `name` adds, given its attributes and its amount (a sum's or gauge's value,
 * a histogram's sum); undefined for metrics that are not token or cost usage.
 */
export function metricContribution(name: string, attributes: AttributeMap, amount: number): MetricContribution | undefined {
  if (!Number.isFinite(amount) || amount < 0) return undefined;
  if (name === 'claude_code.token.usage') {
    // Claude Code's `input` excludes cache reads and writes, as Anthropic's API does.
    const t = tokens(attributes.string('type'), amount, false);
    return t && { family: 'claude_code', tokens: t };
  }
  if (name === 'claude_code.cost.usage') return { family: 'claude_code', costUsd: amount };
  if (name === 'gemini_cli.token.usage') {
    const t = tokens(attributes.string('type'), amount, true);
    return t && { family: 'gemini_cli', tokens: t };
  }
  if (name === 'codex.turn.token_usage') {
    const t = tokens(attributes.string('token_type'), amount, true);
    return t && { family: 'codex', tokens: t };
  }
  if (name.startsWith(INFERENCE_PREFIX)) {
    const kind = INFERENCE_KINDS[name.slice(INFERENCE_PREFIX.length)];
    const t = kind === undefined ? undefined : tokens(kind, amount, true);
    return t && { family: 'genai_inference', tokens: t };
  }
  if (name === 'gen_ai.client.token.usage') {
    const t = tokens(attributes.string('gen_ai.token.type'), amount, true);
    return t && { family: 'genai_client', tokens: t };
  }
  return undefined;
}
