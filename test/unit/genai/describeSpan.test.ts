import { strict as assert } from 'node:assert';
import { describeSpan } from '../../../src/core/genai/describeSpan';
import { normalizeProvider } from '../../../src/core/genai/providers';
import { PriceBook } from '../../../src/core/genai/pricing';
import type { SpanFacts } from '../../../src/core/genai/spanFacts';
import { makeSpan, NO_CONTEXT, type SpanSpec } from './spanBuilder';

const pricing = new PriceBook();
const facts = (spec: SpanSpec): SpanFacts => describeSpan(makeSpan(spec), NO_CONTEXT, pricing);

describe('model and provider', () => {
  const providers: Array<[string, string]> = [
    ['openai', 'openai'],
    ['OpenAI', 'openai'],
    ['openai.chat', 'openai'],
    ['openai.responses', 'openai'],
    ['openai.embedding', 'openai'],
    ['anthropic.messages', 'anthropic'],
    ['google.generative-ai', 'google'],
    ['gcp.vertex_ai', 'google'],
    ['aws.bedrock', 'aws-bedrock'],
    ['azure.ai.openai', 'azure'],
    ['az.ai.inference', 'azure'],
    ['mistral_ai', 'mistral'],
    ['x_ai', 'xai'],
    ['fakecompat.chat', 'fakecompat'],
    ['  Groq ', 'groq'],
  ];
  for (const [raw, id] of providers) {
    it(`normalizes provider "${raw}" to "${id}"`, () => assert.equal(normalizeProvider(raw), id));
  }

  const cases: Array<[string, SpanSpec['attributes'], Partial<SpanFacts>]> = [
    [
      'OTel: request and response model both kept, response shown',
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.provider.name': 'openai',
      },
      { model: 'gpt-4o-mini-2024-07-18', requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18', provider: 'openai' },
    ],
    [
      'OTel old gen_ai.system',
      { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'claude-3-5-haiku', 'gen_ai.system': 'anthropic' },
      { model: 'claude-3-5-haiku', requestModel: 'claude-3-5-haiku', provider: 'anthropic' },
    ],
    [
      'gen_ai.provider.name wins over gen_ai.system',
      { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'azure.ai.openai', 'gen_ai.system': 'openai' },
      { provider: 'azure' },
    ],
    [
      'OpenInference llm.model_name + llm.provider over llm.system',
      {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4o',
        'llm.provider': 'azure',
        'llm.system': 'openai',
        'llm.invocation_parameters': '{"model":"gpt-4o-deploy"}',
      },
      { model: 'gpt-4o', responseModel: 'gpt-4o', requestModel: 'gpt-4o-deploy', provider: 'azure' },
    ],
    [
      'OpenInference embedding.model_name',
      { 'openinference.span.kind': 'EMBEDDING', 'embedding.model_name': 'text-embedding-3-small', 'llm.system': 'openai' },
      { model: 'text-embedding-3-small', provider: 'openai' },
    ],
    [
      'AI SDK ai.model.id / ai.response.model / ai.model.provider',
      {
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.id': 'gpt-4o-mini',
        'ai.response.model': 'gpt-4o-mini-2024-07-18',
        'ai.model.provider': 'openai.chat',
      },
      { model: 'gpt-4o-mini-2024-07-18', requestModel: 'gpt-4o-mini', provider: 'openai' },
    ],
    [
      'Langfuse model name',
      { 'langfuse.observation.type': 'generation', 'langfuse.observation.model.name': 'gpt-4.1' },
      { model: 'gpt-4.1' },
    ],
    [
      'broken invocation_parameters JSON does not matter',
      { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'llm.invocation_parameters': '{"model": ' },
      { model: 'gpt-4o', requestModel: undefined },
    ],
  ];
  for (const [label, attributes, want] of cases) {
    it(label, () => {
      const f = facts({ attributes });
      for (const [key, value] of Object.entries(want)) assert.deepEqual(f[key as keyof SpanFacts], value, key);
    });
  }
});

