import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import type { AnyValue, KeyValue } from '../../../src/model/otlpTypes';
import { hexId, int, logsRequest, span, str, traceRequest } from '../../support/otlpBuilders';

const dbl = (key: string, value: number): KeyValue => ({ key, value: { doubleValue: value } });

describe('coding-agent and 2026 GenAI conventions', () => {
  let engine: TraceEngine;
  beforeEach(async () => (engine = await TraceEngine.open({ changeDelayMs: 0 })));
  afterEach(() => engine.close());

  it('reads a Copilot Chat trace (as documented): a subagent under the execute_tool that started it, each call once', async () => {
    const t = hexId(16);
    const [root, chat1, runSub, sub, subChat, subTool, chat2] = Array.from({ length: 7 }, () => hexId(8));
    const conversation = str('gen_ai.conversation.id', 'chat-session-1');
    const usage = (input: number, output: number, cached: number) => [
      int('gen_ai.usage.input_tokens', input),
      int('gen_ai.usage.output_tokens', output),
      int('gen_ai.usage.cache_read.input_tokens', cached),
    ];
    engine.ingestTraces(
      traceRequest(
        [
          span(t, root, undefined, 'invoke_agent GitHub Copilot Chat', 0, 1000, [
            str('gen_ai.operation.name', 'invoke_agent'),
            str('gen_ai.agent.name', 'GitHub Copilot Chat'),
            conversation,
            int('gen_ai.usage.input_tokens', 3300),
            int('gen_ai.usage.output_tokens', 90),
          ]),
          span(t, chat1, root, 'chat gpt-4o', 10, 200, [
            str('gen_ai.operation.name', 'chat'),
            str('gen_ai.request.model', 'gpt-4o'),
            conversation,
            ...usage(1000, 30, 500),
          ]),
          span(t, runSub, root, 'execute_tool runSubagent', 210, 700, [
            str('gen_ai.operation.name', 'execute_tool'),
            str('gen_ai.tool.name', 'runSubagent'),
            str('gen_ai.tool.call.id', 'call_1'),
            conversation,
          ]),
          span(t, sub, runSub, 'invoke_agent Explore', 220, 690, [
            str('gen_ai.operation.name', 'invoke_agent'),
            str('gen_ai.agent.name', 'Explore'),
            conversation,
          ]),
          span(t, subChat, sub, 'chat gpt-4o-mini', 230, 400, [
            str('gen_ai.operation.name', 'chat'),
            str('gen_ai.request.model', 'gpt-4o-mini'),
            conversation,
            ...usage(800, 20, 0),
          ]),
          span(t, subTool, sub, 'execute_tool read_file', 410, 500, [
            str('gen_ai.operation.name', 'execute_tool'),
            str('gen_ai.tool.name', 'read_file'),
            str('gen_ai.tool.call.id', 'call_2'),
            conversation,
          ]),
          span(t, chat2, root, 'chat gpt-4o', 710, 990, [
            str('gen_ai.operation.name', 'chat'),
            str('gen_ai.request.model', 'gpt-4o'),
            conversation,
            ...usage(1500, 40, 1000),
          ]),
        ],
        'copilot-chat',
      ),
    );
    const summary = (await engine.listTraces())[0];
    strictEqual(summary.llmCalls, 3);
    deepStrictEqual(summary.tokens, { input: 3300, output: 90, cacheRead: 1500, cacheWrite: 0, reasoning: 0, total: 3390 });
    const detail = (await engine.getTrace(t))!;
    const subagent = detail.spans.find((s) => s.spanId === sub)!;
    strictEqual(subagent.parentSpanId, runSub, 'the subagent sits under the execute_tool that started it');
    strictEqual(detail.spans.find((s) => s.spanId === subChat)!.agentName, 'Explore');
    const rows = (await engine.waterfall(t))!;
    strictEqual(rows.find((r) => r.spanId === subChat)!.depth, 3);

    const session = engine.getSessionNow('chat-session-1')!;
    strictEqual(session.llmCalls, 3);
    deepStrictEqual(
      session.turns[0].toolCalls.map((c) => c.name),
      ['runSubagent', 'read_file'],
    );
    deepStrictEqual(session.tokens, summary.tokens);
    strictEqual(session.agent, 'GitHub Copilot Chat');
  });

  it('counts an MCP tools/call span that enriches a GenAI tool span as one tool call', async () => {
    const t = hexId(16);
    const [agent, tool, mcp, list] = Array.from({ length: 4 }, () => hexId(8));
    const session = str('session.id', 's-mcp');
    engine.ingestTraces(
      traceRequest([
        span(t, agent, undefined, 'invoke_agent', 0, 100, [str('gen_ai.operation.name', 'invoke_agent'), session]),
        span(t, list, agent, 'tools/list', 1, 2, [str('mcp.method.name', 'tools/list'), str('mcp.session.id', 'mcp-1')]),
        span(t, tool, agent, 'execute_tool get_weather', 10, 50, [
          str('gen_ai.operation.name', 'execute_tool'),
          str('gen_ai.tool.name', 'get_weather'),
          str('gen_ai.tool.call.id', 'c1'),
        ]),
        span(t, mcp, tool, 'tools/call get_weather', 12, 48, [
          str('mcp.method.name', 'tools/call'),
          str('gen_ai.tool.name', 'get_weather'),
          str('mcp.session.id', 'mcp-1'),
        ]),
      ]),
    );
    const detail = (await engine.getTrace(t))!;
    strictEqual(detail.spans.find((s) => s.spanId === mcp)!.kind, 'tool');
    strictEqual(detail.spans.find((s) => s.spanId === list)!.kind, 'other');
    deepStrictEqual(
      engine.getSessionNow('s-mcp')!.turns[0].toolCalls.map((c) => c.name),
      ['get_weather'],
    );
    strictEqual(engine.getSessionNow('s-mcp')!.turns[0].prompt, undefined, 'no prompt recorded anywhere');
  });

  it('reads cache_write tokens, an agent cost attribute beside the computed price, Langfuse levels and Mastra ids', async () => {
    const t = hexId(16);
    const [call, failed, mastra] = Array.from({ length: 3 }, () => hexId(8));
    engine.ingestTraces(
      traceRequest([
        span(t, call, undefined, 'chat gpt-4o', 0, 100, [
          str('gen_ai.operation.name', 'chat'),
          str('gen_ai.request.model', 'gpt-4o'),
          int('gen_ai.usage.input_tokens', 1000),
          int('gen_ai.usage.output_tokens', 10),
          int('gen_ai.usage.cache_write.input_tokens', 100),
          dbl('github.copilot.cost', 0.5),
        ]),
        span(t, failed, call, 'generation', 10, 20, [
          str('langfuse.observation.level', 'ERROR'),
          str('langfuse.observation.status_message', 'rate limited'),
        ]),
        span(t, mastra, call, 'agent step', 20, 30, [str('mastra.metadata.threadId', 'thread-7'), str('mastra.metadata.userId', 'u-1')]),
      ]),
    );
    const detail = (await engine.getTrace(t))!;
    const chat = detail.spans.find((s) => s.spanId === call)!;
    strictEqual(chat.tokens.cacheWrite, 100);
    strictEqual(chat.costUsd, 0.5);
    strictEqual(chat.costSource, 'span');
    ok(
      typeof chat.computedCostUsd === 'number' && chat.computedCostUsd > 0 && chat.computedCostUsd !== 0.5,
      `computed ${chat.computedCostUsd}`,
    );
    const bad = detail.spans.find((s) => s.spanId === failed)!;
    strictEqual(bad.status, 'error');
    strictEqual(bad.error?.message, 'rate limited');
    const step = detail.spans.find((s) => s.spanId === mastra)!;
    strictEqual(step.sessionId, 'thread-7');
    strictEqual(step.userId, 'u-1');
  });

  it('shows gen_ai.evaluation.result events as scores on the evaluated span, by span id or response id', async () => {
    const t = hexId(16);
    const [call, other] = [hexId(8), hexId(8)];
    engine.ingestTraces(
      traceRequest([
        span(t, call, undefined, 'chat gpt-4o', 0, 100, [str('gen_ai.operation.name', 'chat'), str('gen_ai.response.id', 'resp-1')]),
        span(t, other, call, 'other', 1, 2),
      ]),
    );
    engine.ingestLogs(
      logsRequest([
        {
          traceId: t,
          spanId: call,
          eventName: 'gen_ai.evaluation.result',
          attributes: [
            str('gen_ai.evaluation.name', 'relevance'),
            dbl('gen_ai.evaluation.score.value', 0.75),
            str('gen_ai.evaluation.score.label', 'relevant'),
          ],
        },
        {
          traceId: t,
          attributes: [
            str('event.name', 'gen_ai.evaluation.result'),
            str('gen_ai.evaluation.name', 'groundedness'),
            str('gen_ai.response.id', 'resp-1'),
            str('gen_ai.evaluation.explanation', 'cites the file'),
          ],
        },
      ]),
    );
    const evaluated = (await engine.span(t, call))!;
    deepStrictEqual(evaluated.evaluations, [
      { name: 'relevance', score: 0.75, label: 'relevant' },
      { name: 'groundedness', explanation: 'cites the file' },
    ]);
    strictEqual((await engine.span(t, other))!.evaluations, undefined);
  });

  it("folds a runtime's bookkeeping spans (Codex's Rust tracing spans): never a model or tool call, marked for the view", async () => {
    const t = hexId(16);
    const [turn, invoke] = [hexId(8), hexId(8)];
    const rust = [int('busy_ns', 1200), int('idle_ns', 50), str('code.file.path', 'core/src/tools/code_mode/delegate.rs')];
    engine.ingestTraces(
      traceRequest(
        [
          span(t, turn, undefined, 'session_task.turn', 0, 100, [...rust, str('conversation.id', 'codex-conv')]),
          span(t, invoke, turn, 'code_mode.broker.invoke_tool', 10, 20, [...rust, str('tool_name', 'exec_command')]),
        ],
        'codex_exec',
      ),
    );
    const rows = (await engine.waterfall(t))!;
    ok(rows.every((r) => r.runtime === true));
    strictEqual(rows.find((r) => r.spanId === invoke)!.kind, 'other');
    strictEqual((await engine.span(t, invoke))!.runtime, true);
  });
});

