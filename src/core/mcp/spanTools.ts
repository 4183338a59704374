import { z } from 'zod';
import type { LoupeApi } from '../../model/api';
import { SPAN_KINDS, type Span, type SpanKind, type TraceDetail, type WaterfallRow } from '../../model/traceTypes';
import {
  DEFAULT_TOPOLOGY_SPANS,
  MAX_ANSWER_CHARS,
  MAX_MESSAGE_CHARS,
  MAX_NAME_CHARS,
  MAX_SCANNED_TRACES,
  MAX_SCANNED_SPANS,
  MAX_SEARCH_RESULTS,
  MAX_STACK_CHARS,
  MAX_TOPOLOGY_SPANS,
  SPAN_PAGE_CHARS,
  clip,
  round,
  takeWithinBudget,
} from './answerBounds';
import { ToolAnswerError, defineTool, spanIdArg, traceIdArg, unknownTrace } from './toolDefinition';

const TOPOLOGY_COLUMNS = ['id', 'parent', 'name', 'kind', 'durationMs', 'status', 'tokens', 'costUsd'] as const;

/** One span as a short row: about 100 characters, so a page of 500 fits a model's context. */
function topologyRow(row: WaterfallRow): (string | number | null)[] {
  return [
    row.spanId,
    row.parentSpanId ?? null,
    clip(row.name, MAX_NAME_CHARS) ?? '',
    row.kind,
    round(row.durationMs, 1),
    row.status,
    row.tokens,
    row.costUsd === null ? null : round(row.costUsd, 6),
  ];
}

export const getTraceTopologyTool = defineTool({
  name: 'get_trace_topology',
  title: 'Get trace topology',
  description:
    'The span tree of one trace, compact: one row per span [id, parent, name, kind, durationMs, status, tokens, costUsd], ' +
    'parents before children in display order. Paged: at most 500 spans and 60,000 characters per answer; ' +
    "pass nextOffset back as offset for the next page. Use get_span for a span's full details.",
  inputSchema: {
    traceId: z.string().describe('32 hexadecimal characters (from list_traces).'),
    offset: z.number().int().min(0).optional().describe('First row to return (default 0).'),
    limit: z.number().int().min(1).max(MAX_TOPOLOGY_SPANS).optional().describe(`Rows per page (default ${DEFAULT_TOPOLOGY_SPANS}).`),
  },
  async run(api, args) {
    const traceId = traceIdArg(args.traceId);
    const rows = await api.waterfall(traceId);
    if (!rows) throw unknownTrace(traceId);
    const offset = Math.min(args.offset ?? 0, rows.length);
    const page = takeWithinBudget(
      rows.slice(offset, offset + (args.limit ?? DEFAULT_TOPOLOGY_SPANS)).map(topologyRow),
      0,
      MAX_TOPOLOGY_SPANS,
      MAX_ANSWER_CHARS - 500,
    );
    const next = offset + page.length;
    return {
      traceId,
      spanCount: rows.length,
      offset,
      columns: TOPOLOGY_COLUMNS,
      spans: page,
      ...(next < rows.length ? { nextOffset: next } : {}),
    };
  },
});

