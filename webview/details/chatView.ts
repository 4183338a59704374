import type { Message } from '../../src/model/traceTypes';
import { h, icon } from '../dom/element';
import { foldedTextView } from './foldedTextView';
import { messageViews, type MessageBlock, type MessageView } from './messageView';

const ROLE_ICONS: Record<MessageView['roleClass'], string> = {
  system: 'settings-gear',
  user: 'account',
  assistant: 'hubot',
  tool: 'tools',
  other: 'comment',
};

function blockView(block: MessageBlock): HTMLElement {
  switch (block.kind) {
    case 'text':
      return foldedTextView(block.body, 'text-block chat-text');
    case 'toolCall': {
      const summary = h('summary', null, icon('symbol-method'), h('span', { className: 'tool-name', text: block.name }));
      if (block.callId) summary.append(h('span', { className: 'call-id', text: block.callId }));
      // Open: the arguments are what a tool call is about (long ones are folded inside).
      const call = h('details', { className: 'tool-call' }, summary, foldedTextView(block.arguments, 'text-block json'));
      call.open = true;
      return call;
    }
    case 'toolResult': {
      const summary = h('summary', null, icon('output'), h('span', { text: 'Result' }));
      if (block.callId) summary.append(h('span', { className: 'call-id', text: block.callId }));
      const result = h('details', { className: 'tool-result' }, summary, foldedTextView(block.result, 'text-block json'));
      result.open = true;
      return result;
    }
    case 'reasoning':
      return h(
        'details',
        { className: 'reasoning' },
        h('summary', null, icon('lightbulb'), h('span', { text: 'Reasoning' })),
        foldedTextView(block.body, 'text-block chat-text'),
      );
    case 'other':
      return foldedTextView(block.body, 'text-block json');
  }
}

function messageView(view: MessageView): HTMLElement {
  const header = h(
    'div',
    { className: 'chat-header' },
    icon(ROLE_ICONS[view.roleClass]),
    h('span', { className: 'chat-role', text: view.title }),
  );
  if (view.finishReason) header.append(h('span', { className: 'chat-finish', text: `finish: ${view.finishReason}` }));
  const body = h('div', { className: 'chat-body' }, ...view.blocks.map(blockView));
  if (view.blocks.length === 0) body.append(h('span', { className: 'muted', text: '(empty)' }));
  return h('div', { className: `chat-message role-${view.roleClass}` }, header, body);
}

/** The conversation of a model call: the prompt messages, then the response. */
export function chatView(input: readonly Message[], output: readonly Message[]): HTMLElement {
  const container = h('div', { className: 'chat' });
  for (const view of messageViews(input)) container.append(messageView(view));
  if (output.length > 0) {
    container.append(h('div', { className: 'chat-divider', text: 'Response' }));
    for (const view of messageViews(output)) container.append(messageView(view));
  }
  return container;
}
