import type { SpanKind } from '../../model/traceTypes';

/** The codicon shown for each kind of span (https://microsoft.github.io/vscode-codicons/). */
export const SPAN_KIND_ICONS: Record<SpanKind, string> = {
  agent: 'hubot',
  llm: 'sparkle',
  tool: 'tools',
  retrieval: 'search',
  embedding: 'symbol-array',
  reranker: 'list-ordered',
  chain: 'link',
  memory: 'database',
  guardrail: 'shield',
  evaluator: 'checklist',
  other: 'circle-outline',
};
