import { SPAN_KINDS, type SpanKind } from '../../src/model/traceTypes';

/** A span kind safe to use in a class name (unknown kinds from the wire become `other`). */
export function safeKind(kind: unknown): SpanKind {
  return (SPAN_KINDS as readonly unknown[]).includes(kind) ? (kind as SpanKind) : 'other';
}

export const KIND_LABELS: Record<SpanKind, string> = {
  agent: 'Agent',
  llm: 'LLM',
  tool: 'Tool',
  retrieval: 'Retrieval',
  embedding: 'Embedding',
  reranker: 'Reranker',
  chain: 'Chain',
  memory: 'Memory',
  guardrail: 'Guardrail',
  evaluator: 'Evaluator',
  other: 'Other',
};

/** Kind colours as the stylesheet defines them (`--loupe-kind-*`), for drawing on a canvas. */
export function kindColors(from: Element): Record<SpanKind, string> {
  const style = getComputedStyle(from);
  const colors = {} as Record<SpanKind, string>;
  for (const kind of SPAN_KINDS) colors[kind] = style.getPropertyValue(`--loupe-kind-${kind}`).trim() || '#888';
  return colors;
}
