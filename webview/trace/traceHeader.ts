import type { TraceSummary } from '../../src/model/traceTypes';
import { h, icon } from '../dom/element';
import { formatCost, formatCount, formatDateTime, formatDuration } from '../../src/model/formatValues';

function fact(name: string, label: string, value: string, title?: string): HTMLElement {
  return h(
    'span',
    { className: `trace-fact fact-${name}`, title, attrs: { 'data-fact': name } },
    h('span', { className: 'fact-label', text: label }),
    h('span', { className: 'fact-value', text: value }),
  );
}

/** The trace's name and totals: service, start, duration, spans, errors, tokens and cost. */
export function traceHeaderFacts(summary: TraceSummary): HTMLElement {
  const tokens = summary.tokens;
  const tokenTitle = `${formatCount(tokens.input)} input (${formatCount(tokens.cacheRead)} cached) · ${formatCount(tokens.output)} output (${formatCount(tokens.reasoning)} reasoning)`;
  const costText = `${formatCost(summary.costUsd)}${summary.unpricedCalls > 0 ? ` + ${summary.unpricedCalls} unpriced` : ''}`;
  const facts = h(
    'div',
    { className: 'trace-facts' },
    fact('service', 'Service', summary.services.length > 1 ? summary.services.join(', ') : summary.service),
    fact('start', 'Started', formatDateTime(summary.startTime)),
    fact('duration', 'Duration', formatDuration(summary.durationMs)),
    fact('spans', 'Spans', formatCount(summary.spanCount)),
    fact('errors', 'Errors', formatCount(summary.errorCount)),
    fact('llm', 'LLM calls', formatCount(summary.llmCalls)),
    fact('tokens', 'Tokens', formatCount(tokens.total), tokenTitle),
    fact('cost', 'Cost', costText, summary.unpricedCalls > 0 ? 'Some model calls have no known price' : undefined),
  );
  if (summary.errorCount > 0) facts.querySelector('.fact-errors')?.classList.add('has-errors');
  const warnings: string[] = [];
  if (summary.orphanCount > 0) warnings.push(`${formatCount(summary.orphanCount)} spans whose parent has not arrived`);
  if (summary.droppedSpans > 0) warnings.push(`${formatCount(summary.droppedSpans)} spans dropped over the per-trace limit`);
  if (warnings.length) facts.append(h('span', { className: 'trace-warning' }, icon('warning'), h('span', { text: warnings.join(' · ') })));
  return facts;
}
