import type { DiffRow, TraceDiff } from '../../src/model/compareTypes';
import { formatCost, formatDuration, formatTokens } from '../../src/model/formatValues';
import { button, h, icon } from '../dom/element';
import type { CompareSource } from './compareSource';
import { changedRowIndexes, diffBars, diffScale, visibleRange } from './diffLayout';
import { formatSignedCost, formatSignedDuration, formatSignedTokens } from './compareFormat';
import { promptDiffView } from './promptDiffView';

const ROW_HEIGHT = 24;
const INDENT_PX = 14;
const STATUS_MARK: Record<DiffRow['status'], string> = { same: ' ', changed: '~', added: '+', removed: '−' };
const STATUS_TITLE: Record<DiffRow['status'], string> = {
  same: 'In both runs, unchanged',
  changed: 'In both runs, changed',
  added: 'Only in run B',
  removed: 'Only in run A',
};

/**
 * Run A against run B: one waterfall pair, matched spans on one row, added and removed spans
 * marked, per-row changes of duration, tokens and cost; a selected model call shows its prompt diff.
 * Rows are virtualized (only the visible ones exist), so thousands of spans scroll smoothly.
 */
export class DiffPage {
  readonly element: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly body: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsLayer: HTMLElement;
  private readonly details: HTMLElement;
  private diff: TraceDiff | undefined;
  private scale = 1;
  private selected = -1;
  private changes: number[] = [];
  private frame = 0;
  private detailRequest = 0;

