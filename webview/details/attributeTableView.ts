import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { Attributes } from '../../src/model/traceTypes';
import { h } from '../dom/element';
import { foldText } from './messageView';
import { foldedTextView } from './foldedTextView';
import { attributeRows } from './attributeRows';

const MAX_ROWS = 500;

function tableFor(attributes: Attributes, filter: string): HTMLElement {
  const rows = attributeRows(attributes, filter);
  const body = h('tbody');
  for (const row of rows.slice(0, MAX_ROWS)) {
    body.append(
      h(
        'tr',
        null,
        h('th', { className: 'attr-key', text: row.key, attrs: { scope: 'row' } }),
        h('td', { className: `attr-value type-${row.type}` }, foldedTextView(foldText(row.value), 'attr-text')),
      ),
    );
  }
  const table = h('table', { className: 'attr-table' }, body);
  if (rows.length === 0) return h('div', { className: 'muted', text: filter ? 'No attribute matches.' : 'No attributes.' });
  if (rows.length > MAX_ROWS)
    return h('div', null, table, h('div', { className: 'muted', text: `${rows.length - MAX_ROWS} more; narrow the filter.` }));
  return table;
}

/** A key/value table; with `searchable`, a filter field above it narrows rows by key or value. */
export function attributeTableView(attributes: Attributes, searchable: boolean): HTMLElement {
  if (!searchable) return tableFor(attributes, '');
  const holder = h('div', { className: 'attr-holder' }, tableFor(attributes, ''));
  const field = document.createElement('vscode-textfield') as VscodeTextfield;
  field.classList.add('attr-filter');
  field.setAttribute('placeholder', 'Filter attributes');
  field.setAttribute('aria-label', 'Filter attributes');
  field.addEventListener('input', () => holder.replaceChildren(tableFor(attributes, field.value)));
  return h('div', { className: 'attr-section' }, field, holder);
}
