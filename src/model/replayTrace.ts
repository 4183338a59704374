import type { AnyValue, ExportTraceServiceRequest, KeyValue } from './otlpTypes';
import type { ReplayDraft, ReplayOutcome, ReplaySource } from './replayTypes';
import type { Message } from './traceTypes';

export const REPLAY_SERVICE_NAME = 'loupe-replay';
/** The link attribute that marks the original call of a replay. */
export const REPLAY_LINK_TYPE = 'replay_of';

function value(v: string | number | boolean): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

function attributes(entries: Record<string, string | number | boolean | undefined>): KeyValue[] {
  return Object.entries(entries).flatMap(([key, v]) => (v === undefined ? [] : [{ key, value: value(v) }]));
}

/** Messages in the OpenTelemetry GenAI JSON form (`gen_ai.input.messages` / `gen_ai.output.messages`). */
function semconvMessages(messages: readonly Message[]): string {
  return JSON.stringify(
    messages.map((m) => ({
      role: m.role,
      parts: m.parts.map((p) => (p.type === 'tool_result' ? { type: 'tool_call_response', id: p.id, response: p.result } : p)),
      ...(m.finishReason ? { finish_reason: m.finishReason } : {}),
    })),
  );
}

function providerName(draft: ReplayDraft): string {
  return draft.api === 'anthropic' ? 'anthropic' : draft.api === 'vscode-lm' ? 'vscode' : 'openai';
}

function serverOf(endpoint: string): { address?: string; port?: number } {
  try {
    const url = new URL(endpoint);
    return { address: url.hostname, port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 };
  } catch {
    return {};
  }
}

function nanos(ms: number): string {
  return String(Math.round(ms * 1000)) + '000';
}

/**
 * A successful replay as a new trace of one model-call span, linked to the recorded call
 * (a span link of type `replay_of`), in the GenAI conventions Loupe reads like any other call.
 */
export function replayTraceRequest(
  draft: ReplayDraft,
  source: ReplaySource,
  outcome: Extract<ReplayOutcome, { ok: true }>,
  endedAtMs: number,
  /** Fresh random ids (32 and 16 hex characters) for the new trace and its span. */
  ids: { traceId: string; spanId: string },
): { request: ExportTraceServiceRequest; traceId: string; spanId: string } {
  const { traceId, spanId } = ids;
  const server = serverOf(outcome.endpoint);
  const p = draft.parameters;
  const request: ExportTraceServiceRequest = {
    resourceSpans: [
      {
        resource: { attributes: attributes({ 'service.name': REPLAY_SERVICE_NAME }) },
        scopeSpans: [
          {
            scope: { name: 'loupe.replay' },
            spans: [
              {
                traceId,
                spanId,
                name: `chat ${draft.model}`,
                kind: 3,
                startTimeUnixNano: nanos(endedAtMs - outcome.latencyMs),
                endTimeUnixNano: nanos(endedAtMs),
                attributes: attributes({
                  'gen_ai.operation.name': 'chat',
                  'gen_ai.provider.name': providerName(draft),
                  'gen_ai.request.model': draft.model,
                  'gen_ai.response.model': outcome.responseModel,
                  'gen_ai.request.temperature': p.temperature,
                  'gen_ai.request.max_tokens': p.maxTokens,
                  'gen_ai.request.top_p': p.topP,
                  ...(outcome.usageReported
                    ? { 'gen_ai.usage.input_tokens': outcome.tokens.input, 'gen_ai.usage.output_tokens': outcome.tokens.output }
                    : {}),
                  'gen_ai.system_instructions': draft.system === '' ? undefined : JSON.stringify([{ type: 'text', content: draft.system }]),
                  'gen_ai.input.messages': semconvMessages(draft.messages),
                  'gen_ai.output.messages': semconvMessages(outcome.output),
                  'gen_ai.tool.definitions':
                    draft.tools.length > 0 ? JSON.stringify(draft.tools.map((t) => ({ type: 'function', ...t }))) : undefined,
                  'server.address': server.address,
                  'server.port': server.port,
                  'loupe.replay.of.trace_id': source.traceId,
                  'loupe.replay.of.span_id': source.spanId,
                }),
                events: [],
                links: [
                  { traceId: source.traceId, spanId: source.spanId, attributes: attributes({ 'loupe.link.type': REPLAY_LINK_TYPE }) },
                ],
                status: { code: 1 },
              },
            ],
          },
        ],
      },
    ],
  };
  return { request, traceId, spanId };
}