  constructor(
    private readonly source: CompareSource,
    readonly traceA: string,
    readonly traceB: string,
    header: HTMLElement | null,
  ) {
    this.summary = h('div', { className: 'diff-summary', text: 'Loading…' });
    this.spacer = h('div', { className: 'diff-spacer' });
    this.rowsLayer = h('div', { className: 'diff-rows' });
    this.body = h(
      'div',
      { className: 'diff-body', attrs: { tabindex: 0, role: 'grid', 'aria-label': 'Aligned spans of both runs' } },
      this.spacer,
      this.rowsLayer,
    );
    this.details = h('div', { className: 'diff-details', text: 'Select a row to see what changed.' });
    const columns = h(
      'div',
      { className: 'diff-columns' },
      h('span', { className: 'diff-col-name', text: 'Span' }),
      h('span', { className: 'diff-col-track', text: 'Run A' }),
      h('span', { className: 'diff-col-track', text: 'Run B' }),
      h('span', { className: 'diff-col-num', text: 'Δ time' }),
      h('span', { className: 'diff-col-num', text: 'Δ tokens' }),
      h('span', { className: 'diff-col-num', text: 'Δ cost' }),
    );
    const toolbar = h(
      'div',
      { className: 'diff-toolbar' },
      button('Previous change', () => this.step(-1), { icon: 'arrow-up' }),
      button('Next change', () => this.step(1), { icon: 'arrow-down' }),
      button('Open A', () => source.openTrace(traceA), { icon: 'go-to-file' }),
      button('Open B', () => source.openTrace(traceB), { icon: 'go-to-file' }),
    );
    this.element = h(
      'div',
      { className: 'diff-page', attrs: { 'data-state': 'loading' } },
      header,
      h('h1', { className: 'page-title', text: 'Run A against run B' }),
      this.summary,
      toolbar,
      h('div', { className: 'diff-split' }, h('div', { className: 'diff-waterfall' }, columns, this.body), this.details),
    );
    this.body.addEventListener('scroll', () => this.scheduleRender(), { passive: true });
    this.body.addEventListener('click', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('.diff-row');
      if (row?.dataset.index) this.select(Number(row.dataset.index));
    });
    this.body.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        this.select(Math.max(0, Math.min((this.diff?.rows.length ?? 1) - 1, this.selected + (event.key === 'ArrowDown' ? 1 : -1))));
      }
    });
  }

  async start(): Promise<void> {
    try {
      const diff = await this.source.diffTraces(this.traceA, this.traceB);
      if (!diff) {
        this.summary.textContent = 'One of the two runs is not stored (any more).';
        this.element.dataset.state = 'error';
        return;
      }
      this.diff = diff;
      this.scale = diffScale(diff.summary.a.durationMs, diff.summary.b.durationMs);
      this.changes = changedRowIndexes(diff.rows);
      this.summary.replaceChildren(...summaryFacts(diff));
      this.spacer.style.height = `${diff.rows.length * ROW_HEIGHT}px`;
      this.render();
      this.element.dataset.state = 'ready';
      if (this.changes.length) this.select(this.changes[0]);
    } catch (error) {
      this.summary.textContent = `Could not diff the runs: ${error instanceof Error ? error.message : String(error)}`;
      this.element.dataset.state = 'error';
    }
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.detailRequest++;
  }

  private scheduleRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const rows = this.diff?.rows ?? [];
    const { first, last } = visibleRange(this.body.scrollTop, this.body.clientHeight || 600, ROW_HEIGHT, rows.length);
    const out: HTMLElement[] = [];
    for (let i = first; i < last; i++) out.push(this.rowElement(rows[i], i));
    this.rowsLayer.replaceChildren(...out);
  }

  private rowElement(row: DiffRow, index: number): HTMLElement {
    const bars = diffBars(row, this.scale);
    const track = (bar: { left: number; width: number } | undefined, side: 'a' | 'b') => {
      const cell = h('span', { className: `diff-track track-${side}` });
      if (bar) {
        const el = h('span', { className: `diff-bar kind-${row.kind}` });
        el.style.left = `${bar.left}%`;
        el.style.width = `${bar.width}%`;
        cell.append(el);
      }
      return cell;
    };
    const name = h(
      'span',
      { className: 'diff-name', title: row.changes?.length ? `${row.name}: ${row.changes.join(', ')} changed` : row.name },
      h('span', { className: `diff-mark mark-${row.status}`, text: STATUS_MARK[row.status], title: STATUS_TITLE[row.status] }),
      h('span', { text: row.name }),
    );
    name.style.paddingLeft = `${4 + row.depth * INDENT_PX}px`;
    const element = h(
      'div',
      {
        className: `diff-row status-${row.status}${index === this.selected ? ' selected' : ''}`,
        attrs: { 'data-index': index, 'data-status': row.status, role: 'row', 'aria-selected': index === this.selected },
      },
      name,
      track(bars.a, 'a'),
      track(bars.b, 'b'),
      h('span', { className: `diff-num ${sign(row.durationDeltaMs)}`, text: formatSignedDuration(row.durationDeltaMs) }),
      h('span', { className: `diff-num ${sign(row.tokensDelta)}`, text: formatSignedTokens(row.tokensDelta) }),
      h('span', { className: `diff-num ${sign(row.costDelta)}`, text: formatSignedCost(row.costDelta) }),
    );
    element.style.top = `${index * ROW_HEIGHT}px`;
    return element;
  }

  private step(direction: 1 | -1): void {
    if (!this.changes.length) return;
    const next = direction > 0 ? this.changes.find((i) => i > this.selected) : [...this.changes].reverse().find((i) => i < this.selected);
    this.select(next ?? (direction > 0 ? this.changes[0] : this.changes[this.changes.length - 1]));
  }

  private select(index: number): void {
    const row = this.diff?.rows[index];
    if (!row) return;
    this.selected = index;
    const top = index * ROW_HEIGHT;
    if (top < this.body.scrollTop || top + ROW_HEIGHT > this.body.scrollTop + this.body.clientHeight) {
      this.body.scrollTop = Math.max(0, top - this.body.clientHeight / 3);
    }
    this.render();
    void this.showDetails(row);
  }

  private async showDetails(row: DiffRow): Promise<void> {
    const request = ++this.detailRequest;
    const facts = h(
      'dl',
      { className: 'diff-row-facts' },
      h('dt', { text: 'Span' }),
      h('dd', { text: row.name }),
      h('dt', { text: 'Status' }),
      h('dd', { text: STATUS_TITLE[row.status] + (row.changes?.length ? ` (${row.changes.join(', ')})` : '') }),
      h('dt', { text: 'Duration' }),
      h('dd', {
        text: `${row.durationA === undefined ? '—' : formatDuration(row.durationA)} → ${row.durationB === undefined ? '—' : formatDuration(row.durationB)}`,
      }),
      h('dt', { text: 'Δ tokens, cost' }),
      h('dd', { text: `${formatSignedTokens(row.tokensDelta) || '±0'}, ${formatSignedCost(row.costDelta) || '±$0'}` }),
    );
    this.details.replaceChildren(h('h2', { className: 'section-title', text: row.name }), facts);
    this.details.dataset.row = String(this.selected);
    if (!row.a || !row.b || (row.kind !== 'llm' && row.kind !== 'embedding' && !row.changes?.length)) return;
    const loading = h('p', { text: 'Loading the prompt diff…' });
    this.details.append(loading);
    try {
      const call = await this.source.diffModelCalls(this.traceA, row.a, this.traceB, row.b);
      if (request !== this.detailRequest) return;
      loading.replaceWith(call ? promptDiffView(call) : h('p', { text: 'The spans are no longer stored.' }));
    } catch (error) {
      if (request === this.detailRequest)
        loading.textContent = `Could not load the prompt diff: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}

function sign(value: number): string {
  return value > 0 ? 'more' : value < 0 ? 'less' : '';
}

function summaryFacts(diff: TraceDiff): HTMLElement[] {
  const { a, b } = diff.summary;
  const fact = (label: string, text: string, className = '') =>
    h('span', { className: `diff-fact ${className}`.trim() }, h('span', { className: 'fact-label', text: label }), h('span', { text }));
  return [
    h(
      'div',
      { className: 'diff-runs' },
      h('span', { className: 'group-tag group-a', text: 'A' }),
      h('span', { text: `${a.name} · ${a.traceId.slice(0, 8)}` }),
      icon('arrow-right'),
      h('span', { className: 'group-tag group-b', text: 'B' }),
      h('span', { text: `${b.name} · ${b.traceId.slice(0, 8)}` }),
    ),
    h(
      'div',
      { className: 'diff-facts' },
      fact('Same', String(diff.summary.same)),
      fact('Changed', String(diff.summary.changed), 'fact-changed'),
      fact('Added', String(diff.summary.added), 'fact-added'),
      fact('Removed', String(diff.summary.removed), 'fact-removed'),
      fact('Duration', `${formatDuration(a.durationMs)} → ${formatDuration(b.durationMs)}`),
      fact('Tokens', `${formatTokens(a.tokens)} → ${formatTokens(b.tokens)}`),
      fact('Cost', `${formatCost(a.costUsd)} → ${formatCost(b.costUsd)}`),
    ),
  ];
}
