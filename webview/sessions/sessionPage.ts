import type { SessionDetail, SessionModelCall, SessionToolCall, SessionTurn } from '../../src/model/sessionTypes';
import type { AttributeValue } from '../../src/model/traceTypes';
import { formatClock, formatCost, formatCount, formatDateTime, formatDuration } from '../../src/model/formatValues';
import type { Actions } from '../app/actions';
import { LivePage } from '../app/livePage';
import { h } from '../dom/element';
import { costText, tokenText } from './sessionText';

const REFRESH_AFTER_CHANGE_MS = 1000;
/** Longest argument or result text shown before "show all". */
const PREVIEW_CHARS = 2_000;

/** One session as a story: its turns in order, each with the prompt, model calls, tool calls and errors. */
export class SessionPage extends LivePage {
  constructor(
    actions: Actions,
    readonly sessionId: string,
  ) {
    super(actions, {
      className: 'session-page',
      contentClassName: 'session-content',
      tab: 'sessions',
      what: 'the session',
      refreshAfterChangeMs: REFRESH_AFTER_CHANGE_MS,
    });
  }

  protected async load(): Promise<{ nodes: Node[]; state?: 'missing' }> {
    const session = await this.actions.query('getSession', this.sessionId);
    if (!session) {
      return {
        nodes: [h('p', { className: 'empty', text: `No session ${this.sessionId} (never received, or evicted).` })],
        state: 'missing',
      };
    }
    return { nodes: [this.header(session), ...session.turns.map((turn) => this.turn(turn))] };
  }

  private header(session: SessionDetail): HTMLElement {
    const fact = (label: string, value: string, className = '') =>
      h(
        'div',
        { className: `fact ${className}`.trim() },
        h('span', { className: 'fact-label', text: label }),
        h('span', { className: 'fact-value', text: value }),
      );
    return h(
      'section',
      { className: 'session-header' },
      h('h1', { className: 'page-title', text: `${session.agent} session` }),
      h('div', { className: 'session-id', text: session.sessionId }),
      h(
        'div',
        { className: 'facts session-facts' },
        fact('Started', formatDateTime(session.startTime)),
        fact('Duration', formatDuration(session.endTime - session.startTime)),
        fact('Turns', formatCount(session.turns.length)),
        fact('Model calls', formatCount(session.llmCalls)),
        fact('Tool calls', formatCount(session.toolCalls)),
        fact('Tokens', tokenText(session.tokens), 'session-tokens'),
        fact('Cost', costText(session), 'session-cost'),
        fact('Errors', formatCount(session.errorCount), session.errorCount > 0 ? 'error' : ''),
        fact('Traces', formatCount(session.traceIds.length)),
      ),
    );
  }

  private turn(turn: SessionTurn): HTMLElement {
    const items: { time: number; node: HTMLElement }[] = [
      ...turn.llmCalls.map((call) => ({ time: call.time, node: this.modelCall(call) })),
      ...turn.toolCalls.map((tool) => ({ time: tool.time, node: this.toolCall(tool) })),
    ].sort((a, b) => a.time - b.time);
    return h(
      'section',
      { className: 'session-turn', attrs: { 'data-turn': turn.index } },
      h(
        'h2',
        { className: 'turn-title' },
        h('span', { text: `Turn ${turn.index + 1}` }),
        h('span', {
          className: 'turn-meta',
          text: ` · ${formatClock(turn.startTime)} · ${formatDuration(turn.endTime - turn.startTime)} · ${tokenText(turn.tokens)} · ${formatCost(turn.costUsd)}`,
        }),
      ),
      turn.prompt !== undefined
        ? h('div', { className: 'turn-prompt' }, h('span', { className: 'chat-role', text: 'user' }), h('pre', { text: turn.prompt }))
        : h('div', { className: 'turn-prompt missing', text: 'The agent did not record the prompt (turn on its prompt logging).' }),
      h('ol', { className: 'turn-steps' }, ...items.map((item) => item.node)),
      turn.errors.length > 0
        ? h('ul', { className: 'turn-errors' }, ...turn.errors.map((message) => h('li', { className: 'error', text: message })))
        : null,
    );
  }

  private modelCall(call: SessionModelCall): HTMLElement {
    const cost =
      call.agentCostUsd !== undefined
        ? `${formatCost(call.agentCostUsd)} reported${call.computedCostUsd !== null && formatCost(call.computedCostUsd) !== formatCost(call.agentCostUsd) ? ` · Loupe's price ${formatCost(call.computedCostUsd)}` : ''}`
        : call.computedCostUsd === null
          ? 'unknown price'
          : formatCost(call.computedCostUsd);
    const step = h(
      'li',
      { className: `step model-call${call.error ? ' error' : ''}`, attrs: { 'data-source': call.source } },
      h('span', { className: 'step-kind', text: 'model' }),
      h('span', { className: 'step-name', text: call.model ?? 'model call' }),
      h('span', {
        className: 'step-meta',
        text: `${formatClock(call.time)}${call.durationMs !== undefined ? ` · ${formatDuration(call.durationMs)}` : ''} · ${tokenText(call.tokens)} · ${cost}`,
      }),
      call.error ? h('div', { className: 'step-error', text: call.error }) : null,
    );
    if (call.traceId && call.spanId) {
      const { traceId, spanId } = call;
      step.append(h('button', { className: 'step-open', text: 'Open span' }));
      step.querySelector('button')!.addEventListener('click', () => this.actions.openTrace(traceId, spanId));
    }
    return step;
  }

  private toolCall(tool: SessionToolCall): HTMLElement {
    const step = h(
      'li',
      { className: `step tool-call${tool.error ? ' error' : ''}`, attrs: { 'data-source': tool.source } },
      h('span', { className: 'step-kind', text: 'tool' }),
      h('span', { className: 'step-name', text: tool.name }),
      h('span', {
        className: 'step-meta',
        text: `${formatClock(tool.time)}${tool.durationMs !== undefined ? ` · ${formatDuration(tool.durationMs)}` : ''}`,
      }),
      payload('Arguments', tool.arguments),
      payload('Result', tool.result),
      tool.error ? h('div', { className: 'step-error', text: tool.error }) : null,
    );
    if (tool.traceId && tool.spanId) {
      const { traceId, spanId } = tool;
      const button = h('button', { className: 'step-open', text: 'Open span' });
      button.addEventListener('click', () => this.actions.openTrace(traceId, spanId));
      step.append(button);
    }
    return step;
  }
}

/** A tool's arguments or result, folded, as text. */
function payload(label: string, value: AttributeValue | undefined): HTMLElement | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  const shown = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
  return h(
    'details',
    { className: `step-payload payload-${label.toLowerCase()}` },
    h('summary', { text: label }),
    h('pre', { text: shown }),
  );
}
