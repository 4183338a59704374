import type { KeyValue } from '../../model/otlpTypes';
import type { StoredTrace } from '../../model/storedTrace';
import type { AttributeValue, TokenCounts } from '../../model/traceTypes';
import type { SessionModelCall, SessionToolCall } from '../../model/sessionTypes';
import { countModelCalls } from '../analysis/modelCalls';
import { emptyTokens } from '../analysis/usageTotals';
import { AttributeMap } from '../genai/attributeMap';
import type { SpanFacts } from '../genai/spanFacts';
import { toolDetail } from '../genai/toolDetail';
import { spanMessages } from '../genai/messages/spanMessages';
import { anyValueToJson, nanosToMs } from '../otlp/values';

/** A trace as the session builder reads it. */
export interface TraceSource {
  stored: StoredTrace;
  facts: readonly SpanFacts[];
}

/** What one trace's spans tell about one session. */
export interface SpanRecords {
  calls: (SessionModelCall & { responseId?: string })[];
  tools: SessionToolCall[];
  prompts: { time: number; text: string }[];
  /** The first user message of the trace's first model call: the prompt when nothing else records it. */
  callPrompt?: { time: number; text: string };
  /** Per-turn usage a runtime span reports (Codex's `codex.turn.token_usage.*`), for sessions without per-call usage. */
  turnUsage: { time: number; tokens: TokenCounts }[];
  /** Spans of the session that failed (model and tool calls included). */
  errors: { time: number; message: string }[];
  services: string[];
  agents: string[];
  start: number;
  end: number;
  /** True when a span of this trace belongs to the session. */
  touched: boolean;
}

/** Span attributes and events that hold the user's prompt of a turn. */
const PROMPT_ATTRIBUTE_KEYS = ['user_prompt', 'gen_ai.prompt.user'];
const PROMPT_EVENT_NAMES = new Set(['github.copilot.user.message', 'gen_ai.user.message']);
const PROMPT_EVENT_KEYS = ['content', 'message', 'github.copilot.user.message', 'gen_ai.user.message'];

function zeroTokens(): TokenCounts {
  return emptyTokens();
}

/** The prompt an event of a span carries (Copilot's `github.copilot.user.message`). */
function eventPrompt(attributes: AttributeMap): string | undefined {
  for (const key of PROMPT_EVENT_KEYS) {
    const text = attributes.string(key);
    if (text) return text;
  }
  return undefined;
}

/**
 * Reads the model calls, tool calls, prompts and failures of `sessionId` from one trace. A tool span
 * below another tool span of the same call (Claude Code's `claude_code.tool.execution`, an MCP
 * `tools/call` span under the tool it runs) is one tool call, not two.
 */
export function spanRecords(source: TraceSource, sessionId: string): SpanRecords {
  const { stored, facts } = source;
  const spans = stored.spans;
  const counting = countModelCalls(spans, facts);
  const out: SpanRecords = {
    calls: [],
    tools: [],
    prompts: [],
    turnUsage: [],
    errors: [],
    services: [],
    agents: [],
    start: Infinity,
    end: -Infinity,
    touched: false,
  };
  const toolCallIdOf = new Map<number, string | undefined>();
  for (let i = 0; i < spans.length; i++) {
    if (counting.sessionOf[i] !== sessionId) continue;
    const span = spans[i];
    const f = facts[i];
    out.touched = true;
    const start = nanosToMs(span.startTimeUnixNano);
    const end = Math.max(start, nanosToMs(span.endTimeUnixNano));
    out.start = Math.min(out.start, start);
    out.end = Math.max(out.end, end);
    if (!out.services.includes(f.service)) out.services.push(f.service);
    const error = f.status === 'error' ? (f.error?.message ?? f.statusMessage ?? `${span.name} failed`) : undefined;
    if (error) out.errors.push({ time: start, message: error });
    const attrs = new AttributeMap(span.attributes);
    const agentName = attrs.string('gen_ai.agent.name');
    if (agentName && !out.agents.includes(agentName)) out.agents.push(agentName);
    // A runtime's own spans (Codex's Rust `tracing` spans) say nothing of model or tool calls; its log events do.
    if (f.runtime) {
      const usage = codexTurnUsage(attrs);
      if (usage) out.turnUsage.push({ time: start, tokens: usage });
      continue;
    }

    if (f.kind === 'agent' && counting.parent[i] === -1) {
      const text = firstUserText(attrs);
      if (text) out.prompts.push({ time: start, text });
    }
    for (const key of PROMPT_ATTRIBUTE_KEYS) {
      const text = attrs.string(key);
      if (text) out.prompts.push({ time: start, text });
    }
    for (const event of span.events) {
      if (!PROMPT_EVENT_NAMES.has(event.name)) continue;
      const text = eventPrompt(new AttributeMap(event.attributes));
      if (text) out.prompts.push({ time: nanosToMs(event.timeUnixNano), text });
    }

    if (counting.countsCall[i] === 1 && (out.callPrompt === undefined || start < out.callPrompt.time)) {
      const text = firstUserText(attrs, f.kind);
      if (text) out.callPrompt = { time: start, text };
    }
    if (counting.countsCall[i] === 1) {
      const usage = counting.countsUsage[i] === 1;
      const call: SpanRecords['calls'][number] = {
        time: start,
        durationMs: end - start,
        tokens: usage ? { ...f.tokens } : zeroTokens(),
        // A cost the span carries (an agent's own, an instrumentation's) is the reported one; Loupe's price stays beside it.
        computedCostUsd: !usage ? 0 : f.costSource === 'span' ? (f.computedCostUsd ?? null) : f.costUsd,
        traceId: stored.traceId,
        spanId: span.spanId,
        source: 'span',
      };
      if (f.model) call.model = f.model;
      if (usage && f.costSource === 'span' && f.costUsd !== null) call.agentCostUsd = f.costUsd;
      const responseId = attrs.string('gen_ai.response.id');
      if (responseId) call.responseId = responseId;
      if (error) call.error = error;
      out.calls.push(call);
    }

    if (f.kind === 'tool') {
      toolCallIdOf.set(i, f.toolCallId);
      if (foldedIntoToolAncestor(i, f, counting.parent, facts, toolCallIdOf)) continue;
      const detail = toolDetail(attrs, span.name);
      const tool: SessionToolCall = {
        time: start,
        durationMs: end - start,
        name: f.toolName ?? detail.name ?? span.name,
        traceId: stored.traceId,
        spanId: span.spanId,
        source: 'span',
      };
      if (f.toolCallId) tool.callId = f.toolCallId;
      if (detail.arguments !== undefined) tool.arguments = detail.arguments as AttributeValue;
      const result = detail.result ?? eventOutput(span.events);
      if (result !== undefined) tool.result = result as AttributeValue;
      if (error) tool.error = error;
      out.tools.push(tool);
    }
  }
  return out;
}

