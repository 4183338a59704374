import type { SpanKind } from '../../model/traceTypes';
import type { AttributeMap } from './attributeMap';

export interface SpanClass {
  kind: SpanKind;
  /** Set when the convention says the span sums model calls below it (`ai.generateText`, `invoke_agent`). */
  aggregate: boolean;
  /** The operation as the convention named it (`chat`, `ai.streamText.doStream`, `LLM`…). */
  operation?: string;
}

const OTEL_OPERATIONS: Record<string, SpanKind> = {
  chat: 'llm',
  text_completion: 'llm',
  completion: 'llm',
  generate_content: 'llm',
  responses: 'llm',
  embeddings: 'embedding',
  embedding: 'embedding',
  create_embeddings: 'embedding',
  retrieval: 'retrieval',
  retrieve: 'retrieval',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
  invoke_workflow: 'chain',
  workflow: 'chain',
  agent_step: 'chain',
  plan: 'chain',
  rerank: 'reranker',
  apply_guardrail: 'guardrail',
  guardrail: 'guardrail',
  evaluate: 'evaluator',
  evaluation: 'evaluator',
};

const OPENINFERENCE_KINDS: Record<string, SpanKind> = {
  LLM: 'llm',
  CHAIN: 'chain',
  TOOL: 'tool',
  RETRIEVER: 'retrieval',
  RERANKER: 'reranker',
  EMBEDDING: 'embedding',
  AGENT: 'agent',
  GUARDRAIL: 'guardrail',
  EVALUATOR: 'evaluator',
  PROMPT: 'chain',
};

const TRACELOOP_KINDS: Record<string, SpanKind> = {
  workflow: 'chain',
  task: 'chain',
  agent: 'agent',
  tool: 'tool',
};

const TRACELOOP_REQUEST_TYPES: Record<string, SpanKind> = {
  chat: 'llm',
  completion: 'llm',
  embedding: 'embedding',
  rerank: 'reranker',
};

const LANGFUSE_TYPES: Record<string, SpanKind> = {
  generation: 'llm',
  agent: 'agent',
  tool: 'tool',
  chain: 'chain',
  retriever: 'retrieval',
  evaluator: 'evaluator',
  embedding: 'embedding',
  guardrail: 'guardrail',
  span: 'other',
  event: 'other',
};

const LANGSMITH_KINDS: Record<string, SpanKind> = {
  llm: 'llm',
  chain: 'chain',
  tool: 'tool',
  retriever: 'retrieval',
  embedding: 'embedding',
  prompt: 'chain',
  parser: 'chain',
};

/** Vercel AI SDK v4–v6 operation ids; the top-level calls sum their `do*` steps. */
function aiSdkClass(operationId: string): SpanClass | undefined {
  const dot = operationId.indexOf('.', 3);
  const base = dot === -1 ? operationId : operationId.slice(0, dot);
  const step = dot !== -1;
  switch (base) {
    case 'ai.generateText':
    case 'ai.streamText':
    case 'ai.generateObject':
    case 'ai.streamObject':
      return { kind: 'llm', aggregate: !step, operation: operationId };
    case 'ai.embed':
    case 'ai.embedMany':
      return { kind: 'embedding', aggregate: !step, operation: operationId };
    case 'ai.rerank':
      return { kind: 'reranker', aggregate: !step, operation: operationId };
    case 'ai.toolCall':
      return { kind: 'tool', aggregate: false, operation: operationId };
    case 'ai.generateImage':
    case 'ai.generateSpeech':
    case 'ai.transcribe':
      return { kind: 'llm', aggregate: !step, operation: operationId };
    default:
      return undefined;
  }
}

function otelOperationKind(operation: string): SpanKind | undefined {
  const known = OTEL_OPERATIONS[operation];
  if (known) return known;
  if (operation.endsWith('_memory') || operation.startsWith('memory')) return 'memory';
  return undefined;
}

