import type { SessionSummary } from '../../src/model/sessionTypes';
import { formatCount, formatDateTime, formatDuration } from '../../src/model/formatValues';
import type { Actions } from '../app/actions';
import { LivePage } from '../app/livePage';
import { h } from '../dom/element';
import { hashForView } from '../host/viewRoute';
import { costText, tokenText } from './sessionText';

const REFRESH_AFTER_CHANGE_MS = 1000;

/** Sessions newest first: one row per coding-agent run or conversation, linking to its story. */
export class SessionListPage extends LivePage {
  constructor(actions: Actions) {
    super(actions, {
      className: 'session-list-page',
      contentClassName: 'session-list-content',
      tab: 'sessions',
      title: 'Sessions',
      what: 'the sessions',
      refreshAfterChangeMs: REFRESH_AFTER_CHANGE_MS,
    });
  }

  protected async load(): Promise<{ nodes: Node[] }> {
    const sessions = await this.actions.query('listSessions', { limit: 200 });
    return { nodes: [sessions.length === 0 ? h('p', { className: 'empty', text: 'No sessions yet.' }) : this.table(sessions)] };
  }

  private table(sessions: SessionSummary[]): HTMLElement {
    const header = h(
      'tr',
      null,
      ...['Session', 'Agent', 'Started', 'Duration', 'Turns', 'Model calls', 'Tool calls', 'Tokens', 'Cost', 'Errors'].map((label) =>
        h('th', { text: label }),
      ),
    );
    const rows = sessions.map((session) =>
      h(
        'tr',
        { className: session.errorCount > 0 ? 'error' : '', attrs: { 'data-session-id': session.sessionId } },
        h(
          'td',
          { className: 'col-name' },
          h('a', {
            className: 'session-link',
            text: session.sessionId,
            attrs: { href: hashForView({ page: 'session', sessionId: session.sessionId }) },
          }),
        ),
        h('td', { text: session.agent }),
        h('td', { text: formatDateTime(session.startTime) }),
        h('td', { text: formatDuration(session.endTime - session.startTime) }),
        h('td', { text: formatCount(session.turns) }),
        h('td', { text: formatCount(session.llmCalls) }),
        h('td', { text: formatCount(session.toolCalls) }),
        h('td', { text: tokenText(session.tokens) }),
        h('td', { text: costText(session) }),
        h('td', { text: formatCount(session.errorCount) }),
      ),
    );
    const table = h('table', { className: 'trace-table session-table' }, h('thead', null, header), h('tbody', null, ...rows));
    // Through the host, so the VS Code panel (which has no address bar) follows the link too.
    table.addEventListener('click', (event) => {
      const link = (event.target as Element | null)?.closest('a.session-link');
      const sessionId = link?.closest('tr')?.getAttribute('data-session-id');
      if (!link || !sessionId) return;
      event.preventDefault();
      this.actions.openSession(sessionId);
    });
    return table;
  }
}