const TURN_USAGE = 'codex.turn.token_usage.';

/** Codex's per-turn usage on its `session_task.turn` span; cached input is part of the input. */
function codexTurnUsage(attrs: AttributeMap): TokenCounts | undefined {
  const input = attrs.number(`${TURN_USAGE}input_tokens`);
  const output = attrs.number(`${TURN_USAGE}output_tokens`);
  if (input === undefined && output === undefined) return undefined;
  const n = (key: string) => Math.max(0, attrs.number(`${TURN_USAGE}${key}`) ?? 0);
  const tokens: TokenCounts = {
    input: Math.max(0, input ?? 0),
    output: Math.max(0, output ?? 0),
    cacheRead: n('cached_input_tokens'),
    cacheWrite: n('cache_write_input_tokens'),
    reasoning: n('reasoning_output_tokens'),
    total: 0,
  };
  tokens.total = tokens.input + tokens.output;
  return tokens;
}

/** Context blocks some agents put before the user's words (`<current_datetime>…</current_datetime>`). */
const LEADING_CONTEXT_BLOCK = /^\s*<([a-z_][\w-]*)>[\s\S]*?<\/\1>\s*/i;

/** The first user message of an agent span's input: the prompt that started this run. */
function firstUserText(attrs: AttributeMap, kind: SpanFacts['kind'] = 'agent'): string | undefined {
  if (!attrs.has('gen_ai.input.messages')) return undefined;
  const { input } = spanMessages(attrs, kind, []);
  for (const message of input) {
    if (message.role !== 'user') continue;
    let text = message.parts.map((part) => (part.type === 'text' ? part.content : '')).join('');
    for (let guard = 0; guard < 10 && LEADING_CONTEXT_BLOCK.test(text); guard++) text = text.replace(LEADING_CONTEXT_BLOCK, '');
    text = text.trim();
    if (text) return text;
  }
  return undefined;
}

/** Claude Code puts a tool's output in a `tool.output` span event. */
function eventOutput(events: readonly { name: string; attributes: KeyValue[] }[]): AttributeValue | undefined {
  for (const event of events) {
    if (event.name !== 'tool.output') continue;
    const attrs = new AttributeMap(event.attributes);
    for (const key of ['content', 'output', 'result']) {
      const value = attrs.raw(key);
      if (value !== undefined) return anyValueToJson(value);
    }
  }
  return undefined;
}

/** Whether tool span `i` only details a tool span above it (same call id, or no name of its own). */
function foldedIntoToolAncestor(
  i: number,
  f: SpanFacts,
  parent: ArrayLike<number>,
  facts: readonly SpanFacts[],
  callIds: Map<number, string | undefined>,
): boolean {
  let p = parent[i];
  for (let steps = 0; p !== -1 && steps < parent.length; steps++) {
    if (facts[p].kind === 'tool') {
      const ancestorCallId = callIds.get(p) ?? facts[p].toolCallId;
      if (!f.toolName || f.toolName === facts[p].toolName) return true;
      if (f.toolCallId !== undefined && f.toolCallId === ancestorCallId) return true;
      return false;
    }
    p = parent[p];
  }
  return false;
}
