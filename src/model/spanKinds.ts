import { SPAN_KINDS, type SpanKind } from './traceTypes';

/** What each kind of span is called wherever it is shown: the tree, the waterfall, the breakdowns. */
export const SPAN_KIND_LABELS: Record<SpanKind, string> = {
  agent: 'Agent',
  llm: 'Model call',
  tool: 'Tool',
  retrieval: 'Retrieval',
  embedding: 'Embedding',
  reranker: 'Reranker',
  chain: 'Chain',
  memory: 'Memory',
  guardrail: 'Guardrail',
  evaluator: 'Evaluator',
  other: 'Span',
};

/** A known span kind (unknown kinds from the wire become `other`), safe in a class name. */
export function safeKind(kind: unknown): SpanKind {
  return (SPAN_KINDS as readonly unknown[]).includes(kind) ? (kind as SpanKind) : 'other';
}
