import type { CodeLocation, SpanError } from '../../src/model/traceTypes';
import { parseStackFrames, type StackFrame } from '../../src/model/stackFrames';
import { isRevealablePath } from '../../src/model/webviewMessages';
import { h, icon } from '../dom/element';
import { foldText } from './messageView';
import { foldedTextView } from './foldedTextView';

const SHOWN_FRAMES = 30;

function frameText(frame: StackFrame): string {
  const where = `${frame.filePath}${frame.line ? `:${frame.line}` : ''}${frame.column ? `:${frame.column}` : ''}`;
  return frame.function ? `${frame.function} — ${where}` : where;
}

function frameView(frame: StackFrame, reveal: ((location: CodeLocation) => void) | undefined): HTMLElement {
  const text = frameText(frame);
  const className = `stack-frame${frame.isUserCode ? ' user' : ' library'}`;
  if (!reveal || !frame.line || !isRevealablePath(frame.filePath)) return h('li', { className }, h('span', { text }));
  const link = h('button', { className: 'link-button', attrs: { type: 'button' }, title: 'Open this line in the editor', text });
  link.addEventListener('click', () =>
    reveal({ filePath: frame.filePath, line: frame.line, column: frame.column, function: frame.function, source: 'stacktrace' }),
  );
  return h('li', { className }, link);
}

/** An exception: type and message, then its stack frames (user frames first in weight, clickable in VS Code). */
export function exceptionView(error: SpanError, reveal: ((location: CodeLocation) => void) | undefined): HTMLElement {
  const container = h('div', { className: 'exception' });
  container.append(h('div', { className: 'exception-title' }, icon('error'), h('span', { text: error.type ?? 'Error' })));
  if (error.message) container.append(foldedTextView(foldText(error.message), 'text-block exception-message'));
  if (error.stacktrace) {
    const frames = parseStackFrames(error.stacktrace);
    if (frames.length > 0) {
      const list = h('ol', { className: 'stack-frames' }, ...frames.slice(0, SHOWN_FRAMES).map((frame) => frameView(frame, reveal)));
      container.append(list);
      if (frames.length > SHOWN_FRAMES)
        container.append(h('div', { className: 'muted', text: `${frames.length - SHOWN_FRAMES} more frames below.` }));
    }
    container.append(
      h(
        'details',
        { className: 'raw-stack' },
        h('summary', { text: 'Stack trace as recorded' }),
        foldedTextView(foldText(error.stacktrace), 'text-block'),
      ),
    );
  }
  return container;
}
