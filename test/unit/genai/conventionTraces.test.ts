import { strict as assert } from 'node:assert';
import { buildTraceDetail } from '../../../src/core/analysis/traceDetail';
import { summarizeTrace } from '../../../src/core/analysis/traceSummary';
import type { Span, TraceSummary } from '../../../src/model/traceTypes';
import { buildTrace } from '../analysis/traceBuilder';
import type { SpanSpec } from './spanBuilder';

/** Whole traces in the shapes of libraries that cannot run here (Python, other SDK versions). */
function understand(specs: SpanSpec[]): { summary: TraceSummary; span: (id: string) => Span } {
  const { trace, facts } = buildTrace(specs);
  const summary = summarizeTrace(trace, facts);
  const detail = buildTraceDetail(trace, facts, summary);
  return { summary, span: (id) => detail.spans.find((s) => s.spanId === id)! };
}

const weatherArgs = '{"city":"Paris"}';
const weatherResult = '{"city":"Paris","temp_c":22}';

describe('convention shapes: whole traces', () => {
  it('Vercel AI SDK v7 (@ai-sdk/otel): invoke_agent → step → chat / execute_tool', () => {
    const chat = (id: string, parent: string, input: number, output: string) => ({
      spanId: id,
      parentSpanId: parent,
      name: 'chat gpt-4o-mini',
      kind: 3,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.usage.input_tokens': input,
        'gen_ai.usage.output_tokens': 12,
        'gen_ai.usage.cache_read.input_tokens': 8,
        'gen_ai.output.messages': output,
      },
    });
    const t = understand([
      {
        spanId: 'agent',
        name: 'invoke_agent weather',
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.name': 'weather',
          'gen_ai.conversation.id': 'conv-7',
          'gen_ai.usage.input_tokens': 84,
          'gen_ai.usage.output_tokens': 24,
        },
      },
      {
        spanId: 'step1',
        parentSpanId: 'agent',
        name: 'step 1',
        attributes: { 'gen_ai.operation.name': 'agent_step', 'gen_ai.usage.input_tokens': 42, 'gen_ai.usage.output_tokens': 12 },
      },
      chat(
        'c1',
        'step1',
        42,
        JSON.stringify([
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', id: 'call-1', name: 'get_weather', arguments: { city: 'Paris' } }],
            finish_reason: 'tool_calls',
          },
        ]),
      ),
      {
        spanId: 'tool',
        parentSpanId: 'step1',
        name: 'execute_tool get_weather',
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'get_weather',
          'gen_ai.tool.call.id': 'call-1',
          'gen_ai.tool.call.arguments': weatherArgs,
          'gen_ai.tool.call.result': weatherResult,
        },
      },
      {
        spanId: 'step2',
        parentSpanId: 'agent',
        name: 'step 2',
        attributes: { 'gen_ai.operation.name': 'agent_step', 'gen_ai.usage.input_tokens': 42, 'gen_ai.usage.output_tokens': 12 },
      },
      chat('c2', 'step2', 42, JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Sunny.' }], finish_reason: 'stop' }])),
    ]);
    assert.equal(t.span('agent').kind, 'agent');
    assert.equal(t.span('step1').kind, 'chain');
    assert.equal(t.summary.tokens.total, 108);
    assert.equal(t.summary.llmCalls, 2);
    assert.deepEqual(t.summary.agents, ['weather']);
    assert.deepEqual(t.summary.sessions, ['conv-7']);
    assert.deepEqual(t.span('c1').messages.output[0].parts[0], {
      type: 'tool_call',
      id: 'call-1',
      name: 'get_weather',
      arguments: { city: 'Paris' },
    });
    assert.deepEqual(t.span('tool').tool, {
      name: 'get_weather',
      callId: 'call-1',
      arguments: { city: 'Paris' },
      result: { city: 'Paris', temp_c: 22 },
    });
    assert.equal(t.span('c2').agentName, 'weather');
    assert.equal(t.span('agent').rollup?.modelCalls, 2);
  });

  it('OpenLLMetry (Traceloop) ≤0.22, Python: workflow → task → openai.chat with indexed prompt keys', () => {
    const assoc = { 'traceloop.association.properties.session_id': 's-py', 'traceloop.association.properties.user_id': 'u-py' };
    const t = understand([
      {
        spanId: 'wf',
        name: 'weather.workflow',
        attributes: {
          'traceloop.span.kind': 'workflow',
          'traceloop.entity.name': 'weather',
          'traceloop.workflow.name': 'weather',
          ...assoc,
        },
      },
      {
        spanId: 'agent',
        parentSpanId: 'wf',
        name: 'forecaster.agent',
        attributes: { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'forecaster', ...assoc },
      },
      {
        spanId: 'llm',
        parentSpanId: 'agent',
        name: 'openai.chat',
        kind: 3,
        attributes: {
          'llm.request.type': 'chat',
          'gen_ai.system': 'OpenAI',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.response.model': 'gpt-4o-2024-08-06',
          'gen_ai.usage.prompt_tokens': 100,
          'gen_ai.usage.completion_tokens': 20,
          'llm.usage.total_tokens': 120,
          'gen_ai.prompt.0.role': 'user',
          'gen_ai.prompt.0.content': 'Weather in Paris?',
          'gen_ai.completion.0.role': 'assistant',
          'gen_ai.completion.0.finish_reason': 'tool_calls',
          'gen_ai.completion.0.tool_calls.0.id': 'call-1',
          'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
          'gen_ai.completion.0.tool_calls.0.arguments': weatherArgs,
          ...assoc,
        },
      },
      {
        spanId: 'tool',
        parentSpanId: 'agent',
        name: 'get_weather.tool',
        attributes: {
          'traceloop.span.kind': 'tool',
          'traceloop.entity.name': 'get_weather',
          'traceloop.entity.input': '{"args":[],"kwargs":{"city":"Paris"}}',
          'traceloop.entity.output': weatherResult,
          ...assoc,
        },
      },
    ]);
    const llm = t.span('llm');
    assert.equal(llm.kind, 'llm');
    assert.equal(llm.provider, 'openai');
    assert.equal(llm.model, 'gpt-4o-2024-08-06');
    assert.equal(llm.tokens.total, 120);
    assert.equal(llm.costSource, 'pricing');
    assert.equal(llm.finishReason, 'tool_calls');
    assert.deepEqual(llm.messages.output[0].parts, [
      { type: 'tool_call', id: 'call-1', name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
    assert.equal(t.span('wf').kind, 'chain');
    assert.equal(t.span('agent').agentName, 'forecaster');
    assert.equal(t.span('tool').toolName, 'get_weather');
    assert.deepEqual(t.span('tool').tool?.arguments, { args: [], kwargs: { city: 'Paris' } });
    assert.deepEqual([t.summary.sessions, t.summary.users], [['s-py'], ['u-py']]);
    assert.deepEqual(
      t.summary.byAgent?.map((a) => [a.key, a.calls]),
      [['forecaster', 1]],
    );
  });

  it('OpenLLMetry ≥0.25: OTel keys with Traceloop cache key names', () => {
    const t = understand([
      {
        spanId: 'llm',
        name: 'anthropic.chat',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-20250514',
          'gen_ai.usage.input_tokens': 4740,
          'gen_ai.usage.output_tokens': 255,
          'gen_ai.usage.total_tokens': 4995,
          'gen_ai.usage.cache_creation_input_tokens': 4735,
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Summarize.' }] }]),
        },
      },
    ]);
    const llm = t.span('llm');
    assert.deepEqual([llm.tokens.input, llm.tokens.cacheWrite, llm.tokens.total], [4740, 4735, 4995]);
    assert.equal(llm.costSource, 'pricing');
    assert.deepEqual(llm.messages.input, [{ role: 'user', parts: [{ type: 'text', content: 'Summarize.' }] }]);
  });

  it('LangChain via OpenInference with the OpenAI client also instrumented: the wrapper LLM span is not counted again', () => {
    const flat = {
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': 'Hi',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'Hello',
    };
    const usage = {
      'llm.token_count.prompt': 42,
      'llm.token_count.completion': 12,
      'llm.token_count.total': 54,
      'llm.token_count.prompt_details.cache_read': 8,
    };
    const t = understand([
      {
        spanId: 'chain',
        name: 'RunnableSequence',
        attributes: {
          'openinference.span.kind': 'CHAIN',
          metadata: '{"thread_id":"thread-9","user_id":"u-9"}',
          'input.value': '{"question":"Hi"}',
          'input.mime_type': 'application/json',
        },
      },
      {
        spanId: 'lc',
        parentSpanId: 'chain',
        name: 'ChatOpenAI',
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'gpt-4o-mini',
          'llm.provider': 'openai',
          'llm.system': 'openai',
          metadata: '{"thread_id":"thread-9"}',
          ...usage,
          ...flat,
        },
      },
      {
        spanId: 'oa',
        parentSpanId: 'lc',
        name: 'ChatCompletion',
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'gpt-4o-mini-2024-07-18',
          'llm.system': 'openai',
          ...usage,
          ...flat,
        },
      },
    ]);
    assert.equal(t.summary.tokens.total, 54);
    assert.equal(t.summary.llmCalls, 1);
    assert.equal(t.span('lc').aggregate, true);
    assert.equal(t.span('oa').aggregate, false);
    assert.deepEqual([t.summary.sessions, t.summary.users], [['thread-9'], ['u-9']]);
    assert.deepEqual(t.span('chain').messages.input, [{ role: 'user', parts: [{ type: 'other', content: { question: 'Hi' } }] }]);
  });

  it('LangChain via LangSmith OTel: whole-run JSON in gen_ai.prompt / gen_ai.completion', () => {
    const t = understand([
      {
        spanId: 'llm',
        name: 'ChatAnthropic',
        attributes: {
          'langsmith.span.kind': 'llm',
          'gen_ai.system': 'anthropic',
          'gen_ai.request.model': 'claude-3-5-haiku-20241022',
          'gen_ai.usage.input_tokens': 30,
          'gen_ai.usage.output_tokens': 7,
          'gen_ai.prompt': JSON.stringify({ messages: [[{ type: 'human', content: 'Hi' }]] }),
          'gen_ai.completion': JSON.stringify({ generations: [[{ text: 'Hello!', message: { type: 'ai', content: 'Hello!' } }]] }),
          'langsmith.metadata.session_id': 'ls-1',
        },
      },
    ]);
    const llm = t.span('llm');
    assert.equal(llm.kind, 'llm');
    assert.deepEqual(llm.messages.input, [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]);
    assert.deepEqual(llm.messages.output, [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }] }]);
    assert.equal(llm.sessionId, 'ls-1');
    assert.equal(llm.costSource, 'pricing');
  });

  it('OpenAI Agents SDK via OpenInference: agent → response → function tool', () => {
    const t = understand([
      { spanId: 'agent', name: 'Weather agent', attributes: { 'openinference.span.kind': 'AGENT', 'graph.node.id': 'Weather agent' } },
      {
        spanId: 'resp',
        parentSpanId: 'agent',
        name: 'response',
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'gpt-4.1-2025-04-14',
          'llm.provider': 'openai',
          'llm.token_count.prompt': 200,
          'llm.token_count.completion': 30,
          'llm.token_count.completion_details.reasoning': 10,
          'output.value': JSON.stringify({
            object: 'response',
            output: [{ type: 'function_call', call_id: 'call-1', name: 'get_weather', arguments: weatherArgs }],
          }),
          'output.mime_type': 'application/json',
        },
      },
      {
        spanId: 'fn',
        parentSpanId: 'agent',
        name: 'get_weather',
        attributes: {
          'openinference.span.kind': 'TOOL',
          'tool.name': 'get_weather',
          'input.value': weatherArgs,
          'output.value': weatherResult,
        },
      },
    ]);
    assert.equal(t.span('resp').agentName, 'Weather agent');
    assert.equal(t.span('resp').tokens.reasoning, 10);
    assert.deepEqual(t.span('resp').messages.output, [
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call-1', name: 'get_weather', arguments: { city: 'Paris' } }] },
    ]);
    assert.deepEqual(t.span('fn').tool, { name: 'get_weather', arguments: { city: 'Paris' }, result: { city: 'Paris', temp_c: 22 } });
    assert.deepEqual(
      t.summary.byAgent?.map((a) => [a.key, a.calls, a.tokens.total]),
      [['Weather agent', 1, 230]],
    );
  });

  it('Langfuse: generation with usage_details and cost_details JSON, session and user', () => {
    const t = understand([
      {
        spanId: 'root',
        name: 'handle-request',
        attributes: { 'langfuse.observation.type': 'span', 'langfuse.session.id': 'lf-s', 'langfuse.user.id': 'lf-u' },
      },
      {
        spanId: 'gen',
        parentSpanId: 'root',
        name: 'llm-call',
        attributes: {
          'langfuse.observation.type': 'generation',
          'langfuse.observation.model.name': 'gpt-4o',
          'langfuse.observation.usage_details': '{"input":90,"input_cached_tokens":10,"output":25,"total":125}',
          'langfuse.observation.cost_details': '{"input":0.0002,"output":0.00025,"total":0.00045}',
          'langfuse.observation.input': '[{"role":"user","content":"Hi"}]',
          'langfuse.observation.output': '{"role":"assistant","content":"Hello"}',
        },
      },
    ]);
    const gen = t.span('gen');
    assert.deepEqual([gen.kind, gen.model, gen.tokens.input, gen.tokens.cacheRead, gen.tokens.total], ['llm', 'gpt-4o', 100, 10, 125]);
    assert.deepEqual([gen.costUsd, gen.costSource], [0.00045, 'span']);
    assert.equal(t.summary.costUsd, 0.00045);
    assert.deepEqual([t.summary.sessions, t.summary.users], [['lf-s'], ['lf-u']]);
    assert.deepEqual(gen.messages.output, [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello' }] }]);
  });

  it('Pydantic Logfire: operation.cost on the model call', () => {
    const t = understand([
      {
        spanId: 'llm',
        name: 'Chat Completion with gpt-4o',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 10,
          'gen_ai.usage.output_tokens': 5,
          'operation.cost': 0.0001,
        },
      },
    ]);
    assert.deepEqual([t.span('llm').costUsd, t.span('llm').costSource], [0.0001, 'span']);
  });
});
