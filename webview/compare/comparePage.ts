import type { CompareResult, CompareRow, GroupStats, SpanNameStats } from '../../src/model/compareTypes';
import { formatGroupFilter, parseGroupFilter } from '../../src/model/compare/groupFilter';
import { formatCost, formatDuration, formatShare, formatTokens } from '../../src/model/formatValues';
import { button, h } from '../dom/element';
import type { CompareSource } from './compareSource';
import { formatMetric, formatMetricDelta, formatPValue, formatRelative, VERDICT_LABELS } from './compareFormat';

const FILTER_HINT = 'service=…  agent=…  model=…  version=…  attr=key:value  from=…  to=…  traceIds=id,id';

interface Figure {
  label: string;
  value: (g: GroupStats) => number;
  format: (v: number) => string;
}

const FIGURES: readonly Figure[] = [
  { label: 'Runs', value: (g) => g.runs, format: (v) => String(v) },
  { label: 'Success rate', value: (g) => g.successRate, format: formatShare },
  { label: 'Error rate', value: (g) => g.errorRate, format: formatShare },
  { label: 'Duration p50', value: (g) => g.durationMs.p50, format: formatDuration },
  { label: 'Duration p95', value: (g) => g.durationMs.p95, format: formatDuration },
  { label: 'Duration p99', value: (g) => g.durationMs.p99, format: formatDuration },
  { label: 'Cost per run', value: (g) => g.costUsd.mean, format: formatCost },
  { label: 'Cost in total', value: (g) => g.costUsd.total, format: formatCost },
  { label: 'Input tokens per run', value: (g) => g.tokens.perRun.input, format: formatTokens },
  { label: 'Output tokens per run', value: (g) => g.tokens.perRun.output, format: formatTokens },
  { label: 'Cache read tokens per run', value: (g) => g.tokens.perRun.cacheRead, format: formatTokens },
  { label: 'Cache write tokens per run', value: (g) => g.tokens.perRun.cacheWrite, format: formatTokens },
  { label: 'Reasoning tokens per run', value: (g) => g.tokens.perRun.reasoning, format: formatTokens },
  { label: 'Model calls per run', value: (g) => g.modelCallsPerRun, format: (v) => String(Number(v.toPrecision(3))) },
  { label: 'Tool calls per run', value: (g) => g.toolCallsPerRun, format: (v) => String(Number(v.toPrecision(3))) },
];

function groupTable(result: CompareResult): HTMLElement {
  const head = h(
    'tr',
    null,
    h('th', { text: 'Figure' }),
    h('th', { className: 'numeric', text: 'A' }),
    h('th', { className: 'numeric', text: 'B' }),
  );
  const body = h('tbody');
  for (const figure of FIGURES) {
    body.append(
      h(
        'tr',
        null,
        h('td', { text: figure.label }),
        h('td', { className: 'numeric', text: figure.format(figure.value(result.a)) }),
        h('td', { className: 'numeric', text: figure.format(figure.value(result.b)) }),
      ),
    );
  }
  return h('table', { className: 'breakdown-table compare-groups' }, h('thead', null, head), body);
}

/** Per span name, both groups' percentiles, calls and error rate side by side (busiest first). */
function spanTable(result: CompareResult): HTMLElement {
  const key = (s: SpanNameStats) => `${s.kind}\u0000${s.name}`;
  const inB = new Map(result.b.spans.map((s) => [key(s), s]));
  const inA = new Map(result.a.spans.map((s) => [key(s), s]));
  const names = [...result.a.spans, ...result.b.spans.filter((s) => !inA.has(key(s)))];
  const head = h(
    'tr',
    null,
    h('th', { text: 'Span name' }),
    ...['p50', 'p95', 'p99', 'Calls per run', 'Errors'].flatMap((label) => [
      h('th', { className: 'numeric', text: `${label} A` }),
      h('th', { className: 'numeric', text: `${label} B` }),
    ]),
  );
  const body = h('tbody');
  const cells = (s: SpanNameStats | undefined, pick: (s: SpanNameStats) => string) =>
    h('td', { className: 'numeric', text: s ? pick(s) : '—' });
  for (const named of names) {
    const a = inA.get(key(named));
    const b = inB.get(key(named));
    body.append(
      h(
        'tr',
        { attrs: { 'data-span-name': named.name } },
        h('td', { text: named.name, title: named.kind }),
        ...([
          (s: SpanNameStats) => formatDuration(s.durationMs.p50),
          (s: SpanNameStats) => formatDuration(s.durationMs.p95),
          (s: SpanNameStats) => formatDuration(s.durationMs.p99),
          (s: SpanNameStats) => String(Number(s.callsPerRun.toPrecision(3))),
          (s: SpanNameStats) => formatShare(s.errorRate),
        ].flatMap((pick) => [cells(a, pick), cells(b, pick)]) as HTMLElement[]),
      ),
    );
  }
  return h('table', { className: 'breakdown-table compare-spans' }, h('thead', null, head), body);
}

