import type { AttributeValue, TokenCounts } from './traceTypes';

/**
 * A session (conversation) as one story: the traces, agent log events and metrics that carry the
 * same session id (`gen_ai.conversation.id`, `session.id`, `conversation.id`, …), read into turns.
 *
 * Cost: `costUsd` is what is shown: the agent's own cost where it reported one (`agentCostUsd`),
 * otherwise Loupe's computed price (`computedCostUsd`, always kept so both can be compared).
 */
export interface SessionSummary {
  sessionId: string;
  service: string;
  /** The agent's name (`gen_ai.agent.name`), else the service name. */
  agent: string;
  /** Unix ms. */
  startTime: number;
  endTime: number;
  traceIds: string[];
  turns: number;
  llmCalls: number;
  toolCalls: number;
  /** Counted once: a model call reported by a span and again by a log event or metric adds once. */
  tokens: TokenCounts;
  costUsd: number;
  agentCostUsd?: number;
  computedCostUsd: number;
  /** Model calls whose price Loupe does not know (left out of `computedCostUsd`). */
  unpricedCalls: number;
  errorCount: number;
  /** Where the token totals came from: spans, the agent's log events, or only its metrics. */
  usageSource: 'spans' | 'logs' | 'metrics' | 'none';
}

export interface SessionModelCall {
  /** Unix ms. */
  time: number;
  durationMs?: number;
  model?: string;
  tokens: TokenCounts;
  /** The agent's own cost for this call, when it reported one. */
  agentCostUsd?: number;
  /** Loupe's price for this call; null when the model's price is unknown. */
  computedCostUsd: number | null;
  /** The span of this call, when a span reported it. */
  traceId?: string;
  spanId?: string;
  /** `span` (a span, possibly completed by a log event) or `log` (only a log event reported it). */
  source: 'span' | 'log';
  error?: string;
}

export interface SessionToolCall {
  time: number;
  durationMs?: number;
  name: string;
  callId?: string;
  arguments?: AttributeValue;
  result?: AttributeValue;
  traceId?: string;
  spanId?: string;
  source: 'span' | 'log';
  error?: string;
}

export interface SessionTurn {
  index: number;
  /** The user's prompt that started the turn, when the agent recorded it. */
  prompt?: string;
  startTime: number;
  endTime: number;
  traceIds: string[];
  llmCalls: SessionModelCall[];
  toolCalls: SessionToolCall[];
  tokens: TokenCounts;
  costUsd: number;
  errors: string[];
}

/** The summary's fields, with `turns` the turns themselves (in time order) instead of their count. */
export interface SessionDetail extends Omit<SessionSummary, 'turns'> {
  turns: SessionTurn[];
}

export interface SessionQuery {
  limit?: number;
  /** Matches the session id, service, agent or a prompt (case-insensitive substring). */
  q?: string;
}
