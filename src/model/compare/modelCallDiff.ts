import { diffWordsWithSpace } from 'diff';
import type { DiffStatus, ModelCallDiff, TextDiffPart, TextSectionDiff } from '../compareTypes';
import { callContent, type ContentSpan, type LabelledText } from './callContent';

/** A word diff of two very different 64 KiB prompts can take long; past this the texts are shown whole. */
const WORD_DIFF_TIMEOUT_MS = 300;

/** Word-level diff; whitespace runs are tokens too, so the text reads back exactly. */
export function wordDiff(a: string, b: string): TextDiffPart[] {
  if (a === b) return a ? [{ op: 'same', text: a }] : [];
  const changes = diffWordsWithSpace(a, b, { timeout: WORD_DIFF_TIMEOUT_MS });
  if (!changes) {
    const whole: TextDiffPart[] = [];
    if (a) whole.push({ op: 'removed', text: a });
    if (b) whole.push({ op: 'added', text: b });
    return whole;
  }
  return changes.map((c) => ({ op: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }));
}

function section(label: string, a: string | undefined, b: string | undefined): TextSectionDiff {
  const status: DiffStatus = a === undefined ? 'added' : b === undefined ? 'removed' : a === b ? 'same' : 'changed';
  return { label, status, parts: wordDiff(a ?? '', b ?? '') };
}

function pairByIndex(a: readonly LabelledText[], b: readonly LabelledText[]): TextSectionDiff[] {
  const out: TextSectionDiff[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    out.push(section(b[i]?.label ?? a[i].label, a[i]?.text, b[i]?.text));
  }
  return out;
}

/**
 * The prompts and outputs of two matched model calls side by side: system prompt, each message
 * (paired by position, as a conversation grows by appending), tool definitions, each output; and
 * the change of model and request parameters.
 */
export function modelCallDiff(spanA: ContentSpan & { spanId: string }, spanB: ContentSpan & { spanId: string }): ModelCallDiff {
  const a = callContent(spanA);
  const b = callContent(spanB);
  const parameters: ModelCallDiff['parameters'] = [];
  for (const key of new Set([...a.parameters.keys(), ...b.parameters.keys()])) {
    const va = a.parameters.get(key);
    const vb = b.parameters.get(key);
    if (va !== vb) parameters.push({ key, a: va, b: vb });
  }
  const sections: TextSectionDiff[] = [];
  if (a.system || b.system) sections.push(section('system prompt', a.system || undefined, b.system || undefined));
  sections.push(...pairByIndex(a.messages, b.messages));
  if (a.tools || b.tools) sections.push(section('tool definitions', a.tools || undefined, b.tools || undefined));
  sections.push(...pairByIndex(a.outputs, b.outputs));
  if (a.toolCall || b.toolCall) sections.push(section('tool call', a.toolCall || undefined, b.toolCall || undefined));
  return {
    a: spanA.spanId,
    b: spanB.spanId,
    model: { a: a.model, b: b.model, changed: a.model !== b.model },
    parameters,
    sections,
  };
}
