import type { Message } from './traceTypes';

export type DiffLine = { op: 'same' | 'added' | 'removed'; text: string };

/** Lines past which the diff gives up on alignment (the table would be lines² cells). */
const MAX_DIFF_LINES = 3_000;

/**
 * A line diff (longest common subsequence) from `before` to `after`. Texts longer than
 * 3,000 lines are shown as all removed then all added rather than aligned.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: DiffLine[] = a.slice(0, start).map((text) => ({ op: 'same', text }));
  const tail: DiffLine[] = a.slice(endA).map((text) => ({ op: 'same', text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  if (midA.length > MAX_DIFF_LINES || midB.length > MAX_DIFF_LINES) {
    return [
      ...head,
      ...midA.map((text) => ({ op: 'removed' as const, text })),
      ...midB.map((text) => ({ op: 'added' as const, text })),
      ...tail,
    ];
  }
  // lengths[i][j]: common lines of midA[i..] and midB[j..], in one flat array.
  const width = midB.length + 1;
  const lengths = new Uint32Array((midA.length + 1) * width);
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lengths[i * width + j] =
        midA[i] === midB[j] ? lengths[(i + 1) * width + j + 1] + 1 : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
    }
  }
  const middle: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < midA.length && j < midB.length) {
    if (midA[i] === midB[j]) {
      middle.push({ op: 'same', text: midA[i] });
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]) {
      middle.push({ op: 'removed', text: midA[i++] });
    } else {
      middle.push({ op: 'added', text: midB[j++] });
    }
  }
  while (i < midA.length) middle.push({ op: 'removed', text: midA[i++] });
  while (j < midB.length) middle.push({ op: 'added', text: midB[j++] });
  return [...head, ...middle, ...tail];
}

/** The text of a model's answer as compared: its text, reasoning and tool calls, one block each. */
export function answerText(messages: readonly Message[]): string {
  const blocks: string[] = [];
  for (const message of messages) {
    for (const part of message.parts) {
      if (part.type === 'text') blocks.push(part.content);
      else if (part.type === 'reasoning') blocks.push(`[reasoning] ${part.content}`);
      else if (part.type === 'tool_call')
        blocks.push(
          `[tool call] ${part.name}(${typeof part.arguments === 'string' ? part.arguments : JSON.stringify(part.arguments ?? {})})`,
        );
      else if (part.type === 'tool_result')
        blocks.push(`[tool result] ${typeof part.result === 'string' ? part.result : JSON.stringify(part.result ?? null)}`);
    }
  }
  return blocks.join('\n');
}
