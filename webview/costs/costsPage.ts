import type { CostOverview, CostRow } from '../../src/model/costTypes';
import { formatCost, formatCount, formatDuration, formatShare } from '../../src/model/formatValues';
import { localDay } from '../../src/model/localDay';
import type { Actions } from '../app/actions';
import { pageHeader } from '../app/pageHeader';
import { button, h } from '../dom/element';
import { costChart, SERIES_CLASSES } from './costChart';
import { type CostRange, exportFileName, overviewCsv, rangeQuery, type RangeChoice, runRates, stackDays } from './costsModel';

const REFRESH_AFTER_CHANGE_MS = 3000;
const RANGES: [RangeChoice, string][] = [
  ['today', 'Today'],
  ['7d', '7 days'],
  ['30d', '30 days'],
  ['custom', 'Custom'],
];

/** Cost and health over time, from the durable history: chart, totals, rates, latency and the costliest agents, models and span names. */
export class CostsPage {
  readonly element: HTMLElement;
  private readonly controls: HTMLElement;
  private readonly content: HTMLElement;
  private range: CostRange;
  private stackBy: 'agent' | 'model' = 'agent';
  private overview: CostOverview | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly actions: Actions) {
    const today = localDay(Date.now());
    this.range = { choice: '30d', fromDay: today, toDay: today };
    this.controls = h('div', { className: 'costs-controls' });
    this.content = h('div', { className: 'costs-content', text: 'Loading…' });
    this.element = h(
      'div',
      { className: 'costs-page', attrs: { 'data-state': 'loading' } },
      pageHeader(actions, 'costs'),
      h('h1', { className: 'page-title', text: 'Costs and health over time' }),
      this.controls,
      this.content,
    );
    this.renderControls();
    const refreshSoon = () => {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.start();
      }, REFRESH_AFTER_CHANGE_MS);
    };
    this.unsubscribe = actions.onTraceChange(refreshSoon, refreshSoon);
  }

  async start(): Promise<void> {
    try {
      this.overview = await this.actions.query('costOverview', rangeQuery(this.range, Date.now()));
      this.render(this.overview);
      this.element.dataset.state = 'ready';
    } catch (error) {
      this.content.textContent = `Could not load the costs: ${error instanceof Error ? error.message : String(error)}`;
      this.element.dataset.state = 'error';
    }
  }

  dispose(): void {
    this.unsubscribe();
    clearTimeout(this.timer);
  }

  private renderControls(): void {
    const choose = (choice: RangeChoice) => {
      this.range = { ...this.range, choice };
      this.renderControls();
      void this.start();
    };
    const ranges = h(
      'div',
      { className: 'segmented', attrs: { role: 'group', 'aria-label': 'Range' } },
      ...RANGES.map(([choice, label]) =>
        button(label, () => choose(choice), { className: choice === this.range.choice ? 'selected' : '' }),
      ),
    );
    const custom =
      this.range.choice === 'custom'
        ? h(
            'span',
            { className: 'custom-range' },
            this.dateInput('from', this.range.fromDay),
            ' to ',
            this.dateInput('to', this.range.toDay),
          )
        : null;
    const stack = h(
      'div',
      { className: 'segmented', attrs: { role: 'group', 'aria-label': 'Stack by' } },
      h('span', { className: 'label', text: 'Stack by' }),
      ...(['agent', 'model'] as const).map((by) =>
        button(
          by === 'agent' ? 'Agent' : 'Model',
          () => {
            this.stackBy = by;
            this.renderControls();
            if (this.overview) this.render(this.overview);
          },
          { className: by === this.stackBy ? 'selected' : '' },
        ),
      ),
    );
    const exports = h(
      'div',
      { className: 'segmented' },
      button('CSV', () => this.export('csv'), {
        icon: 'desktop-download',
        title: this.actions.inVsCode ? 'Copy as CSV' : 'Download as CSV',
      }),
      button('JSON', () => this.export('json'), { icon: 'json', title: this.actions.inVsCode ? 'Copy as JSON' : 'Download as JSON' }),
    );
    this.controls.replaceChildren(ranges, custom ?? '', stack, exports);
  }

  private dateInput(which: 'from' | 'to', value: string): HTMLInputElement {
    const input = h('input', {
      className: 'date-input',
      attrs: { type: 'date', value, 'aria-label': which === 'from' ? 'From day' : 'To day' },
    });
    input.addEventListener('change', () => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(input.value)) return;
      this.range = which === 'from' ? { ...this.range, fromDay: input.value } : { ...this.range, toDay: input.value };
      void this.start();
    });
    return input;
  }

  private export(kind: 'csv' | 'json'): void {
    const overview = this.overview;
    if (!overview) return;
    const text = kind === 'csv' ? overviewCsv(overview) : JSON.stringify(overview, null, 2);
    if (this.actions.inVsCode) {
      // Webviews cannot download files; the clipboard takes the export instead.
      void navigator.clipboard.writeText(text).then(() => this.flash(`Copied the ${kind.toUpperCase()} export.`));
      return;
    }
    const url = URL.createObjectURL(new Blob([text], { type: kind === 'csv' ? 'text/csv' : 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = exportFileName(overview, kind);
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  private flash(message: string): void {
    const note = h('span', { className: 'costs-note', text: message, attrs: { role: 'status' } });
    this.controls.append(note);
    setTimeout(() => note.remove(), 2500);
  }

  private render(o: CostOverview): void {
    const t = o.totals;
    const rates = runRates(t);
    const tile = (label: string, value: string, detail?: string) =>
      h(
        'div',
        { className: 'cost-tile' },
        h('div', { className: 'tile-label', text: label }),
        h('div', { className: 'tile-value', text: value }),
        detail ? h('div', { className: 'tile-detail', text: detail }) : null,
      );
    const tiles = h(
      'div',
      { className: 'cost-tiles' },
      tile(
        'Total cost',
        formatCost(t.costUsd),
        t.unpricedCalls > 0 ? `${formatCount(t.unpricedCalls)} calls without a price` : `${o.fromDay} to ${o.toDay}`,
      ),
      tile('Daily average', formatCost(o.dailyAverageUsd), `over ${formatCount(o.days)} ${o.days === 1 ? 'day' : 'days'}`),
      tile('Runs', formatCount(t.runs), `${formatCount(t.llmCalls)} model calls`),
      tile('Cost per run', o.costPerRunUsd === null ? '—' : formatCost(o.costPerRunUsd)),
      tile(
        'Success rate',
        rates ? formatShare(rates.success) : '—',
        rates ? `${formatShare(rates.error)} failed · ${formatShare(rates.timeout)} timed out` : undefined,
      ),
      tile(
        'Tokens per second',
        t.outputTokensPerSecond === null ? '—' : formatCount(Math.round(t.outputTokensPerSecond)),
        'output, model calls',
      ),
    );
    const tokens = h(
      'div',
      { className: 'cost-tokens' },
      h('h2', { text: 'Tokens by type' }),
      h(
        'dl',
        { className: 'token-types' },
        ...(
          [
            ['Input', t.tokens.input],
            ['Output', t.tokens.output],
            ['Cache read', t.tokens.cacheRead],
            ['Cache write', t.tokens.cacheWrite],
            ['Reasoning', t.tokens.reasoning],
            ['Total', t.tokens.total],
          ] as const
        ).flatMap(([label, value]) => [h('dt', { text: label }), h('dd', { text: formatCount(value) })]),
      ),
    );
    const stack = stackDays(this.stackBy === 'agent' ? o.dailyByAgent : o.dailyByModel);
    const legend = h(
      'ul',
      { className: 'cost-legend' },
      ...stack.keys.map((key, i) =>
        h('li', null, h('span', { className: `swatch series-${i % SERIES_CLASSES}` }), h('span', { text: key })),
      ),
    );
    const chartWidth = Math.max(320, (this.element.clientWidth || 900) - 40);
    const chart = h(
      'section',
      { className: 'cost-chart-section' },
      h('h2', { text: `Cost per day by ${this.stackBy}` }),
      t.costUsd > 0 ? costChart(stack, chartWidth) : h('p', { className: 'empty', text: 'No cost recorded in this range.' }),
      legend,
    );
    this.content.replaceChildren(
      tiles,
      chart,
      tokens,
      rowsTable('By agent', 'Agent', o.byAgent, t.costUsd, 'Run duration'),
      rowsTable('By model', 'Model', o.byModel, t.costUsd, 'Call duration'),
      namesTable(o),
    );
  }
}

function rowsTable(title: string, keyLabel: string, rows: readonly CostRow[], total: number, latency: string): HTMLElement {
  const head = [keyLabel, 'Runs', 'Model calls', 'Tokens', 'Cost', 'Share', 'Cost per run', 'Errors', `${latency} p50`, 'p95', 'p99'];
  return h(
    'section',
    { className: 'cost-table-section' },
    h('h2', { text: title }),
    h(
      'table',
      { className: 'breakdown-table cost-table' },
      h('thead', null, h('tr', null, ...head.map((label, i) => h('th', { text: label, className: i > 0 ? 'numeric' : '' })))),
      h(
        'tbody',
        null,
        ...rows.map((r) =>
          h(
            'tr',
            null,
            h('td', { text: r.key, title: r.key }),
            ...[
              formatCount(r.runs),
              formatCount(r.llmCalls),
              formatCount(r.tokens.total),
              formatCost(r.costUsd),
              total > 0 ? formatShare(r.costUsd / total) : '—',
              r.runs > 0 ? formatCost(r.costUsd / r.runs) : '—',
              formatCount(r.errors),
              r.p50Ms === null ? '—' : formatDuration(r.p50Ms),
              r.p95Ms === null ? '—' : formatDuration(r.p95Ms),
              r.p99Ms === null ? '—' : formatDuration(r.p99Ms),
            ].map((text) => h('td', { className: 'numeric', text })),
          ),
        ),
      ),
    ),
  );
}

function namesTable(o: CostOverview): HTMLElement {
  return h(
    'section',
    { className: 'cost-table-section' },
    h('h2', { text: 'Costliest span names' }),
    h(
      'table',
      { className: 'breakdown-table cost-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ...['Span name', 'Spans', 'Cost', 'Share', 'Mean duration', 'Errors'].map((label, i) =>
            h('th', { text: label, className: i > 0 ? 'numeric' : '' }),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        ...o.topNames.map((n) =>
          h(
            'tr',
            null,
            h('td', { text: n.name, title: n.name }),
            ...[formatCount(n.spans), formatCost(n.costUsd), formatShare(n.share), formatDuration(n.meanMs), formatCount(n.errors)].map(
              (text) => h('td', { className: 'numeric', text }),
            ),
          ),
        ),
      ),
    ),
  );
}
