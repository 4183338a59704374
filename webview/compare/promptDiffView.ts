import type { ModelCallDiff, TextSectionDiff } from '../../src/model/compareTypes';
import { h } from '../dom/element';

function sectionView(section: TextSectionDiff): HTMLElement {
  const text = h('pre', { className: 'prompt-diff-text' });
  for (const part of section.parts) {
    // Untrusted prompt text: always text nodes, inside <ins>/<del> for the changed words.
    if (part.op === 'same') text.append(h('span', { text: part.text }));
    else if (part.op === 'added') text.append(h('ins', { className: 'word-added', text: part.text }));
    else text.append(h('del', { className: 'word-removed', text: part.text }));
  }
  return h(
    'section',
    { className: `prompt-diff-section section-${section.status}`, attrs: { 'data-label': section.label, 'data-status': section.status } },
    h('h3', null, h('span', { text: section.label }), h('span', { className: `diff-badge badge-${section.status}`, text: section.status })),
    text,
  );
}

/** Model, parameters and each prompt and output section of two model calls, changed words marked. */
export function promptDiffView(diff: ModelCallDiff): HTMLElement {
  const facts = h('dl', { className: 'prompt-diff-facts' });
  facts.append(
    h('dt', { text: 'Model' }),
    h('dd', { text: diff.model.changed ? `${diff.model.a ?? '—'} → ${diff.model.b ?? '—'}` : (diff.model.a ?? '—') }),
  );
  for (const p of diff.parameters)
    facts.append(h('dt', { text: p.key }), h('dd', { className: 'parameter-changed', text: `${p.a ?? '—'} → ${p.b ?? '—'}` }));
  const changedFirst = [...diff.sections].sort((x, y) => Number(x.status === 'same') - Number(y.status === 'same'));
  return h('div', { className: 'prompt-diff' }, facts, ...changedFirst.map(sectionView));
}