describe('agents, sessions and users', () => {
  const cases: Array<[string, SpanSpec, Partial<SpanFacts>]> = [
    [
      'OTel gen_ai.agent.name + gen_ai.conversation.id',
      { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner', 'gen_ai.conversation.id': 'conv-1' } },
      { agentName: 'planner', sessionId: 'conv-1' },
    ],
    [
      'OTel invoke_agent named only in the span name',
      { name: 'invoke_agent Weather Bot', attributes: { 'gen_ai.operation.name': 'invoke_agent' } },
      { agentName: 'Weather Bot' },
    ],
    [
      'OpenInference AGENT span is named after its agent',
      { name: 'weather-agent', attributes: { 'openinference.span.kind': 'AGENT', 'session.id': 's', 'user.id': 'u' } },
      { agentName: 'weather-agent', sessionId: 's', userId: 'u' },
    ],
    [
      'OpenInference metadata JSON string',
      { attributes: { 'openinference.span.kind': 'LLM', metadata: '{"session_id":"s-9","user_id":"u-9"}' } },
      { sessionId: 's-9', userId: 'u-9' },
    ],
    ['OpenInference metadata with thread_id (LangGraph)', { attributes: { metadata: '{"thread_id":"t-1"}' } }, { sessionId: 't-1' }],
    ['broken metadata JSON is ignored', { attributes: { metadata: '{"session_id":' } }, { sessionId: undefined }],
    [
      'Traceloop agent entity + association properties',
      {
        attributes: {
          'traceloop.span.kind': 'agent',
          'traceloop.entity.name': 'researcher',
          'traceloop.association.properties.session_id': 'ts',
          'traceloop.association.properties.user_id': 'tu',
        },
      },
      { agentName: 'researcher', sessionId: 'ts', userId: 'tu' },
    ],
    [
      'Traceloop association camelCase',
      { attributes: { 'traceloop.association.properties.sessionId': 'cs', 'traceloop.association.properties.userId': 'cu' } },
      { sessionId: 'cs', userId: 'cu' },
    ],
    [
      'AI SDK functionId + telemetry metadata',
      {
        attributes: {
          'ai.operationId': 'ai.generateText',
          'ai.telemetry.functionId': 'weather-agent',
          'ai.telemetry.metadata.sessionId': 'sess-123',
          'ai.telemetry.metadata.userId': 'user-42',
        },
      },
      { agentName: 'weather-agent', sessionId: 'sess-123', userId: 'user-42' },
    ],
    ['AI SDK metadata with conversationId', { attributes: { 'ai.telemetry.metadata.conversationId': 'c-7' } }, { sessionId: 'c-7' }],
    [
      'Langfuse session and user',
      { attributes: { 'langfuse.session.id': 'ls', 'langfuse.user.id': 'lu' } },
      { sessionId: 'ls', userId: 'lu' },
    ],
    ['Langfuse agent observation', { name: 'triage', attributes: { 'langfuse.observation.type': 'agent' } }, { agentName: 'triage' }],
    [
      'LangSmith flattened metadata',
      { attributes: { 'langsmith.metadata.session_id': 'lss', 'langsmith.metadata.user_id': 'lsu' } },
      { sessionId: 'lss', userId: 'lsu' },
    ],
    ['Logfire agent_name', { attributes: { agent_name: 'support' } }, { agentName: 'support' }],
    ['numeric ids become strings', { attributes: { 'session.id': 42, 'user.id': 7 } }, { sessionId: '42', userId: '7' }],
    ['a plain span has none', { name: 'GET /', attributes: {} }, { agentName: undefined, sessionId: undefined, userId: undefined }],
  ];
  for (const [label, spec, want] of cases) {
    it(label, () => {
      const f = facts(spec);
      for (const [key, value] of Object.entries(want)) assert.deepEqual(f[key as keyof SpanFacts], value, key);
    });
  }
});

describe('call details', () => {
  it('normalizes finish reasons across conventions', () => {
    const reasons: Array<[SpanSpec['attributes'], string]> = [
      [{ 'gen_ai.response.finish_reasons': ['tool_calls'] }, 'tool_calls'],
      [{ 'gen_ai.response.finish_reasons': ['tool-calls'] }, 'tool_calls'],
      [{ 'ai.response.finishReason': 'tool-calls' }, 'tool_calls'],
      [{ 'llm.finish_reason': 'tool_call' }, 'tool_calls'],
      [{ 'gen_ai.completion.0.finish_reason': 'end_turn' }, 'stop'],
      [{ 'gen_ai.response.finish_reasons': ['STOP'] }, 'stop'],
      [{ 'gen_ai.response.finish_reasons': 'length' }, 'length'],
    ];
    for (const [attributes, want] of reasons) assert.equal(facts({ attributes }).finishReason, want, JSON.stringify(attributes));
  });

  it('recognizes streamed calls', () => {
    assert.equal(facts({ name: 'ai.streamText.doStream', attributes: { 'ai.response.msToFirstChunk': 40.5 } }).streaming, true);
    assert.equal(facts({ name: 'ai.streamText.doStream', attributes: { 'ai.response.msToFirstChunk': 40.5 } }).timeToFirstTokenMs, 40.5);
    assert.equal(
      facts({ attributes: { 'openinference.span.kind': 'LLM', 'llm.invocation_parameters': '{"stream": true}' } }).streaming,
      true,
    );
    assert.equal(facts({ attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.stream': false } }).streaming, false);
    assert.equal(facts({ attributes: { 'llm.request.type': 'chat', 'llm.is_streaming': true } }).streaming, true);
  });

  it('names the tool a tool span ran, from every convention', () => {
    const tools: Array<[SpanSpec, string, string | undefined]> = [
      [
        { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search', 'gen_ai.tool.call.id': 'c1' } },
        'search',
        'c1',
      ],
      [{ name: 'execute_tool lookup', attributes: { 'gen_ai.operation.name': 'execute_tool' } }, 'lookup', undefined],
      [{ name: 'ai.toolCall', attributes: { 'ai.toolCall.name': 'get_weather', 'ai.toolCall.id': 'call-1' } }, 'get_weather', 'call-1'],
      [{ name: 'get_weather', attributes: { 'openinference.span.kind': 'TOOL' } }, 'get_weather', undefined],
      [{ name: 'x', attributes: { 'openinference.span.kind': 'TOOL', 'tool.name': 'calc' } }, 'calc', undefined],
      [{ name: 'x.tool', attributes: { 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'fetch_page' } }, 'fetch_page', undefined],
    ];
    for (const [spec, name, id] of tools) {
      const f = facts(spec);
      assert.equal(f.kind, 'tool');
      assert.equal(f.toolName, name);
      assert.equal(f.toolCallId, id);
    }
  });

  it('takes the service name from the resource', () => {
    assert.equal(facts({}).service, 'test-service');
    assert.equal(describeSpan(makeSpan(), { resource: undefined, scope: undefined }, pricing).service, 'unknown_service');
  });

  it('survives malformed spans', () => {
    const broken = { ...makeSpan(), attributes: null, events: undefined, name: undefined, status: undefined } as never;
    const f = describeSpan(broken, NO_CONTEXT, pricing);
    assert.equal(f.kind, 'other');
    assert.equal(f.status, 'unset');
  });
});
