import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { TraceQuery, TraceSummary } from '../../src/model/traceTypes';
import { isTraceId } from '../../src/model/ids';
import type { Actions } from '../app/actions';
import { h, icon } from '../dom/element';
import { formatAge, formatCost, formatCount, formatDateTime, formatDuration } from '../../src/model/formatValues';
import { hashForView } from '../host/viewRoute';
import { pageHeader } from '../app/pageHeader';
import { applyTraceChange, filterChoices } from '../../src/model/traceListModel';

const LIST_LIMIT = 500;

function select(label: string, onChange: (value: string) => void): HTMLSelectElement {
  const element = h('select', { className: 'filter-select', attrs: { 'aria-label': label } });
  element.addEventListener('change', () => onChange(element.value));
  return element;
}

function fillSelect(element: HTMLSelectElement, allLabel: string, values: readonly string[], selected: string | undefined): void {
  const options = [
    h('option', { text: allLabel, attrs: { value: '' } }),
    ...values.map((value) => h('option', { text: value, attrs: { value } })),
  ];
  if (selected && !values.includes(selected)) options.push(h('option', { text: selected, attrs: { value: selected } }));
  element.replaceChildren(...options);
  element.value = selected ?? '';
}

/** Every stored trace, newest first, kept live by store changes, with filters. */
export class TraceListPage {
  readonly element: HTMLElement;
  private readonly tableBody: HTMLTableSectionElement;
  private readonly status: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly serviceSelect: HTMLSelectElement;
  private readonly agentSelect: HTMLSelectElement;
  private readonly modelSelect: HTMLSelectElement;
  private query: TraceQuery;
  private traces: TraceSummary[] = [];
  private renderFrame = 0;
  private loadSeq = 0;
  private readonly unsubscribe: () => void;