export const getSpanTool = defineTool({
  name: 'get_span',
  title: 'Get span',
  description:
    'Every detail of one span as JSON: attributes, model, tokens, cost, input and output messages, tool call, error, source location, events, logs. ' +
    `A large span comes in pages of ${SPAN_PAGE_CHARS.toLocaleString('en')} characters of its JSON text: pass nextOffset back as offset.`,
  inputSchema: {
    traceId: z.string(),
    spanId: z.string().describe('16 hexadecimal characters.'),
    offset: z.number().int().min(0).optional().describe('Character offset into the span JSON (default 0).'),
  },
  async run(api, args) {
    const traceId = traceIdArg(args.traceId);
    const spanId = spanIdArg(args.spanId);
    const span = await api.span(traceId, spanId);
    if (!span) throw new ToolAnswerError(`No span ${spanId} in trace ${traceId}. get_trace_topology lists the spans of a trace.`);
    const text = JSON.stringify(span);
    const offset = args.offset ?? 0;
    if (offset === 0 && text.length <= SPAN_PAGE_CHARS) return span;
    if (offset >= text.length) throw new ToolAnswerError(`offset ${offset} is past the end of the span JSON (${text.length} characters).`);
    const end = Math.min(text.length, offset + SPAN_PAGE_CHARS);
    return {
      traceId,
      spanId,
      totalChars: text.length,
      offset,
      ...(end < text.length ? { nextOffset: end } : {}),
      jsonText: text.slice(offset, end),
    };
  },
});

/** The error of a span as a model needs it: what failed, why, and where in the code. */
export function describeError(span: Span) {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    name: clip(span.name, MAX_NAME_CHARS),
    kind: span.kind,
    service: span.service,
    ...(span.model ? { model: span.model } : {}),
    ...(span.toolName ? { tool: span.toolName } : {}),
    ...(span.statusMessage ? { statusMessage: clip(span.statusMessage, MAX_MESSAGE_CHARS) } : {}),
    ...(span.httpStatus ? { httpStatus: span.httpStatus } : {}),
    ...(span.error
      ? {
          exception: {
            ...(span.error.type ? { type: span.error.type } : {}),
            ...(span.error.message ? { message: clip(span.error.message, MAX_MESSAGE_CHARS) } : {}),
            ...(span.error.stacktrace ? { stacktrace: clip(span.error.stacktrace, MAX_STACK_CHARS) } : {}),
          },
        }
      : {}),
    ...(span.code ? { sourceLocation: span.code } : {}),
  };
}

/**
 * The traces a scan reads: the one named, or the newest (only those with errors when asked),
 * stopping once MAX_SCANNED_SPANS spans are loaded so one question cannot load the whole store.
 */
async function tracesToScan(
  api: LoupeApi,
  traceId: string | undefined,
  errorsOnly: boolean,
  max: number,
): Promise<{ traces: TraceDetail[]; skippedTraces: number }> {
  if (traceId !== undefined) {
    const id = traceIdArg(traceId);
    const detail = await api.getTrace(id);
    if (!detail) throw unknownTrace(id);
    return { traces: [detail], skippedTraces: 0 };
  }
  const summaries = await api.listTraces({ limit: max, ...(errorsOnly ? { status: 'error' as const } : {}) });
  const traces: TraceDetail[] = [];
  let spans = 0;
  for (const summary of summaries) {
    if (traces.length > 0 && spans + summary.spanCount > MAX_SCANNED_SPANS) break;
    const detail = await api.getTrace(summary.traceId);
    if (!detail) continue;
    traces.push(detail);
    spans += detail.spans.length;
  }
  return { traces, skippedTraces: summaries.length - traces.length };
}

export const getErrorsTool = defineTool({
  name: 'get_errors',
  title: 'Get errors',
  description:
    'Errored spans with their exception (type, message, stack trace) and source location (file, line, function): ' +
    'of one trace when traceId is given, otherwise of the newest traces that have errors (lastTraces, default 5). ' +
    `At most ${MAX_SEARCH_RESULTS} spans per answer, newest trace first.`,
  inputSchema: {
    traceId: z.string().optional(),
    lastTraces: z.number().int().min(1).max(MAX_SCANNED_TRACES).optional(),
    limit: z.number().int().min(1).max(MAX_SEARCH_RESULTS).optional().describe('Most errored spans (default 20).'),
  },
  async run(api, args) {
    const limit = args.limit ?? 20;
    const { traces, skippedTraces } = await tracesToScan(api, args.traceId, true, args.lastTraces ?? 5);
    const errors = [];
    let total = 0;
    for (const trace of traces) {
      for (const span of trace.spans) {
        if (span.status !== 'error') continue;
        total++;
        if (errors.length < limit) errors.push(describeError(span));
      }
    }
    const shown = takeWithinBudget(errors, 0, limit, MAX_ANSWER_CHARS);
    return { tracesRead: traces.map((t) => t.traceId), ...(skippedTraces > 0 ? { skippedTraces } : {}), errors: shown, totalErrors: total };
  },
});