/** Last resort: common span names of instrumentations that set no convention attribute. */
const NAME_PATTERNS: ReadonlyArray<[RegExp, SpanKind]> = [
  // OTel span names are "{operation} {model}"; a longer phrase starting with "chat" is not a model call.
  [/^(chat|text_completion|generate_content) [^\s]+$/i, 'llm'],
  [/^embeddings? [^\s]+$/i, 'embedding'],
  [/^execute_tool\b/i, 'tool'],
  [/^(invoke_agent|create_agent)\b/i, 'agent'],
  [/(^|[.\s_:-])(chat ?completions?|completions?|chatopenai|chatanthropic|llm|messages\.create)$/i, 'llm'],
  [/(^|[.\s_:-])embed(dings?)?$/i, 'embedding'],
  [/(^|[.\s_:-])rerank(er)?$/i, 'reranker'],
  [/retriev(er|al)$|(^|[.\s_:-])retrieve$/i, 'retrieval'],
  [/^agent run\b|(^|[.\s_:-])agent$/i, 'agent'],
  [/(^|[.\s_:-])tool$|^running tool\b/i, 'tool'],
  [/(^|[.\s_:-])guardrails?$/i, 'guardrail'],
];

function byName(name: string): SpanKind | undefined {
  for (const [pattern, kind] of NAME_PATTERNS) if (pattern.test(name)) return kind;
  return undefined;
}

/**
 * What kind of work a span is, from whichever convention marked it; the OTel span kind is
 * deliberately ignored (OpenInference spans are all INTERNAL, OTel GenAI ones CLIENT).
 */
export function classifySpan(attrs: AttributeMap, name: string): SpanClass {
  // A runtime's bookkeeping spans (Codex's Rust `tracing` spans) describe no GenAI work, whatever their names say.
  if (attrs.has('busy_ns') && attrs.has('idle_ns') && !attrs.has('gen_ai.operation.name')) return { kind: 'other', aggregate: false };
  const oi = attrs.string('openinference.span.kind');
  if (oi) {
    const kind = OPENINFERENCE_KINDS[oi.toUpperCase()];
    if (kind) return { kind, aggregate: false, operation: oi };
  }

  const operation = attrs.string('gen_ai.operation.name');
  if (operation) {
    const kind = otelOperationKind(operation.toLowerCase());
    if (kind) return { kind, aggregate: operation === 'invoke_agent', operation };
  }

  const aiOperation = attrs.string('ai.operationId') ?? (name.startsWith('ai.') ? name : undefined);
  if (aiOperation) {
    const cls = aiSdkClass(aiOperation);
    if (cls) return cls;
  }

  const traceloop = attrs.string('traceloop.span.kind');
  if (traceloop) {
    const kind = TRACELOOP_KINDS[traceloop.toLowerCase()];
    if (kind) return { kind, aggregate: false, operation: traceloop };
  }
  const requestType = attrs.string('llm.request.type');
  if (requestType) {
    const kind = TRACELOOP_REQUEST_TYPES[requestType.toLowerCase()];
    if (kind) return { kind, aggregate: false, operation: requestType };
  }

  const langfuse = attrs.string('langfuse.observation.type');
  if (langfuse) {
    const kind = LANGFUSE_TYPES[langfuse.toLowerCase()];
    if (kind) return { kind, aggregate: false, operation: langfuse };
  }

  const langsmith = attrs.string('langsmith.span.kind');
  if (langsmith) {
    const kind = LANGSMITH_KINDS[langsmith.toLowerCase()];
    if (kind) return { kind, aggregate: false, operation: langsmith };
  }

  // A model plus usage is a model call whatever the span is named.
  if (
    (attrs.has('gen_ai.request.model') || attrs.has('llm.model_name') || attrs.has('gen_ai.response.model')) &&
    (attrs.has('gen_ai.usage.input_tokens') ||
      attrs.has('gen_ai.usage.prompt_tokens') ||
      attrs.has('llm.token_count.prompt') ||
      attrs.has('gen_ai.usage.output_tokens'))
  ) {
    return { kind: 'llm', aggregate: false, operation };
  }
  if (attrs.has('gen_ai.tool.name') || attrs.has('gen_ai.tool.call.id')) return { kind: 'tool', aggregate: false, operation };
  // MCP: a `tools/call` span is a tool call; other MCP methods (initialize, list…) are plumbing.
  const mcpMethod = attrs.string('mcp.method.name');
  if (mcpMethod) return { kind: mcpMethod === 'tools/call' ? 'tool' : 'other', aggregate: false, operation: mcpMethod };
  if (attrs.has('gen_ai.agent.name') && !attrs.has('gen_ai.request.model')) {
    return { kind: 'agent', aggregate: false, operation };
  }

  const named = byName(name.trim());
  return { kind: named ?? 'other', aggregate: false, operation };
}
