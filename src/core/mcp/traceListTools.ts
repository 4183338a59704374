import { z } from 'zod';
import type { TraceSummary, UsageTotals } from '../../model/traceTypes';
import { addUsage, emptyUsage } from '../analysis/usageTotals';
import { MAX_ANSWER_CHARS, MAX_LIST_TRACES, MAX_NAME_CHARS, clip, isoTime, round, takeWithinBudget } from './answerBounds';
import { defineTool, traceIdArg, unknownTrace } from './toolDefinition';

/** Most traces the cross-trace totals (sessions, costs) read. */
const MAX_TOTALS_TRACES = 10_000;

export function compactSummary(summary: TraceSummary) {
  return {
    traceId: summary.traceId,
    name: clip(summary.name, MAX_NAME_CHARS),
    service: summary.service,
    start: isoTime(summary.startTime),
    durationMs: round(summary.durationMs),
    spans: summary.spanCount,
    errors: summary.errorCount,
    llmCalls: summary.llmCalls,
    tokens: { input: summary.tokens.input, output: summary.tokens.output, total: summary.tokens.total },
    costUsd: round(summary.costUsd, 6),
    ...(summary.unpricedCalls > 0 ? { unpricedCalls: summary.unpricedCalls } : {}),
    models: summary.models.slice(0, 10),
    agents: summary.agents.slice(0, 10),
    ...(summary.sessions.length > 0 ? { sessions: summary.sessions.slice(0, 10) } : {}),
  };
}

function compactUsage(usage: UsageTotals) {
  return {
    key: clip(usage.key, MAX_NAME_CHARS),
    calls: usage.calls,
    tokens: { input: usage.tokens.input, output: usage.tokens.output, total: usage.tokens.total },
    costUsd: round(usage.costUsd, 6),
    ...(usage.unpricedCalls > 0 ? { unpricedCalls: usage.unpricedCalls } : {}),
    errors: usage.errorCount,
  };
}

function mergeUsage(summaries: readonly TraceSummary[], pick: (summary: TraceSummary) => UsageTotals[] | undefined): UsageTotals[] {
  const byKey = new Map<string, UsageTotals>();
  for (const summary of summaries) {
    for (const usage of pick(summary) ?? []) {
      let total = byKey.get(usage.key);
      if (!total) byKey.set(usage.key, (total = emptyUsage(usage.key)));
      addUsage(total, usage);
    }
  }
  return [...byKey.values()].sort((a, b) => b.costUsd - a.costUsd || b.tokens.total - a.tokens.total);
}

export const listTracesTool = defineTool({
  name: 'list_traces',
  title: 'List traces',
  description:
    'Lists stored agent runs (traces), newest first, with span and error counts, tokens, cost, models and agents. ' +
    'Filters: service, agent, model (exact, case-insensitive), errorsOnly, text (substring of names, ids, services, agents, models, sessions, users). ' +
    `At most ${MAX_LIST_TRACES} traces per answer.`,
  inputSchema: {
    limit: z.number().int().min(1).max(MAX_LIST_TRACES).optional().describe('How many traces (default 20).'),
    service: z.string().max(1000).optional(),
    agent: z.string().max(1000).optional(),
    model: z.string().max(1000).optional(),
    errorsOnly: z.boolean().optional().describe('Only traces with at least one errored span.'),
    text: z.string().max(1000).optional(),
  },
  async run(api, args) {
    const limit = args.limit ?? 20;
    const summaries = await api.listTraces({
      limit: limit + 1,
      ...(args.service ? { service: args.service } : {}),
      ...(args.agent ? { agent: args.agent } : {}),
      ...(args.model ? { model: args.model } : {}),
      ...(args.errorsOnly ? { status: 'error' as const } : {}),
      ...(args.text ? { q: args.text } : {}),
    });
    const rows = summaries.slice(0, limit).map(compactSummary);
    const shown = takeWithinBudget(rows, 0, limit, MAX_ANSWER_CHARS);
    return { traces: shown, ...(summaries.length > shown.length ? { more: true } : {}) };
  },
});

