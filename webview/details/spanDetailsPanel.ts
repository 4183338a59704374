import type { CodeLocation, Span, SpanLog } from '../../src/model/traceTypes';
import { isRevealablePath } from '../../src/model/webviewMessages';
import { append, h, icon } from '../dom/element';
import { formatClock, formatCost, formatCount, formatDuration, formatSlowness } from '../../src/model/formatValues';
import { SPAN_KIND_LABELS, safeKind } from '../../src/model/spanKinds';
import { attributeTableView } from './attributeTableView';
import { chatView } from './chatView';
import { exceptionView } from './exceptionView';
import { foldText, prettyJson } from './messageView';
import { foldedTextView } from './foldedTextView';
import { statusText, tokensLine } from './summaryText';

type TitleFields = Pick<Span, 'spanId' | 'name' | 'kind' | 'status'>;

export interface DetailsActions {
  readonly canRevealSource: boolean;
  revealSource(location: CodeLocation): void;
  readonly canReplay: boolean;
  replaySpan(traceId: string, spanId: string): void;
  openTrace(traceId: string, spanId?: string): void;
}

function section(title: string, open: boolean, ...content: (Node | string)[]): HTMLDetailsElement {
  const details = h('details', { className: 'detail-section' }, h('summary', { text: title }));
  details.open = open;
  append(details, ...content);
  return details;
}

function facts(pairs: [string, string | undefined | false][]): HTMLElement {
  const list = h('dl', { className: 'facts' });
  for (const [label, value] of pairs) {
    if (value === undefined || value === false || value === '') continue;
    list.append(h('dt', { text: label }), h('dd', { text: value }));
  }
  return list;
}

function locationText(code: CodeLocation): string {
  return `${code.filePath ?? ''}${code.line ? `:${code.line}` : ''}${code.column ? `:${code.column}` : ''}`;
}

function logView(log: SpanLog, spanStart: number): HTMLElement {
  const head = h(
    'div',
    { className: 'log-head' },
    h('span', { className: 'log-time', text: `+${formatDuration(log.time - spanStart)}` }),
    h('span', { className: 'log-severity', text: log.severityText ?? (log.severityNumber ? `severity ${log.severityNumber}` : '') }),
    h('span', { className: 'log-event', text: log.eventName ?? '' }),
  );
  const item = h('li', { className: 'log' }, head);
  if (log.body !== undefined && log.body !== null) item.append(foldedTextView(foldText(prettyJson(log.body)), 'text-block json'));
  if (Object.keys(log.attributes ?? {}).length > 0) item.append(attributeTableView(log.attributes, false));
  return item;
}

/** The panel beside the waterfall: everything about the selected span. */
export class SpanDetailsPanel {
  readonly element: HTMLElement;

  constructor(private readonly actions: DetailsActions) {
    this.element = h('aside', { className: 'details', attrs: { 'aria-label': 'Span details', tabindex: -1 } });
    this.showEmpty();
  }

  showEmpty(): void {
    this.element.replaceChildren(h('div', { className: 'details-empty muted', text: 'Select a span to see its details.' }));
  }

  showMessage(text: string): void {
    this.element.replaceChildren(h('div', { className: 'details-empty muted', text }));
  }

  /** What the waterfall row knows, while the full span is on its way. */
  showRow(span: TitleFields): void {
    this.element.replaceChildren(this.title(span), h('div', { className: 'muted loading', text: 'Loading span details…' }));
  }