function rowsTable(rows: readonly CompareRow[]): HTMLElement {
  const head = h(
    'tr',
    null,
    h('th', { text: 'Measure (per run)' }),
    h('th', { className: 'numeric', text: 'A' }),
    h('th', { className: 'numeric', text: 'B' }),
    h('th', { className: 'numeric', text: 'Change' }),
    h('th', { className: 'numeric', text: '%' }),
    h('th', { className: 'numeric', text: 'p (adjusted)' }),
    h('th', { text: 'Verdict' }),
  );
  const body = h('tbody');
  for (const row of rows) {
    const direction = row.delta > 0 ? 'up' : row.delta < 0 ? 'down' : 'flat';
    body.append(
      h(
        'tr',
        { className: `compare-row verdict-${row.verdict}`, attrs: { 'data-name': row.name, 'data-direction': direction } },
        h('td', { text: row.name }),
        h('td', { className: 'numeric', text: formatMetric(row.metric, row.a) }),
        h('td', { className: 'numeric', text: formatMetric(row.metric, row.b) }),
        h('td', { className: 'numeric', text: formatMetricDelta(row.metric, row.delta) }),
        h('td', { className: 'numeric', text: formatRelative(row) }),
        h('td', {
          className: 'numeric',
          text: formatPValue(row.qValue),
          title: row.pValue === null ? undefined : `p = ${formatPValue(row.pValue)} before correction`,
        }),
        h('td', { className: 'verdict', text: VERDICT_LABELS[row.verdict] }),
      ),
    );
  }
  return h('table', { className: 'breakdown-table compare-rows' }, h('thead', null, head), body);
}

/** Two groups of runs side by side, each measure's change, significant changes first. */
export class ComparePage {
  readonly element: HTMLElement;
  private readonly inputA: HTMLInputElement;
  private readonly inputB: HTMLInputElement;
  private readonly content: HTMLElement;

  constructor(
    private readonly source: CompareSource,
    filterA: string,
    filterB: string,
    header: HTMLElement | null,
  ) {
    const input = (label: string, value: string) =>
      h('input', {
        className: 'compare-filter',
        attrs: { type: 'text', value, placeholder: FILTER_HINT, 'aria-label': label, spellcheck: false },
      });
    this.inputA = input('Group A filter', filterA);
    this.inputB = input('Group B filter', filterB);
    const submit = () => this.source.show({ page: 'compare', a: this.inputA.value.trim(), b: this.inputB.value.trim() });
    for (const field of [this.inputA, this.inputB]) field.addEventListener('keydown', (e) => e.key === 'Enter' && submit());
    const form = h(
      'div',
      { className: 'compare-form' },
      h('label', null, h('span', { className: 'group-tag group-a', text: 'A' }), this.inputA),
      h('label', null, h('span', { className: 'group-tag group-b', text: 'B' }), this.inputB),
      button('Compare', submit, { icon: 'git-compare', className: 'compare-submit' }),
    );
    this.content = h('div', { className: 'compare-content' });
    this.element = h(
      'div',
      { className: 'compare-page', attrs: { 'data-state': 'loading' } },
      header,
      h('h1', { className: 'page-title', text: 'Compare groups of runs' }),
      form,
      this.content,
    );
  }

  async start(): Promise<void> {
    const a = parseGroupFilter(this.inputA.value.trim());
    const b = parseGroupFilter(this.inputB.value.trim());
    if (typeof a === 'string' || typeof b === 'string') {
      this.content.replaceChildren(
        h('p', { className: 'compare-error', text: `Group ${typeof a === 'string' ? 'A' : 'B'}: ${typeof a === 'string' ? a : b}` }),
      );
      this.element.dataset.state = 'error';
      return;
    }
    if (!formatGroupFilter(a) && !formatGroupFilter(b)) {
      this.content.replaceChildren(h('p', { className: 'compare-hint', text: `Choose two groups of runs by filter: ${FILTER_HINT}` }));
      this.element.dataset.state = 'ready';
      return;
    }
    this.content.replaceChildren(h('p', { text: 'Comparing…' }));
    try {
      const result = await this.source.compareGroups(a, b);
      const method = `Mann–Whitney U test on per-run values, false discovery rate ${formatShare(result.method.alpha)} (Benjamini–Hochberg); no call with fewer than ${result.method.minRuns} runs in a group.`;
      const significant = result.rows.filter((r) => r.significant).length;
      this.content.replaceChildren(
        groupTable(result),
        h('h2', { className: 'section-title', text: `Changes (${significant} significant)` }),
        h('p', { className: 'compare-method', text: method }),
        rowsTable(result.rows),
        h('h2', { className: 'section-title', text: 'Per span name' }),
        spanTable(result),
      );
      this.element.dataset.state = 'ready';
    } catch (error) {
      this.content.replaceChildren(
        h('p', { className: 'compare-error', text: `Could not compare: ${error instanceof Error ? error.message : String(error)}` }),
      );
      this.element.dataset.state = 'error';
    }
  }

  dispose(): void {}
}
