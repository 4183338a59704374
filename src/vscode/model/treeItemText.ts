import type { TraceSummary } from '../../model/traceTypes';
import { formatAge, formatCost, formatDateTime, formatDuration, formatTokens, formatCount, formatSlowness } from '../../model/formatValues';
import { markdownText } from './markdownText';
import { SPAN_KIND_ICONS } from './spanKindIcons';
import { SPAN_KIND_LABELS } from '../../model/spanKinds';
import type { SpanNode } from './traceTreeModel';

export interface ItemText {
  label: string;
  description: string;
  /** A codicon id; `error` rows are shown in the error colour. */
  icon: string;
  error: boolean;
}

const SEPARATOR = ' · ';
const MAX_LABEL_CHARS = 200;

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_LABEL_CHARS ? `${flat.slice(0, MAX_LABEL_CHARS)}…` : flat;
}

/** Root span name, else the agent, else the id: what a user recognises a run by. */
export function traceTitle(summary: TraceSummary): string {
  return oneLine(summary.name || summary.agents[0] || `trace ${summary.traceId.slice(0, 8)}`);
}

function costText(costUsd: number, unpricedCalls: number): string | undefined {
  if (costUsd > 0) return formatCost(costUsd) + (unpricedCalls > 0 ? '+' : '');
  return undefined;
}

function tokensText(tokens: number): string | undefined {
  return tokens > 0 ? `${formatTokens(tokens)} tok` : undefined;
}

/**
 * Run numbers for traces that share a title (oldest #1), so repeated runs of one agent can be told
 * apart in the list; traces with a title of their own get none.
 */
export function runNumbers(summaries: readonly TraceSummary[]): Map<string, number> {
  const byTitle = new Map<string, TraceSummary[]>();
  for (const summary of summaries) {
    const title = traceTitle(summary);
    const runs = byTitle.get(title);
    if (runs) runs.push(summary);
    else byTitle.set(title, [summary]);
  }
  const numbers = new Map<string, number>();
  for (const runs of byTitle.values()) {
    if (runs.length < 2) continue;
    runs.sort((a, b) => a.startTime - b.startTime || a.traceId.localeCompare(b.traceId));
    runs.forEach((summary, index) => numbers.set(summary.traceId, index + 1));
  }
  return numbers;
}

/**
 * A trace row. The description leads with what a run cost (money, tokens, time) because a narrow
 * sidebar cuts its end; age, service, agent and span count are in the tooltip.
 */
export function traceItemText(summary: TraceSummary, now: number, runNumber?: number): ItemText {
  const errors = summary.errorCount > 0 ? `${formatCount(summary.errorCount)} ${summary.errorCount === 1 ? 'error' : 'errors'}` : undefined;
  const parts = [
    costText(summary.costUsd, summary.unpricedCalls),
    tokensText(summary.tokens.total),
    formatDuration(summary.durationMs),
    errors,
    // Without cost or tokens (plain services), when it ran is the next best way to tell runs apart.
    summary.costUsd > 0 || summary.tokens.total > 0 ? undefined : formatAge(summary.startTime, now),
    summary.slowSpans ? `${formatCount(summary.slowSpans)} slow` : undefined,
    summary.overBudget ? 'over run budget' : undefined,
  ];
  const error = summary.errorCount > 0;
  return {
    label: traceTitle(summary) + (runNumber ? ` #${runNumber}` : ''),
    description: oneLine(parts.filter((p): p is string => Boolean(p)).join(SEPARATOR)),
    icon: error ? 'error' : summary.overBudget ? 'warning' : summary.agents.length > 0 ? SPAN_KIND_ICONS.agent : 'pulse',
    error,
  };
}

export function spanItemText(span: SpanNode): ItemText {
  const detail = span.kind === 'tool' ? span.toolName : span.model;
  const own = [
    span.costUsd !== null && span.costUsd > 0 && !span.aggregate ? formatCost(span.costUsd) : undefined,
    span.aggregate ? undefined : tokensText(span.tokens.total),
    formatDuration(span.durationMs),
    span.slow ? `slow ${span.slow.ratio.toFixed(1)}×` : undefined,
    detail && !span.name.includes(detail) ? detail : undefined,
  ];
  const subtree = span.childIds.length > 0 && span.subtree ? subtreeText(span) : undefined;
  const error = span.status === 'error';
  return {
    label: oneLine(span.name || '(unnamed span)'),
    description: oneLine([...own, subtree].filter((p): p is string => Boolean(p)).join(SEPARATOR)),
    icon: error ? 'error' : (SPAN_KIND_ICONS[span.kind] ?? SPAN_KIND_ICONS.other),
    error,
  };
}

/** `Σ 2.1k tok $0.012` for the span and everything below it, when that adds to the span's own figures. */
function subtreeText(span: SpanNode): string | undefined {
  const sub = span.subtree!;
  const ownTokens = span.aggregate ? 0 : span.tokens.total;
  const ownCost = span.aggregate ? 0 : (span.costUsd ?? 0);
  if (sub.tokens <= ownTokens && sub.costUsd <= ownCost) return undefined;
  const parts = [tokensText(sub.tokens), costText(sub.costUsd, sub.unpricedCalls)].filter(Boolean);
  return parts.length > 0 ? `Σ ${parts.join(' ')}` : undefined;
}