  show(span: Span, traceStart: number): void {
    const content: Node[] = [this.title(span)];
    const toolbar = h('div', { className: 'details-actions' });
    if (this.actions.canReplay && span.kind === 'llm' && !span.aggregate) {
      const replay = h(
        'button',
        { className: 'loupe-button', attrs: { type: 'button' }, title: 'Edit this model call and run it again' },
        icon('debug-rerun'),
        h('span', { text: 'Replay…' }),
      );
      replay.addEventListener('click', () => this.actions.replaySpan(span.traceId, span.spanId));
      toolbar.append(replay);
    }
    if (span.code?.filePath) {
      const code = span.code;
      if (this.actions.canRevealSource && isRevealablePath(code.filePath)) {
        // The toolkit's button, so it takes the theme's secondary-button colours (high contrast included).
        const reveal = document.createElement('vscode-button');
        reveal.setAttribute('secondary', '');
        reveal.className = 'reveal-source';
        reveal.title = locationText(code);
        reveal.textContent = 'Reveal source';
        reveal.addEventListener('click', () => this.actions.revealSource(code));
        toolbar.append(reveal);
      }
      toolbar.append(h('span', { className: 'source-location', text: locationText(code) }));
    }
    if (toolbar.childElementCount > 0) content.push(toolbar);
    content.push(section('Summary', true, this.summary(span, traceStart)));

    const { input, output } = span.messages ?? { input: [], output: [] };
    if (input.length + output.length > 0)
      content.push(section(`Conversation (${input.length + output.length})`, true, chatView(input, output)));
    if (span.tool && (span.tool.name || span.tool.arguments !== undefined || span.tool.result !== undefined)) {
      const tool = h('div', { className: 'tool' });
      tool.append(
        facts([
          ['Tool', span.tool.name],
          ['Call id', span.tool.callId],
        ]),
      );
      if (span.tool.arguments !== undefined)
        tool.append(h('h4', { text: 'Arguments' }), foldedTextView(foldText(prettyJson(span.tool.arguments)), 'text-block json'));
      if (span.tool.result !== undefined)
        tool.append(h('h4', { text: 'Result' }), foldedTextView(foldText(prettyJson(span.tool.result)), 'text-block json'));
      content.push(section('Tool', true, tool));
    }
    if (span.error && (span.error.type || span.error.message || span.error.stacktrace)) {
      const reveal = this.actions.canRevealSource ? (location: CodeLocation) => this.actions.revealSource(location) : undefined;
      content.push(section('Exception', true, exceptionView(span.error, reveal)));
    }
    if (span.events?.length) {
      const list = h('ol', { className: 'events' });
      for (const event of span.events) {
        const item = h(
          'li',
          null,
          h(
            'div',
            { className: 'log-head' },
            h('span', { className: 'log-time', text: `+${formatDuration(event.time - span.startTime)}` }),
            h('span', { className: 'log-event', text: event.name }),
          ),
        );
        if (Object.keys(event.attributes ?? {}).length) item.append(attributeTableView(event.attributes, false));
        list.append(item);
      }
      content.push(section(`Events (${span.events.length})`, false, list));
    }
    if (span.logs?.length) {
      content.push(
        section(
          `Logs (${span.logs.length})`,
          false,
          h('ol', { className: 'logs' }, ...span.logs.map((log) => logView(log, span.startTime))),
        ),
      );
    }
    content.push(
      section(`Attributes (${Object.keys(span.attributes ?? {}).length})`, true, attributeTableView(span.attributes ?? {}, true)),
    );
    if (span.links?.length) {
      const list = h('ul', { className: 'links' });
      for (const link of span.links) {
        const open = h('button', { className: 'link-button', attrs: { type: 'button' }, text: `${link.traceId} / ${link.spanId}` });
        open.addEventListener('click', () => this.actions.openTrace(link.traceId, link.spanId));
        list.append(h('li', null, open));
      }
      content.push(section(`Links (${span.links.length})`, false, list));
    }
    content.push(section('Resource', false, attributeTableView(span.resource ?? {}, false)));
    const scroll = this.element.scrollTop;
    const sameSpan = this.element.dataset.spanId === span.spanId;
    this.element.replaceChildren(...content);
    this.element.dataset.spanId = span.spanId;
    if (sameSpan) this.element.scrollTop = scroll;
  }

