import type { Actions } from './actions';
import { h, icon } from '../dom/element';
import { hashForView } from '../host/viewRoute';

/** The browser's top bar: product name and the top-level pages. None in VS Code, whose panel title says it. */
export function pageHeader(actions: Actions, current: 'list' | 'overview' | 'compare' | 'costs' | 'sessions'): HTMLElement | null {
  if (actions.inVsCode) return null;
  const tab = (page: 'list' | 'overview' | 'compare' | 'costs' | 'sessions', label: string) =>
    h('a', {
      className: `nav-link${current === page ? ' current' : ''}`,
      text: label,
      attrs: {
        href: hashForView(page === 'compare' ? { page, a: '', b: '' } : { page }),
        'aria-current': current === page ? 'page' : undefined,
      },
    });
  return h(
    'header',
    { className: 'page-header' },
    h('span', { className: 'product' }, icon('search'), h('span', { text: 'Loupe' })),
    h(
      'nav',
      null,
      tab('list', 'Traces'),
      tab('sessions', 'Sessions'),
      tab('overview', 'Across traces'),
      tab('compare', 'Compare'),
      tab('costs', 'Costs'),
    ),
  );
}
