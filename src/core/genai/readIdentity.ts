import type { SpanKind } from '../../model/traceTypes';
import { valueString, type AttributeMap } from './attributeMap';
import { INGEST_JSON_LIMIT, isRecord, parseJsonText } from './jsonText';
import { setEntry } from '../../model/plainRecord';

export interface IdentityFacts {
  agentName?: string;
  sessionId?: string;
  userId?: string;
}

const AGENT_KEYS = ['gen_ai.agent.name', 'agent.name', 'agent_name', 'ai.telemetry.functionId', 'gen_ai.agent.id'];
const SESSION_KEYS = ['gen_ai.conversation.id', 'session.id', 'langfuse.session.id', 'conversation.id', 'gen_ai.session.id'];
const USER_KEYS = ['user.id', 'langfuse.user.id', 'enduser.id', 'gen_ai.user.id'];

/** Prefixes under which libraries flatten user-supplied metadata into attributes. */
const METADATA_PREFIXES = [
  'traceloop.association.properties.',
  'ai.telemetry.metadata.',
  'langsmith.metadata.',
  'langfuse.trace.metadata.',
  'langfuse.observation.metadata.',
  'mastra.metadata.',
  'metadata.',
];
const SESSION_NAMES = new Set([
  'session_id',
  'sessionid',
  'session',
  'conversation_id',
  'conversationid',
  'thread_id',
  'threadid',
  'chat_id',
  'chatid',
]);
const USER_NAMES = new Set(['user_id', 'userid', 'user', 'end_user_id', 'enduserid']);
/** Attributes that hold metadata as one JSON string. */
const METADATA_JSON_KEYS = ['metadata', 'langfuse.trace.metadata', 'langsmith.metadata', 'traceloop.association.properties'];

const AGENT_NAME_PREFIX = /^(invoke_agent|create_agent|agent run:?|agent:)\s+/i;

function agentFromName(name: string): string | undefined {
  const stripped = name
    .replace(AGENT_NAME_PREFIX, '')
    .trim()
    .replace(/^['"]|['"]$/g, '');
  return stripped.length > 0 && stripped.length <= 200 ? stripped : undefined;
}

function idFrom(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 && value.length <= 500 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function fromMetadataObject(metadata: unknown, into: IdentityFacts): void {
  if (!isRecord(metadata)) return;
  for (const [key, v] of Object.entries(metadata)) {
    const name = key.toLowerCase();
    if (!into.sessionId && SESSION_NAMES.has(name)) into.sessionId = idFrom(v);
    else if (!into.userId && USER_NAMES.has(name)) into.userId = idFrom(v);
  }
}

/** Agent, session (conversation) and user, from dedicated keys first, then user metadata. */
export function readIdentity(attrs: AttributeMap, kind: SpanKind, spanName: string): IdentityFacts {
  const out: IdentityFacts = {
    agentName: attrs.firstString(AGENT_KEYS),
    sessionId: attrs.firstString(SESSION_KEYS),
    userId: attrs.firstString(USER_KEYS),
  };
  if (!out.agentName && kind === 'agent') {
    out.agentName = attrs.string('traceloop.entity.name') ?? agentFromName(spanName);
  }
  if (out.sessionId && out.userId) return out;

  for (const { key, value } of attrs.list) {
    // Every metadata prefix starts with one of these letters; most keys are skipped on one compare.
    const c = key.charCodeAt(0);
    if (c !== 116 /* t */ && c !== 97 /* a */ && c !== 108 /* l */ && c !== 109 /* m */) continue;
    for (const prefix of METADATA_PREFIXES) {
      if (!key.startsWith(prefix)) continue;
      const name = key.slice(prefix.length).toLowerCase();
      if (!out.sessionId && SESSION_NAMES.has(name)) out.sessionId = valueString(value);
      else if (!out.userId && USER_NAMES.has(name)) out.userId = valueString(value);
      break;
    }
  }
  if (out.sessionId && out.userId) return out;
  for (const key of METADATA_JSON_KEYS) {
    const text = attrs.string(key);
    if (text) fromMetadataObject(parseJsonText(text, INGEST_JSON_LIMIT), out);
    const raw = attrs.raw(key);
    if (raw?.kvlistValue) {
      const record: Record<string, unknown> = {};
      for (const kv of raw.kvlistValue.values) setEntry(record, kv.key, valueString(kv.value));
      fromMetadataObject(record, out);
    }
  }
  return out;
}
