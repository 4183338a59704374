import type { AttributeValue, Message, MessagePart } from '../../src/model/traceTypes';

/** Texts longer than this (characters or lines) start folded with a preview. */
export const FOLD_CHARS = 1200;
export const FOLD_LINES = 16;
const PREVIEW_CHARS = 400;
const PREVIEW_LINES = 6;

export interface FoldedText {
  text: string;
  /** Set when the text is long: what to show until the reader unfolds it. */
  preview?: string;
  chars: number;
  lines: number;
}

export type MessageBlock =
  | { kind: 'text'; body: FoldedText }
  | { kind: 'toolCall'; name: string; callId?: string; arguments: FoldedText }
  | { kind: 'toolResult'; callId?: string; result: FoldedText }
  | { kind: 'reasoning'; body: FoldedText }
  | { kind: 'other'; body: FoldedText };

export type RoleClass = 'system' | 'user' | 'assistant' | 'tool' | 'other';

export interface MessageView {
  role: string;
  roleClass: RoleClass;
  /** "Assistant", "Tool · get_weather", … */
  title: string;
  finishReason?: string;
  blocks: MessageBlock[];
}

function countLines(text: string): number {
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

/** Text with a preview when it is long; the preview ends on a line boundary where that is close. */
export function foldText(text: string): FoldedText {
  const chars = text.length;
  const lines = countLines(text);
  if (chars <= FOLD_CHARS && lines <= FOLD_LINES) return { text, chars, lines };
  let preview = text.slice(0, PREVIEW_CHARS);
  let cut = -1;
  for (let k = 0, at = preview.indexOf('\n'); at >= 0 && k < PREVIEW_LINES; k++, at = preview.indexOf('\n', at + 1)) cut = at;
  if (countLines(preview) > PREVIEW_LINES && cut > 0) preview = preview.slice(0, cut);
  return { text, preview, chars, lines };
}

/** Pretty JSON for a value; strings that hold JSON objects or arrays are parsed first. */
export function prettyJson(value: AttributeValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if ((trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'))) {
      try {
        return JSON.stringify(JSON.parse(trimmed), null, 2);
      } catch {
        return value;
      }
    }
    return value;
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}

function roleClassOf(role: string): RoleClass {
  const lower = role.toLowerCase();
  if (lower === 'system' || lower === 'developer') return 'system';
  if (lower === 'user' || lower === 'human') return 'user';
  if (lower === 'assistant' || lower === 'ai' || lower === 'model') return 'assistant';
  if (lower === 'tool' || lower === 'function' || lower === 'ipython') return 'tool';
  return 'other';
}

function titleOf(message: Message): string {
  const role = message.role || 'unknown';
  const title = role.charAt(0).toUpperCase() + role.slice(1);
  return message.name ? `${title} · ${message.name}` : title;
}

/** Turns a conversation into what the chat view shows, in order. Never throws on odd shapes. */
export function messageViews(messages: readonly Message[] | undefined): MessageView[] {
  if (!Array.isArray(messages)) return [];
  return messages.map((message) => {
    const role = typeof message?.role === 'string' ? message.role : 'unknown';
    const parts: readonly MessagePart[] = Array.isArray(message?.parts) ? message.parts : [];
    const blocks: MessageBlock[] = parts.map((part): MessageBlock => {
      switch (part?.type) {
        case 'text':
          return { kind: 'text', body: foldText(typeof part.content === 'string' ? part.content : prettyJson(part.content)) };
        case 'tool_call':
          return {
            kind: 'toolCall',
            name: typeof part.name === 'string' && part.name ? part.name : '(unnamed tool)',
            callId: typeof part.id === 'string' ? part.id : undefined,
            arguments: foldText(prettyJson(part.arguments)),
          };
        case 'reasoning':
          return { kind: 'reasoning', body: foldText(typeof part.content === 'string' ? part.content : prettyJson(part.content)) };
        case 'tool_result':
          return {
            kind: 'toolResult',
            callId: typeof part.id === 'string' ? part.id : undefined,
            result: foldText(prettyJson(part.result)),
          };
        default:
          return { kind: 'other', body: foldText(prettyJson((part as { content?: AttributeValue })?.content ?? (part as AttributeValue))) };
      }
    });
    return {
      role,
      roleClass: roleClassOf(role),
      title: titleOf({ ...message, role }),
      finishReason: typeof message?.finishReason === 'string' ? message.finishReason : undefined,
      blocks,
    };
  });
}
