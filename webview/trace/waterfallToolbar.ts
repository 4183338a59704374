import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { SPAN_KINDS, type SpanKind } from '../../src/model/traceTypes';
import { button, h } from '../dom/element';
import { SPAN_KIND_LABELS } from '../../src/model/spanKinds';

export interface ToolbarHandlers {
  onSearch(query: string): void;
  onStep(direction: 1 | -1): void;
  onCriticalPath(show: boolean): void;
  onExpandAll(): void;
  onCollapseAll(): void;
  onResetZoom(): void;
}

/** Search, critical path, expand/collapse and zoom controls above the waterfall, and the colour legend. */
export class WaterfallToolbar {
  readonly element: HTMLElement;
  readonly search: VscodeTextfield;
  private readonly matchCount: HTMLSpanElement;
  private readonly critical: VscodeCheckbox;
  private readonly legend: HTMLElement;

  constructor(handlers: ToolbarHandlers) {
    this.search = document.createElement('vscode-textfield') as VscodeTextfield;
    this.search.classList.add('span-search');
    this.search.setAttribute('placeholder', 'Search spans  ( / )');
    this.search.setAttribute('aria-label', 'Search spans');
    let searchTimer: ReturnType<typeof setTimeout> | undefined;
    this.search.addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => handlers.onSearch(this.search.value), 120);
    });
    this.search.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        clearTimeout(searchTimer);
        handlers.onSearch(this.search.value);
        handlers.onStep(event.shiftKey ? -1 : 1);
      }
    });
    this.matchCount = h('span', { className: 'match-count', attrs: { 'aria-live': 'polite' } });
    this.critical = document.createElement('vscode-checkbox') as VscodeCheckbox;
    this.critical.classList.add('critical-toggle');
    this.critical.setAttribute('label', 'Critical path');
    this.critical.title = 'Highlight the chain of spans that sets the end-to-end time';
    this.critical.addEventListener('change', () => handlers.onCriticalPath(this.critical.checked));
    this.legend = h('div', { className: 'legend', attrs: { 'aria-label': 'Span kinds' } });
    this.element = h(
      'div',
      { className: 'wf-toolbar' },
      this.search,
      button('', () => handlers.onStep(-1), { icon: 'arrow-up', title: 'Previous match (Shift+Enter)', className: 'icon-button' }),
      button('', () => handlers.onStep(1), { icon: 'arrow-down', title: 'Next match (Enter)', className: 'icon-button' }),
      this.matchCount,
      h('span', { className: 'toolbar-gap' }),
      this.critical,
      button('', handlers.onExpandAll, { icon: 'expand-all', title: 'Expand all', className: 'icon-button' }),
      button('', handlers.onCollapseAll, { icon: 'collapse-all', title: 'Collapse all below the top level', className: 'icon-button' }),
      button('', handlers.onResetZoom, { icon: 'zoom-out', title: 'Show the whole trace (0)', className: 'icon-button' }),
      this.legend,
    );
  }

  setMatches(current: number, total: number, query: string): void {
    this.matchCount.textContent = query.trim() ? (total === 0 ? 'No matches' : `${current || '–'} of ${total}`) : '';
  }

  setCriticalPath(checked: boolean): void {
    this.critical.checked = checked;
  }

  /** One swatch per kind present in the trace. */
  setKinds(kinds: ReadonlySet<SpanKind>): void {
    this.legend.replaceChildren(
      ...SPAN_KINDS.filter((kind) => kinds.has(kind)).map((kind) =>
        h(
          'span',
          { className: 'legend-item' },
          h('span', { className: `wf-swatch kind-${kind}` }),
          h('span', { text: SPAN_KIND_LABELS[kind] }),
        ),
      ),
    );
  }
}