describe('structured GenAI message attributes (2026 conventions)', () => {
  it('reads gen_ai.input.messages and gen_ai.output.messages sent as AnyValue arrays and maps, not JSON strings', async () => {
    const engine = await TraceEngine.open({ changeDelayMs: 0 });
    const t = hexId(16);
    const call = hexId(8);
    const kv = (entries: Record<string, AnyValue>) => ({
      kvlistValue: { values: Object.entries(entries).map(([key, value]) => ({ key, value })) },
    });
    const message = (role: string, text: string) =>
      kv({
        role: { stringValue: role },
        parts: { arrayValue: { values: [kv({ type: { stringValue: 'text' }, content: { stringValue: text } })] } },
      });
    engine.ingestTraces(
      traceRequest([
        span(t, call, undefined, 'chat gpt-4o', 0, 10, [
          str('gen_ai.operation.name', 'chat'),
          str('gen_ai.provider.name', 'openai'),
          { key: 'gen_ai.input.messages', value: { arrayValue: { values: [message('user', 'What is in notes.txt?')] } } },
          { key: 'gen_ai.output.messages', value: { arrayValue: { values: [message('assistant', 'PELICAN')] } } },
        ]),
      ]),
    );
    const read = (await engine.span(t, call))!;
    deepStrictEqual(read.messages.input[0].parts, [{ type: 'text', content: 'What is in notes.txt?' }]);
    deepStrictEqual(read.messages.output[0].parts, [{ type: 'text', content: 'PELICAN' }]);
    strictEqual(read.provider, 'openai');
    await engine.close();
  });
});

describe('a session whose agent records no prompt', () => {
  it("reads the prompt from the first model call's first user message", async () => {
    const engine = await TraceEngine.open({ changeDelayMs: 0 });
    const t = hexId(16);
    const [root, chat1, chat2] = [hexId(8), hexId(8), hexId(8)];
    const messages = (text: string) =>
      str('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: text }] }]));
    engine.ingestTraces(
      traceRequest([
        span(t, root, undefined, 'invoke_agent trip-planner', 0, 100, [
          str('gen_ai.operation.name', 'invoke_agent'),
          str('gen_ai.conversation.id', 'trip'),
        ]),
        span(t, chat2, root, 'chat claude-sonnet-4', 50, 90, [str('gen_ai.operation.name', 'chat'), messages('later question')]),
        span(t, chat1, root, 'chat claude-sonnet-4', 10, 40, [str('gen_ai.operation.name', 'chat'), messages('Plan a weekend in Lisbon')]),
      ]),
    );
    strictEqual(engine.getSessionNow('trip')!.turns[0].prompt, 'Plan a weekend in Lisbon');
    await engine.close();
  });
});