export const listSessionsTool = defineTool({
  name: 'list_sessions',
  title: 'List sessions',
  description:
    'Lists sessions (a coding-agent run or a conversation spanning several traces, grouped by session.id, ' +
    'gen_ai.conversation.id and the like), most recent first, with turns, model and tool calls, tokens, cost and errors.',
  inputSchema: {
    limit: z.number().int().min(1).max(MAX_LIST_TRACES).optional().describe('How many sessions (default 20).'),
    q: z.string().max(MAX_NAME_CHARS).optional().describe('Only sessions whose id, service, agent or a prompt contains this text.'),
  },
  async run(api, args) {
    const sessions = await api.listSessions({ limit: args.limit ?? 20, q: args.q });
    const rows = sessions.map((session) => ({
      sessionId: clip(session.sessionId, MAX_NAME_CHARS),
      agent: clip(session.agent, MAX_NAME_CHARS),
      service: clip(session.service, MAX_NAME_CHARS),
      start: isoTime(session.startTime),
      end: isoTime(session.endTime),
      turns: session.turns,
      llmCalls: session.llmCalls,
      toolCalls: session.toolCalls,
      tokens: session.tokens,
      costUsd: round(session.costUsd, 6),
      errors: session.errorCount,
      traceIds: session.traceIds.slice(0, 20),
      ...(session.traceIds.length > 20 ? { moreTraces: session.traceIds.length - 20 } : {}),
    }));
    const shown = takeWithinBudget(rows, 0, rows.length, MAX_ANSWER_CHARS);
    return { sessions: shown, total: sessions.length };
  },
});

export const getCostsTool = defineTool({
  name: 'get_costs',
  title: 'Get costs',
  description:
    'Tokens and cost (USD), by model and by agent: of one trace when traceId is given, otherwise across the newest stored traces ' +
    '(lastTraces, default all up to 10,000), with the most expensive traces. Calls with no known price are counted as unpricedCalls.',
  inputSchema: {
    traceId: z.string().optional().describe('One trace (32 hex characters); omit for totals across traces.'),
    lastTraces: z.number().int().min(1).max(MAX_TOTALS_TRACES).optional(),
  },
  async run(api, args) {
    let summaries: TraceSummary[];
    if (args.traceId !== undefined) {
      const traceId = traceIdArg(args.traceId);
      const detail = await api.getTrace(traceId);
      if (!detail) throw unknownTrace(traceId);
      summaries = [detail.summary];
    } else {
      summaries = await api.listTraces({ limit: args.lastTraces ?? MAX_TOTALS_TRACES });
    }
    const total = emptyUsage('total');
    for (const usage of mergeUsage(summaries, (s) => s.byModel)) addUsage(total, usage);
    return {
      traces: summaries.length,
      ...(summaries.length > 0
        ? { from: isoTime(Math.min(...summaries.map((s) => s.startTime))), to: isoTime(Math.max(...summaries.map((s) => s.startTime))) }
        : {}),
      costUsd: round(
        summaries.reduce((sum, s) => sum + s.costUsd, 0),
        6,
      ),
      unpricedCalls: summaries.reduce((sum, s) => sum + s.unpricedCalls, 0),
      tokens: {
        input: summaries.reduce((sum, s) => sum + s.tokens.input, 0),
        output: summaries.reduce((sum, s) => sum + s.tokens.output, 0),
        total: summaries.reduce((sum, s) => sum + s.tokens.total, 0),
      },
      byModel: mergeUsage(summaries, (s) => s.byModel)
        .slice(0, 30)
        .map(compactUsage),
      byAgent: mergeUsage(summaries, (s) => s.byAgent)
        .slice(0, 30)
        .map(compactUsage),
      ...(summaries.length > 1
        ? {
            mostExpensive: [...summaries]
              .sort((a, b) => b.costUsd - a.costUsd)
              .slice(0, 10)
              .map((s) => ({
                traceId: s.traceId,
                name: clip(s.name, MAX_NAME_CHARS),
                costUsd: round(s.costUsd, 6),
                tokens: s.tokens.total,
              })),
          }
        : {}),
    };
  },
});