  constructor(private readonly actions: Actions) {
    this.query = { ...(actions.savedState().listQuery ?? {}) };
    const search = document.createElement('vscode-textfield') as VscodeTextfield;
    search.classList.add('trace-search');
    search.setAttribute('placeholder', 'Filter by name, id, service, agent, model, session');
    search.setAttribute('aria-label', 'Filter traces');
    search.value = this.query.q ?? '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    search.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.setQuery({ q: search.value.trim() || undefined }), 200);
    });
    this.serviceSelect = select('Service', (value) => this.setQuery({ service: value || undefined }));
    this.agentSelect = select('Agent', (value) => this.setQuery({ agent: value || undefined }));
    this.modelSelect = select('Model', (value) => this.setQuery({ model: value || undefined }));
    const errorsOnly = document.createElement('vscode-checkbox') as VscodeCheckbox;
    errorsOnly.setAttribute('label', 'Errors only');
    errorsOnly.checked = this.query.status === 'error';
    errorsOnly.addEventListener('change', () => this.setQuery({ status: errorsOnly.checked ? 'error' : undefined }));
    this.status = h('span', { className: 'list-status', attrs: { 'aria-live': 'polite' } });
    const filters = h(
      'div',
      { className: 'list-filters' },
      search,
      this.serviceSelect,
      this.agentSelect,
      this.modelSelect,
      errorsOnly,
      this.status,
    );

    const headers = ['Trace', 'Service', 'Started', 'Duration', 'Spans', 'Errors', 'Tokens', 'Cost', 'Agents and models'];
    const numeric = new Set(['Duration', 'Spans', 'Errors', 'Tokens', 'Cost']);
    this.tableBody = h('tbody');
    const table = h(
      'table',
      { className: 'trace-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ...headers.map((label) => h('th', { text: label, className: numeric.has(label) ? 'numeric' : '', attrs: { scope: 'col' } })),
        ),
      ),
      this.tableBody,
    );
    this.tableBody.addEventListener('click', (event) => {
      if (!(event.target instanceof Element) || event.target.closest('a')) return;
      const id = event.target.closest<HTMLElement>('tr')?.dataset.traceId;
      if (id) actions.openTrace(id);
    });
    this.tableBody.addEventListener('keydown', (event) => {
      const id = (event.target as HTMLElement).closest<HTMLElement>('tr')?.dataset.traceId;
      if (event.key === 'Enter' && id && !(event.target instanceof HTMLAnchorElement)) actions.openTrace(id);
    });
    this.empty = h('div', { className: 'list-empty muted' });
    this.element = h(
      'div',
      { className: 'list-page', attrs: { 'data-state': 'loading' } },
      pageHeader(actions, 'list'),
      filters,
      h('div', { className: 'table-scroll' }, table, this.empty),
    );
    this.unsubscribe = actions.onTraceChange(
      (change) => {
        this.traces = applyTraceChange(this.traces, change, this.query, LIST_LIMIT);
        this.scheduleRender();
      },
      () => void this.load(),
    );
  }

  async start(): Promise<void> {
    await this.load();
  }

  dispose(): void {
    this.unsubscribe();
    cancelAnimationFrame(this.renderFrame);
  }

  private setQuery(patch: Partial<TraceQuery>): void {
    this.query = { ...this.query, ...patch };
    for (const key of Object.keys(this.query) as (keyof TraceQuery)[]) if (this.query[key] === undefined) delete this.query[key];
    this.actions.saveState({ listQuery: this.query });
    void this.load();
  }

  private async load(): Promise<void> {
    const seq = ++this.loadSeq;
    try {
      const traces = await this.actions.listTraces({ ...this.query, limit: LIST_LIMIT });
      if (seq !== this.loadSeq) return;
      this.traces = traces;
      this.element.dataset.state = 'ready';
      this.scheduleRender();
    } catch (error) {
      if (seq !== this.loadSeq) return;
      this.element.dataset.state = 'error';
      this.status.textContent = `Could not load traces: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private scheduleRender(): void {
    if (this.renderFrame) return;
    this.renderFrame = requestAnimationFrame(() => {
      this.renderFrame = 0;
      this.render();
    });
  }

  private render(): void {
    const now = Date.now();
    this.tableBody.replaceChildren(...this.traces.map((trace) => this.row(trace, now)));
    this.status.textContent = `${formatCount(this.traces.length)} trace${this.traces.length === 1 ? '' : 's'}`;
    const filtered = Object.keys(this.query).length > 0;
    this.empty.hidden = this.traces.length > 0;
    this.empty.textContent = filtered
      ? 'No trace matches these filters.'
      : `No traces yet. Point an OpenTelemetry exporter at ${location.origin}/v1/traces (HTTP) or the gRPC port, and runs appear here as they happen.`;
    // Filter choices come from what is listed plus the current selection.
    const choices = filterChoices(this.traces);
    fillSelect(this.serviceSelect, 'All services', choices.services, this.query.service);
    fillSelect(this.agentSelect, 'All agents', choices.agents, this.query.agent);
    fillSelect(this.modelSelect, 'All models', choices.models, this.query.model);
  }

  private row(trace: TraceSummary, now: number): HTMLTableRowElement {
    const link = isTraceId(trace.traceId)
      ? h('a', {
          className: 'trace-link',
          text: trace.name || '(unnamed trace)',
          attrs: { href: hashForView({ page: 'trace', traceId: trace.traceId }) },
        })
      : h('span', { text: trace.name || '(unnamed trace)' });
    const name = h('td', { className: 'col-name' }, link, h('div', { className: 'trace-id muted', text: trace.traceId }));
    const errors = h('td', { className: `numeric${trace.errorCount ? ' has-errors' : ''}` });
    if (trace.errorCount) errors.append(icon('error'));
    errors.append(formatCount(trace.errorCount));
    const tags = [...trace.agents, ...trace.models].join(' · ');
    return h(
      'tr',
      { attrs: { 'data-trace-id': trace.traceId, tabindex: 0 } },
      name,
      h('td', { text: trace.services.join(', ') || trace.service }),
      h('td', { text: formatAge(trace.startTime, now), title: formatDateTime(trace.startTime) }),
      h('td', { className: 'numeric', text: formatDuration(trace.durationMs) }),
      h('td', { className: 'numeric', text: formatCount(trace.spanCount) }),
      errors,
      h('td', { className: 'numeric', text: formatCount(trace.tokens.total) }),
      h('td', { className: 'numeric', text: formatCost(trace.costUsd) }),
      h('td', { className: 'col-tags', text: tags, title: tags }),
    );
  }
}