function row(label: string, value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : `**${label}:** ${value}`;
}

function list(values: readonly string[]): string | undefined {
  return values.length === 0
    ? undefined
    : values
        .slice(0, 10)
        .map((v) => markdownText(v, 120))
        .join(', ') + (values.length > 10 ? ` and ${values.length - 10} more` : '');
}

function tokenDetail(tokens: { input: number; output: number; cacheRead: number; reasoning: number; total: number }): string | undefined {
  if (tokens.total <= 0) return undefined;
  const extra = [
    tokens.cacheRead > 0 ? `${formatCount(tokens.cacheRead)} cached` : '',
    tokens.reasoning > 0 ? `${formatCount(tokens.reasoning)} reasoning` : '',
  ].filter(Boolean);
  return `${formatCount(tokens.total)} (${formatCount(tokens.input)} in, ${formatCount(tokens.output)} out${extra.length ? `, ${extra.join(', ')}` : ''})`;
}

/**
 * Markdown for a trace row's tooltip. Every value from the trace goes through `markdownText`;
 * the host must still render it untrusted, without HTML.
 */
export function traceTooltipMarkdown(summary: TraceSummary, now: number): string {
  const cost = summary.costUsd > 0 || summary.unpricedCalls === 0 ? formatCost(summary.costUsd) : undefined;
  const lines = [
    `**${markdownText(traceTitle(summary))}**`,
    '',
    row('Service', list(summary.services.length ? summary.services : [summary.service])),
    row('Agents', list(summary.agents)),
    row('Models', list(summary.models)),
    row('Started', `${formatDateTime(summary.startTime)} (${formatAge(summary.startTime, now)})`),
    row('Duration', formatDuration(summary.durationMs)),
    row(
      'Spans',
      formatCount(summary.spanCount) + (summary.droppedSpans > 0 ? `, ${formatCount(summary.droppedSpans)} dropped at the span limit` : ''),
    ),
    row('Model calls', summary.llmCalls > 0 ? formatCount(summary.llmCalls) : undefined),
    row('Tokens', tokenDetail(summary.tokens)),
    row(
      'Cost',
      cost && markdownText(cost) + (summary.unpricedCalls > 0 ? ` (+ ${summary.unpricedCalls} calls without a known price)` : ''),
    ),
    row('Errors', summary.errorCount > 0 ? formatCount(summary.errorCount) : undefined),
    row('Slow spans', summary.slowSpans ? `${formatCount(summary.slowSpans)} much slower than usual` : undefined),
    row('Trace ID', `\`${summary.traceId.replace(/[^0-9a-zA-Z]/g, '')}\``),
  ];
  return lines.filter((line): line is string => line !== undefined).join('  \n');
}

export function spanTooltipMarkdown(span: SpanNode): string {
  const code = span.code?.filePath
    ? `${markdownText(span.code.filePath, 200)}${span.code.line ? `:${span.code.line}` : ''}${span.code.function ? ` in ${markdownText(span.code.function, 120)}` : ''}`
    : undefined;
  const errorText = span.error?.message ?? span.statusMessage;
  const lines = [
    `**${markdownText(span.name || '(unnamed span)')}** — ${SPAN_KIND_LABELS[span.kind] ?? 'Span'}`,
    '',
    row('Model', span.model && markdownText(span.model, 120) + (span.provider ? ` (${markdownText(span.provider, 60)})` : '')),
    row('Tool', span.toolName && markdownText(span.toolName, 120)),
    row('Agent', span.agentName && markdownText(span.agentName, 120)),
    row('Service', markdownText(span.service, 120)),
    row('Duration', formatDuration(span.durationMs)),
    row('Slow', span.slow && formatSlowness(span.slow)),
    row('Tokens', span.aggregate ? undefined : tokenDetail(span.tokens)),
    row(
      'Cost',
      span.costUsd === null ? 'unknown price' : span.costUsd > 0 && !span.aggregate ? markdownText(formatCost(span.costUsd)) : undefined,
    ),
    row('Below and including', span.childIds.length > 0 && span.subtree ? subtreeSummary(span) : undefined),
    row('Source', code),
    row(
      'Error',
      span.status === 'error' ? markdownText([span.error?.type, errorText].filter(Boolean).join(': ') || 'failed', 400) : undefined,
    ),
  ];
  return lines.filter((line): line is string => line !== undefined).join('  \n');
}

function subtreeSummary(span: SpanNode): string {
  const sub = span.subtree!;
  return [
    `${formatCount(sub.spanCount)} spans`,
    sub.tokens > 0 ? `${formatCount(sub.tokens)} tokens` : '',
    sub.costUsd > 0 ? markdownText(formatCost(sub.costUsd)) : '',
    sub.errorCount > 0 ? `${formatCount(sub.errorCount)} errors` : '',
  ]
    .filter(Boolean)
    .join(', ');
}
