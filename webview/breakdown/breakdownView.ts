import type { Breakdown, BreakdownRow } from '../../src/model/traceTypes';
import { h } from '../dom/element';
import { formatCost, formatCount, formatDuration, formatShare } from '../../src/model/formatValues';
import { SPAN_KIND_LABELS, safeKind } from '../../src/model/spanKinds';
import { barChart } from './barChart';
import {
  LATENCY_COLUMNS,
  breakdownTotalsText,
  USAGE_COLUMNS,
  nextSortOrder,
  sortBreakdownRows,
  topRows,
  type BreakdownColumn,
  type SortOrder,
} from './breakdownTable';

const SHOWN_ROWS = 100;
const MAX_ROWS = 2000;
const CHART_ROWS = 10;

function sortableTable(
  name: string,
  rows: readonly BreakdownRow[],
  columns: readonly BreakdownColumn[],
  initial: SortOrder,
  labelOf: (key: string) => string = (key) => key,
): HTMLElement {
  const holder = h('div', { className: 'breakdown-table-holder' });
  let order = initial;
  let limit = SHOWN_ROWS;
  const render = () => {
    const sorted = sortBreakdownRows(rows, order);
    const head = h('tr');
    for (const column of columns) {
      const active = column.key === order.key;
      const header = h('th', {
        className: `col-${column.key}${column.numeric ? ' numeric' : ''}`,
        attrs: { scope: 'col', 'aria-sort': active ? (order.descending ? 'descending' : 'ascending') : 'none' },
      });
      const sortButton = h('button', {
        className: 'sort-button',
        attrs: { type: 'button' },
        text: `${column.label}${active ? (order.descending ? ' ▾' : ' ▴') : ''}`,
      });
      sortButton.addEventListener('click', () => {
        order = nextSortOrder(order, column.key);
        render();
      });
      header.append(sortButton);
      head.append(header);
    }
    const body = h('tbody');
    for (const row of sorted.slice(0, limit)) {
      const tr = h('tr', { attrs: { 'data-key': row.key } });
      for (const column of columns) {
        const text = column.key === 'key' ? labelOf(row.key) : column.format(row);
        const cell = h('td', { className: `col-${column.key}${column.numeric ? ' numeric' : ''}`, text });
        if (column.key === 'share') {
          const meter = h('span', { className: 'share-meter' });
          meter.style.width = `${Math.max(0, Math.min(1, row.share)) * 100}%`;
          cell.prepend(meter);
        }
        tr.append(cell);
      }
      body.append(tr);
    }
    const table = h('table', { className: 'breakdown-table', attrs: { 'data-table': name } }, h('thead', null, head), body);
    const parts: Node[] = [table];
    if (sorted.length > limit && limit < MAX_ROWS) {
      const more = h('button', {
        className: 'link-button',
        attrs: { type: 'button' },
        text: `Show ${formatCount(Math.min(sorted.length, MAX_ROWS) - limit)} more of ${formatCount(sorted.length)}`,
      });
      more.addEventListener('click', () => {
        limit = MAX_ROWS;
        render();
      });
      parts.push(more);
    } else if (sorted.length > limit) {
      parts.push(h('div', { className: 'muted', text: `Showing the first ${formatCount(limit)} of ${formatCount(sorted.length)}.` }));
    }
    if (rows.length === 0) parts.splice(0, parts.length, h('div', { className: 'muted', text: 'Nothing recorded.' }));
    holder.replaceChildren(...parts);
  };
  render();
  return holder;
}

function chartWidth(): number {
  return Math.min(720, Math.max(320, document.documentElement.clientWidth - 80));
}

function block(title: string, ...content: Node[]): HTMLElement {
  return h('section', { className: 'breakdown-block' }, h('h3', { text: title }), ...content);
}

/** Latency, token and cost breakdowns of one trace or of every stored trace. */
export function breakdownView(breakdown: Breakdown): HTMLElement {
  const latencyOrder: SortOrder = { key: 'selfMs', descending: true };
  const usageOrder: SortOrder = { key: 'costUsd', descending: true };
  const totals = h('div', { className: 'breakdown-totals' }, h('span', { text: breakdownTotalsText(breakdown) }));
  const kindChart = barChart(
    topRows(breakdown.byKind, 'selfMs', CHART_ROWS).map((row) => ({
      label: SPAN_KIND_LABELS[safeKind(row.key)],
      value: row.selfMs,
      kind: row.key,
      valueText: `${formatDuration(row.selfMs)} · ${formatShare(row.share)}`,
    })),
    chartWidth(),
    'Self time by span kind',
  );
  const nameChart = barChart(
    topRows(breakdown.byName, 'selfMs', CHART_ROWS).map((row) => ({
      label: row.key,
      value: row.selfMs,
      kind: row.kind,
      valueText: formatDuration(row.selfMs),
    })),
    chartWidth(),
    'Self time by span name',
  );
  const costRows = breakdown.byModel.some((row) => row.costUsd > 0) ? 'costUsd' : 'tokens';
  const modelChart = barChart(
    topRows(breakdown.byModel, costRows, CHART_ROWS).map((row) => ({
      label: row.key,
      value: costRows === 'costUsd' ? row.costUsd : row.tokens,
      valueText: `${formatCost(row.costUsd)} · ${formatCount(row.tokens)} tok`,
    })),
    chartWidth(),
    'Cost and tokens by model',
  );
  return h(
    'div',
    { className: 'breakdown' },
    totals,
    block(
      'Latency by kind',
      kindChart,
      sortableTable('byKind', breakdown.byKind, LATENCY_COLUMNS, latencyOrder, (key) => SPAN_KIND_LABELS[safeKind(key)]),
    ),
    block('Latency by span name', nameChart, sortableTable('byName', breakdown.byName, LATENCY_COLUMNS, latencyOrder)),
    block('Latency by model', sortableTable('byModelLatency', breakdown.byModel, LATENCY_COLUMNS, latencyOrder)),
    block('Tokens and cost by model', modelChart, sortableTable('byModel', breakdown.byModel, USAGE_COLUMNS, usageOrder)),
    block('Tokens and cost by agent', sortableTable('byAgent', breakdown.byAgent, USAGE_COLUMNS, usageOrder)),
  );
}