function spanText(span: Span): string {
  return [
    span.name,
    span.statusMessage,
    span.model,
    span.toolName,
    span.agentName,
    JSON.stringify(span.attributes),
    JSON.stringify(span.messages),
    JSON.stringify(span.tool ?? null),
    JSON.stringify(span.error ?? null),
  ]
    .filter((part): part is string => typeof part === 'string')
    .join('\n')
    .toLowerCase();
}

/** A few words around the first match, so the model sees why a span matched. */
function snippet(text: string, wanted: string): string | undefined {
  const at = text.indexOf(wanted);
  if (at < 0) return undefined;
  const start = Math.max(0, at - 60);
  return `${start > 0 ? '…' : ''}${text.slice(start, at + wanted.length + 60)}${at + wanted.length + 60 < text.length ? '…' : ''}`;
}

export const searchSpansTool = defineTool({
  name: 'search_spans',
  title: 'Search spans',
  description:
    'Finds spans by text (in names, attributes, messages, tool calls, errors; case-insensitive), kind, status and slowness ' +
    '(minDurationMs), in one trace or the newest ones (lastTraces, default 10). Answers compact rows, slowest first when minDurationMs is set; ' +
    `at most ${MAX_SEARCH_RESULTS} per answer.`,
  inputSchema: {
    text: z.string().max(1000).optional(),
    kind: z.enum(SPAN_KINDS as [SpanKind, ...SpanKind[]]).optional(),
    status: z.enum(['ok', 'error', 'unset']).optional(),
    minDurationMs: z.number().min(0).optional().describe('Only spans that took at least this long.'),
    traceId: z.string().optional(),
    lastTraces: z.number().int().min(1).max(MAX_SCANNED_TRACES).optional(),
    limit: z.number().int().min(1).max(MAX_SEARCH_RESULTS).optional().describe('Most spans (default 30).'),
  },
  async run(api, args) {
    const limit = args.limit ?? 30;
    const wanted = args.text?.toLowerCase();
    const { traces, skippedTraces } = await tracesToScan(api, args.traceId, args.status === 'error', args.lastTraces ?? 10);
    const matches: { span: Span; match?: string }[] = [];
    let total = 0;
    for (const trace of traces) {
      for (const span of trace.spans) {
        if (args.kind && span.kind !== args.kind) continue;
        if (args.status && span.status !== args.status) continue;
        if (args.minDurationMs !== undefined && span.durationMs < args.minDurationMs) continue;
        let match: string | undefined;
        if (wanted) {
          match = snippet(spanText(span), wanted);
          if (match === undefined) continue;
        }
        total++;
        matches.push({ span, match });
      }
    }
    if (args.minDurationMs !== undefined) matches.sort((a, b) => b.span.durationMs - a.span.durationMs);
    const rows = matches.slice(0, limit).map(({ span, match }) => ({
      traceId: span.traceId,
      spanId: span.spanId,
      name: clip(span.name, MAX_NAME_CHARS),
      kind: span.kind,
      status: span.status,
      durationMs: round(span.durationMs, 1),
      tokens: span.tokens.total,
      ...(span.model ? { model: span.model } : {}),
      ...(match ? { match } : {}),
    }));
    const shown = takeWithinBudget(rows, 0, limit, MAX_ANSWER_CHARS);
    return { tracesRead: traces.length, ...(skippedTraces > 0 ? { skippedTraces } : {}), spans: shown, totalMatches: total };
  },
});