  private title(span: TitleFields): HTMLElement {
    const kind = safeKind(span.kind);
    const status =
      span.status === 'error' ? h('span', { className: 'status-badge error' }, icon('error'), h('span', { text: 'Error' })) : null;
    return h(
      'header',
      { className: 'details-title' },
      h(
        'div',
        { className: 'details-kind' },
        h('span', { className: `wf-swatch kind-${kind}` }),
        h('span', { text: SPAN_KIND_LABELS[kind] }),
        status,
      ),
      h('h2', { className: 'details-name', text: span.name }),
      h('div', { className: 'details-id muted', text: `span ${span.spanId}` }),
    );
  }

  private summary(span: Span, traceStart: number): HTMLElement {
    const tokens = span.tokens;
    const rollup = span.rollup;
    const tokenText =
      tokens && tokens.total > 0
        ? [
            `${formatCount(tokens.input)} in`,
            `${formatCount(tokens.output)} out`,
            tokens.cacheRead ? `${formatCount(tokens.cacheRead)} cache read` : '',
            tokens.cacheWrite ? `${formatCount(tokens.cacheWrite)} cache write` : '',
            tokens.reasoning ? `${formatCount(tokens.reasoning)} reasoning` : '',
          ]
            .filter(Boolean)
            .join(' · ')
        : undefined;
    const model =
      span.responseModel && span.requestModel && span.responseModel !== span.requestModel
        ? `${span.requestModel} → ${span.responseModel}`
        : span.model;
    return facts([
      ['Duration', formatDuration(span.durationMs)],
      ['Slow', span.slow ? `${formatSlowness(span.slow)} (p95 of ${formatCount(span.slow.samples)} earlier spans)` : undefined],
      ['Self time', rollup ? formatDuration(rollup.selfTimeMs) : undefined],
      ['Starts at', `+${formatDuration(span.startTime - traceStart)} (${formatClock(span.startTime)})`],
      ['Status', statusText(span.status, span.statusMessage)],
      ['Model', model],
      ['Provider', span.provider],
      ['Finish reason', span.finishReason],
      [
        'Streaming',
        span.streaming
          ? `yes${span.timeToFirstTokenMs !== undefined ? `, first token after ${formatDuration(span.timeToFirstTokenMs)}` : ''}`
          : undefined,
      ],
      ['HTTP status', span.httpStatus !== undefined ? String(span.httpStatus) : undefined],
      ['Operation', span.operation],
      ['Tokens', tokensLine(span.kind, tokenText, span.usageReported)],
      ['Total tokens', tokens && tokens.total > 0 ? formatCount(tokens.total) : undefined],
      [
        'Cost',
        span.costUsd !== null && span.costUsd !== undefined
          ? `${formatCost(span.costUsd)} (${span.costSource === 'span' ? 'reported' : span.costSource})${
              span.computedCostUsd !== undefined && span.computedCostUsd !== span.costUsd
                ? ` · Loupe's price ${span.computedCostUsd === null ? 'unknown' : formatCost(span.computedCostUsd)}`
                : ''
            }`
          : span.kind === 'llm'
            ? 'unknown price'
            : undefined,
      ],
      [
        'Evaluations',
        span.evaluations
          ?.map(
            (e) =>
              `${e.name}${e.score !== undefined ? ` ${e.score}` : ''}${e.label ? ` (${e.label})` : ''}${e.explanation ? `: ${e.explanation}` : ''}`,
          )
          .join('; '),
      ],
      ['Runtime', span.runtime ? "bookkeeping span of the agent's runtime" : undefined],
      ['Agent', span.agentName],
      ['Service', span.service],
      ['Session', span.sessionId],
      ['User', span.userId],
      ['Span kind', span.otelKind],
      ['Scope', span.scope ? `${span.scope.name}${span.scope.version ? ` ${span.scope.version}` : ''}` : undefined],
      [
        'Below this span',
        rollup && rollup.spanCount > 1
          ? `${formatCount(rollup.spanCount - 1)} spans, ${formatCount(rollup.tokens.total)} tokens, ${formatCost(rollup.costUsd)}${rollup.errorCount ? `, ${rollup.errorCount} errors` : ''}`
          : undefined,
      ],
    ]);
  }
}
