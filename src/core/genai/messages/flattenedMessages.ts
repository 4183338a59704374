import type { Message } from '../../../model/traceTypes';
import { anyValueToJson } from '../../otlp/values';
import type { AttributeMap } from '../attributeMap';
import { DETAIL_JSON_LIMIT, isRecord, looksLikeJson, parseJsonText } from '../jsonText';
import { messageOf } from './messageShapes';

/** Indexes beyond this are ignored: a bogus `prefix.99999999.role` key must not allocate a huge array. */
const MAX_INDEX = 10_000;

type Node = Record<string, unknown> | unknown[];

function child(parent: Node, segment: string, nextIsIndex: boolean): Node | undefined {
  const slot = Array.isArray(parent) ? Number(segment) : segment;
  const holder = parent as Record<string | number, unknown>;
  const existing = holder[slot];
  if (existing !== undefined && typeof existing === 'object' && existing !== null) return existing as Node;
  if (existing !== undefined) return undefined;
  const created: Node = nextIsIndex ? [] : {};
  holder[slot] = created;
  return created;
}

function isIndex(segment: string): boolean {
  return /^\d{1,5}$/.test(segment) && Number(segment) <= MAX_INDEX;
}

/**
 * Rebuilds the list that conventions flatten into indexed keys, e.g. OpenInference
 * `llm.input_messages.0.message.tool_calls.1.tool_call.function.name` or Traceloop `gen_ai.prompt.0.role`.
 */
export function unflattenList(attrs: AttributeMap, prefix: string): unknown[] {
  const root: unknown[] = [];
  for (const { key, value } of attrs.list) {
    if (!key.startsWith(prefix)) continue;
    const segments = key.slice(prefix.length).split('.');
    if (segments.length < 2 || !isIndex(segments[0])) continue;
    let node: Node | undefined = root;
    for (let i = 0; i < segments.length - 1 && node; i++) {
      const segment = segments[i];
      if (Array.isArray(node) !== isIndex(segment)) {
        node = undefined;
        break;
      }
      node = child(node, segment, isIndex(segments[i + 1]));
    }
    if (!node) continue;
    const last = segments[segments.length - 1];
    if (Array.isArray(node) !== isIndex(last)) continue;
    (node as Record<string | number, unknown>)[Array.isArray(node) ? Number(last) : last] = anyValueToJson(value);
  }
  return root.filter((item) => item !== undefined);
}

/** Traceloop writes Anthropic-style content blocks as a JSON string in `content`. */
function parseContentBlocks(item: unknown): unknown {
  if (!isRecord(item) || typeof item.content !== 'string' || !looksLikeJson(item.content)) return item;
  const blocks = parseJsonText(item.content, DETAIL_JSON_LIMIT);
  return Array.isArray(blocks) ? { ...item, content: blocks } : item;
}

/** Messages flattened under a prefix (OpenInference, Traceloop ≤0.22), or undefined when none are there. */
export function flattenedMessages(attrs: AttributeMap, prefix: string, fallbackRole: string): Message[] | undefined {
  const items = unflattenList(attrs, prefix);
  if (items.length === 0) return undefined;
  const out: Message[] = [];
  for (const item of items) {
    const m = messageOf(parseContentBlocks(item), fallbackRole);
    if (m) out.push(m);
  }
  return out;
}
