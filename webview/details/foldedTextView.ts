import { h } from '../dom/element';
import { formatCount } from '../../src/model/formatValues';
import { revealInvisible } from '../../src/model/revealInvisible';
import type { FoldedText } from './messageView';

/** A block of untrusted text, shown as text; long ones start folded with a button to unfold. */
export function foldedTextView(folded: FoldedText, className = 'text-block'): HTMLElement {
  const pre = h('pre', { className, text: folded.preview ?? folded.text });
  // h() reveals invisible characters; the toggle below does the same for what it swaps in.
  if (folded.preview === undefined) return pre;
  pre.classList.add('folded');
  let open = false;
  const toggle = h('button', {
    className: 'link-button fold-toggle',
    attrs: { type: 'button', 'aria-expanded': 'false' },
    text: `Show all (${formatCount(folded.chars)} characters, ${formatCount(folded.lines)} lines)`,
  });
  toggle.addEventListener('click', () => {
    open = !open;
    pre.textContent = revealInvisible(open ? folded.text : (folded.preview ?? ''));
    pre.classList.toggle('folded', !open);
    toggle.textContent = open ? 'Show less' : `Show all (${formatCount(folded.chars)} characters, ${formatCount(folded.lines)} lines)`;
    toggle.setAttribute('aria-expanded', String(open));
  });
  return h('div', { className: 'fold' }, pre, toggle);
}
