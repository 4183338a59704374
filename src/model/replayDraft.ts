import type { AttributeValue, Attributes, Message, Span } from './traceTypes';
import type { ReplayApi, ReplayDraft, ReplayParameters, ReplaySource, ReplayTool } from './replayTypes';

export const DEFAULT_BASE_URLS: Record<Exclude<ReplayApi, 'vscode-lm'>, string> = {
  'openai-chat': 'https://api.openai.com/v1',
  'openai-responses': 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

function parseJson(value: AttributeValue | undefined): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One tool definition in any of the shapes instrumentations record (OpenAI function, Anthropic, flat). */
function toolOf(value: unknown): ReplayTool | undefined {
  const raw = parseJson(value as AttributeValue);
  if (!isRecord(raw)) return undefined;
  const fn = isRecord(raw.function) ? raw.function : raw;
  if (typeof fn.name !== 'string' || fn.name === '') return undefined;
  const schema = fn.parameters ?? fn.input_schema ?? fn.inputSchema;
  return {
    name: fn.name,
    ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
    ...(isRecord(schema)
      ? { parameters: schema }
      : isRecord(parseJson(schema as AttributeValue))
        ? { parameters: parseJson(schema as AttributeValue) as Record<string, unknown> }
        : {}),
  };
}

/** Tool definitions: `gen_ai.tool.definitions`, OpenInference `llm.tools.N.tool.json_schema`, Vercel `ai.prompt.tools`. */
export function recordedTools(attributes: Attributes): ReplayTool[] {
  const lists = [parseJson(attributes['gen_ai.tool.definitions']), parseJson(attributes['ai.prompt.tools'])];
  for (const list of lists) {
    if (Array.isArray(list)) {
      const tools = list.map(toolOf).filter((tool): tool is ReplayTool => tool !== undefined);
      if (tools.length > 0) return tools;
    }
  }
  const indexed: ReplayTool[] = [];
  for (let i = 0; i < 256; i++) {
    const schema = attributes[`llm.tools.${i}.tool.json_schema`];
    if (schema === undefined) break;
    const tool = toolOf(schema);
    if (tool) indexed.push(tool);
  }
  return indexed;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** Sampling parameters from `gen_ai.request.*`, or OpenInference's `llm.invocation_parameters`. */
export function recordedParameters(attributes: Attributes): ReplayParameters {
  const invocation = parseJson(attributes['llm.invocation_parameters']);
  const inv = isRecord(invocation) ? invocation : {};
  const temperature = numberOf(attributes['gen_ai.request.temperature']) ?? numberOf(inv.temperature);
  const maxTokens =
    numberOf(attributes['gen_ai.request.max_tokens']) ??
    numberOf(inv.max_tokens) ??
    numberOf(inv.max_completion_tokens) ??
    numberOf(inv.max_output_tokens);
  const topP = numberOf(attributes['gen_ai.request.top_p']) ?? numberOf(inv.top_p);
  const stopRaw = attributes['gen_ai.request.stop_sequences'] ?? (inv.stop as AttributeValue | undefined);
  const stop = Array.isArray(stopRaw)
    ? stopRaw.filter((s): s is string => typeof s === 'string')
    : typeof stopRaw === 'string'
      ? [stopRaw]
      : undefined;
  return {
    ...(temperature !== undefined ? { temperature } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(stop && stop.length > 0 ? { stop } : {}),
  };
}

/** Which wire API the recorded call most likely used. */
export function recordedApi(span: Span): ReplayApi {
  const provider = (span.provider ?? '').toLowerCase();
  if (provider.includes('anthropic')) return 'anthropic';
  const operation = (span.operation ?? '').toLowerCase();
  const path = String(span.attributes['url.path'] ?? span.attributes['http.route'] ?? '');
  if (operation === 'responses' || path.endsWith('/responses') || span.attributes['openai.api.type'] === 'responses')
    return 'openai-responses';
  return 'openai-chat';
}

/** The server the recorded call went to (`server.address`/`server.port`), as a base URL for its API. */
export function recordedBaseUrl(span: Span, api: ReplayApi): string {
  if (api === 'vscode-lm') return '';
  const address = span.attributes['server.address'];
  if (typeof address !== 'string' || address === '') return DEFAULT_BASE_URLS[api];
  const port = numberOf(span.attributes['server.port']);
  const host = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
  const secure = port === undefined || port === 443;
  const origin = `${secure ? 'https' : 'http'}://${host}${port === undefined || port === 443 || port === 80 ? '' : `:${port}`}`;
  if (origin === 'https://api.openai.com' || origin === 'https://api.anthropic.com') return DEFAULT_BASE_URLS[api];
  return api === 'anthropic' ? origin : `${origin}/v1`;
}

/** Why a draft cannot be sent as it is, in words; undefined when it can. */
export function replayDraftProblem(draft: ReplayDraft): string | undefined {
  if (draft.model.trim() === '') return 'Name the model to call.';
  if (draft.api === 'vscode-lm') return undefined;
  let base: URL;
  try {
    base = new URL(draft.baseUrl);
  } catch {
    return `"${draft.baseUrl.slice(0, 200)}" is not a URL (e.g. https://api.openai.com/v1 or http://localhost:11434/v1).`;
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') return 'The base URL must start with http:// or https://.';
  if (base.username || base.password) return 'Put the key in the key field, not in the URL.';
  return undefined;
}

/** A replayable draft of a recorded model call, and what it answered. Undefined for a span that is no model call. */
export function replayDraftFromSpan(span: Span): { draft: ReplayDraft; source: ReplaySource } | undefined {
  if (span.kind !== 'llm' || span.aggregate) return undefined;
  const api = recordedApi(span);
  const system = span.messages.input
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .flatMap((m) => m.parts.flatMap((p) => (p.type === 'text' ? [p.content] : [])))
    .join('\n\n');
  const messages: Message[] = span.messages.input.filter((m) => m.role !== 'system' && m.role !== 'developer');
  return {
    draft: {
      api,
      baseUrl: recordedBaseUrl(span, api),
      model: span.requestModel ?? span.model ?? span.responseModel ?? '',
      system,
      messages,
      tools: recordedTools(span.attributes),
      parameters: recordedParameters(span.attributes),
    },
    source: {
      traceId: span.traceId,
      spanId: span.spanId,
      spanName: span.name,
      recordedOutput: span.messages.output,
      recordedTokens: span.tokens,
      recordedDurationMs: span.durationMs,
      recordedCostUsd: span.costUsd,
    },
  };
}
