import { strict as assert } from 'node:assert';
import { describeSpan } from '../../../src/core/genai/describeSpan';
import { PriceBook } from '../../../src/core/genai/pricing';
import type { SpanKind } from '../../../src/model/traceTypes';
import { makeSpan, NO_CONTEXT, type PlainAttributes } from './spanBuilder';

const pricing = new PriceBook();

interface Case {
  label: string;
  name?: string;
  attributes?: PlainAttributes;
  otelKind?: number;
  kind: SpanKind;
  aggregate?: boolean;
}

const cases: Case[] = [
  // OTel GenAI gen_ai.operation.name
  { label: 'OTel chat', name: 'chat gpt-4o', attributes: { 'gen_ai.operation.name': 'chat' }, otelKind: 3, kind: 'llm' },
  { label: 'OTel text_completion', attributes: { 'gen_ai.operation.name': 'text_completion' }, kind: 'llm' },
  { label: 'OTel generate_content', attributes: { 'gen_ai.operation.name': 'generate_content' }, kind: 'llm' },
  { label: 'OTel embeddings', attributes: { 'gen_ai.operation.name': 'embeddings' }, kind: 'embedding' },
  { label: 'OTel retrieval', attributes: { 'gen_ai.operation.name': 'retrieval' }, kind: 'retrieval' },
  { label: 'OTel execute_tool', attributes: { 'gen_ai.operation.name': 'execute_tool' }, kind: 'tool' },
  { label: 'OTel invoke_agent', attributes: { 'gen_ai.operation.name': 'invoke_agent' }, kind: 'agent', aggregate: true },
  { label: 'OTel create_agent', attributes: { 'gen_ai.operation.name': 'create_agent' }, kind: 'agent' },
  { label: 'OTel invoke_workflow', attributes: { 'gen_ai.operation.name': 'invoke_workflow' }, kind: 'chain' },
  { label: 'OTel plan', attributes: { 'gen_ai.operation.name': 'plan' }, kind: 'chain' },
  { label: 'OTel search_memory', attributes: { 'gen_ai.operation.name': 'search_memory' }, kind: 'memory' },
  { label: 'OTel create_memory', attributes: { 'gen_ai.operation.name': 'create_memory' }, kind: 'memory' },
  { label: 'AI SDK v7 agent_step', name: 'step 1', attributes: { 'gen_ai.operation.name': 'agent_step' }, kind: 'chain' },
  // OpenInference
  { label: 'OpenInference LLM (INTERNAL)', attributes: { 'openinference.span.kind': 'LLM' }, otelKind: 1, kind: 'llm' },
  { label: 'OpenInference CHAIN', attributes: { 'openinference.span.kind': 'CHAIN' }, kind: 'chain' },
  { label: 'OpenInference TOOL', attributes: { 'openinference.span.kind': 'TOOL' }, kind: 'tool' },
  { label: 'OpenInference RETRIEVER', attributes: { 'openinference.span.kind': 'RETRIEVER' }, kind: 'retrieval' },
  { label: 'OpenInference RERANKER', attributes: { 'openinference.span.kind': 'RERANKER' }, kind: 'reranker' },
  { label: 'OpenInference EMBEDDING', attributes: { 'openinference.span.kind': 'EMBEDDING' }, kind: 'embedding' },
  { label: 'OpenInference AGENT', attributes: { 'openinference.span.kind': 'AGENT' }, kind: 'agent' },
  { label: 'OpenInference GUARDRAIL', attributes: { 'openinference.span.kind': 'GUARDRAIL' }, kind: 'guardrail' },
  { label: 'OpenInference EVALUATOR', attributes: { 'openinference.span.kind': 'EVALUATOR' }, kind: 'evaluator' },
  { label: 'OpenInference lower-case kind', attributes: { 'openinference.span.kind': 'llm' }, kind: 'llm' },
  // Traceloop / OpenLLMetry
  { label: 'Traceloop workflow', attributes: { 'traceloop.span.kind': 'workflow' }, kind: 'chain' },
  { label: 'Traceloop task', attributes: { 'traceloop.span.kind': 'task' }, kind: 'chain' },
  { label: 'Traceloop agent', attributes: { 'traceloop.span.kind': 'agent' }, kind: 'agent' },
  { label: 'Traceloop tool', attributes: { 'traceloop.span.kind': 'tool' }, kind: 'tool' },
  { label: 'Traceloop ≤0.22 chat', name: 'openai.chat', attributes: { 'llm.request.type': 'chat' }, otelKind: 3, kind: 'llm' },
  { label: 'Traceloop ≤0.22 completion', attributes: { 'llm.request.type': 'completion' }, kind: 'llm' },
  { label: 'Traceloop ≤0.22 embedding', attributes: { 'llm.request.type': 'embedding' }, kind: 'embedding' },
  {
    label: 'Traceloop ≥0.25 chat',
    name: 'openai.chat',
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai' },
    kind: 'llm',
  },
  // Vercel AI SDK v4–v6
  {
    label: 'AI SDK generateText',
    name: 'ai.generateText',
    attributes: { 'ai.operationId': 'ai.generateText' },
    kind: 'llm',
    aggregate: true,
  },
  {
    label: 'AI SDK doGenerate',
    name: 'ai.generateText.doGenerate',
    attributes: { 'ai.operationId': 'ai.generateText.doGenerate' },
    kind: 'llm',
    aggregate: false,
  },
  { label: 'AI SDK streamText', name: 'ai.streamText', kind: 'llm', aggregate: true },
  { label: 'AI SDK doStream', name: 'ai.streamText.doStream', kind: 'llm', aggregate: false },
  { label: 'AI SDK generateObject', attributes: { 'ai.operationId': 'ai.generateObject' }, kind: 'llm', aggregate: true },
  { label: 'AI SDK streamObject.doStream', attributes: { 'ai.operationId': 'ai.streamObject.doStream' }, kind: 'llm', aggregate: false },
  { label: 'AI SDK toolCall', name: 'ai.toolCall', attributes: { 'ai.operationId': 'ai.toolCall' }, kind: 'tool' },
  { label: 'AI SDK embed', attributes: { 'ai.operationId': 'ai.embed' }, kind: 'embedding', aggregate: true },
  { label: 'AI SDK embedMany.doEmbed', attributes: { 'ai.operationId': 'ai.embedMany.doEmbed' }, kind: 'embedding', aggregate: false },
  // Vercel AI SDK v7 (@ai-sdk/otel)
  { label: 'AI SDK v7 invoke_agent', name: 'invoke_agent weather', attributes: { 'gen_ai.operation.name': 'invoke_agent' }, kind: 'agent' },
  { label: 'AI SDK v7 chat', name: 'chat gpt-4o-mini', attributes: { 'gen_ai.operation.name': 'chat' }, kind: 'llm' },
  {
    label: 'AI SDK v7 execute_tool',
    name: 'execute_tool get_weather',
    attributes: { 'gen_ai.operation.name': 'execute_tool' },
    kind: 'tool',
  },
  // Langfuse
  { label: 'Langfuse generation', attributes: { 'langfuse.observation.type': 'generation' }, kind: 'llm' },
  { label: 'Langfuse agent', attributes: { 'langfuse.observation.type': 'agent' }, kind: 'agent' },
  { label: 'Langfuse tool', attributes: { 'langfuse.observation.type': 'tool' }, kind: 'tool' },
  { label: 'Langfuse retriever', attributes: { 'langfuse.observation.type': 'retriever' }, kind: 'retrieval' },
  { label: 'Langfuse evaluator', attributes: { 'langfuse.observation.type': 'evaluator' }, kind: 'evaluator' },
  { label: 'Langfuse guardrail', attributes: { 'langfuse.observation.type': 'guardrail' }, kind: 'guardrail' },
  { label: 'Langfuse embedding', attributes: { 'langfuse.observation.type': 'embedding' }, kind: 'embedding' },
  { label: 'Langfuse span', attributes: { 'langfuse.observation.type': 'span' }, kind: 'other' },
  // LangSmith
  { label: 'LangSmith llm', attributes: { 'langsmith.span.kind': 'llm' }, kind: 'llm' },
  { label: 'LangSmith chain', attributes: { 'langsmith.span.kind': 'chain' }, kind: 'chain' },
  { label: 'LangSmith tool', attributes: { 'langsmith.span.kind': 'tool' }, kind: 'tool' },
  { label: 'LangSmith retriever', attributes: { 'langsmith.span.kind': 'retriever' }, kind: 'retrieval' },
  { label: 'LangSmith prompt', attributes: { 'langsmith.span.kind': 'prompt' }, kind: 'chain' },
  { label: 'LangSmith parser', attributes: { 'langsmith.span.kind': 'parser' }, kind: 'chain' },
  // Implicit signals and names, last resort
  {
    label: 'model + usage, no kind attribute',
    attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 3 },
    kind: 'llm',
  },
  { label: 'gen_ai.tool.name only', attributes: { 'gen_ai.tool.name': 'search' }, kind: 'tool' },
  { label: 'name "chat gpt-4o"', name: 'chat gpt-4o', kind: 'llm' },
  { label: 'name "ChatOpenAI"', name: 'ChatOpenAI', kind: 'llm' },
  { label: 'name "anthropic.messages.create"', name: 'anthropic.messages.create', kind: 'llm' },
  { label: 'name "embeddings text-embedding-3-small"', name: 'embeddings text-embedding-3-small', kind: 'embedding' },
  { label: 'name "execute_tool search"', name: 'execute_tool search', kind: 'tool' },
  { label: 'name "Agent run: triage"', name: 'Agent run: triage', kind: 'agent' },
  { label: 'name "VectorStoreRetriever"', name: 'VectorStoreRetriever', kind: 'retrieval' },
  { label: 'name "docs.retrieve"', name: 'docs.retrieve', kind: 'retrieval' },
  { label: 'plain HTTP span', name: 'GET /api/users', otelKind: 3, kind: 'other' },
  { label: 'name "chat message received" is not a model call', name: 'chat message received', kind: 'other' },
  { label: 'name "POST /v1/chat/completions" is an HTTP span', name: 'POST /v1/chat/completions', otelKind: 3, kind: 'other' },
  {
    label: 'CLIENT span kind alone is not an LLM call',
    name: 'POST',
    otelKind: 3,
    attributes: { 'http.request.method': 'POST' },
    kind: 'other',
  },
  // Precedence: a convention attribute beats the name
  { label: 'OpenInference beats name', name: 'chat gpt-4o', attributes: { 'openinference.span.kind': 'CHAIN' }, kind: 'chain' },
  { label: 'unknown operation falls through to name', name: 'chat x', attributes: { 'gen_ai.operation.name': 'frobnicate' }, kind: 'llm' },
];

describe('span classification', () => {
  for (const c of cases) {
    it(`${c.label} → ${c.kind}${c.aggregate ? ' (aggregate)' : ''}`, () => {
      const span = makeSpan({ name: c.name ?? 'span', kind: c.otelKind ?? 1, attributes: c.attributes });
      const facts = describeSpan(span, NO_CONTEXT, pricing);
      assert.equal(facts.kind, c.kind);
      if (c.aggregate !== undefined) assert.equal(facts.aggregate, c.aggregate);
    });
  }

  it('keeps the operation name as the convention wrote it', () => {
    const facts = describeSpan(makeSpan({ attributes: { 'ai.operationId': 'ai.streamText.doStream' } }), NO_CONTEXT, pricing);
    assert.equal(facts.operation, 'ai.streamText.doStream');
  });
});
