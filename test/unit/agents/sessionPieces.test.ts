import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { readAgentLogEvent } from '../../../src/core/sessions/agentLogEvents';
import { SessionEventStore } from '../../../src/core/sessions/sessionEventStore';
import { MetricStore } from '../../../src/core/engine/metricStore';
import type { AnyValue, ExportMetricsServiceRequest, KeyValue, OtlpLogRecord } from '../../../src/model/otlpTypes';

const s = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const v = (key: string, value: AnyValue): KeyValue => ({ key, value });
const record = (attributes: KeyValue[], extra: Partial<OtlpLogRecord> = {}): OtlpLogRecord => ({ attributes, ...extra });

describe('agent log events', () => {
  it('reads counts sent as strings, ints or doubles, and never a negative or non-finite one', () => {
    const event = readAgentLogEvent(
      record([
        s('event.name', 'codex.sse_event'),
        s('event.kind', 'response.completed'),
        s('conversation.id', 'c1'),
        s('input_token_count', '1200'),
        v('output_token_count', { intValue: '35' }),
        v('cached_token_count', { doubleValue: 800 }),
        s('reasoning_token_count', '-5'),
        v('cache_write_token_count', { doubleValue: NaN }),
      ]),
      undefined,
    );
    strictEqual(event?.type, 'model_call');
    deepStrictEqual(event.type === 'model_call' && event.tokens, {
      input: 1200,
      output: 35,
      cacheRead: 800,
      cacheWrite: 0,
      reasoning: 0,
      total: 1235,
    });
  });

  it('takes the session from the resource when the record has none (Gemini CLI), and skips records with no session', () => {
    const prompt = record([s('event.name', 'gemini_cli.user_prompt'), s('prompt', '<img src=x onerror=alert(1)>')]);
    const event = readAgentLogEvent(prompt, [s('service.name', 'gemini-cli'), s('session.id', 'g1')]);
    deepStrictEqual(
      event && { type: event.type, sessionId: event.sessionId, service: event.service, text: event.type === 'prompt' && event.text },
      { type: 'prompt', sessionId: 'g1', service: 'gemini-cli', text: '<img src=x onerror=alert(1)>' },
    );
    strictEqual(readAgentLogEvent(prompt, undefined), undefined);
  });

  it('reads an empty AnyValue (`{}`) as absent rather than as text', () => {
    strictEqual(
      readAgentLogEvent(record([s('event.name', 'codex.user_prompt'), s('conversation.id', 'c1'), v('prompt', {})]), undefined),
      undefined,
    );
  });

  it('names Claude Code events from the body when event.name is bare, and marks failed tools', () => {
    const event = readAgentLogEvent(
      record([s('event.name', 'tool_result'), s('session.id', 'a1'), s('tool_name', 'Bash'), s('success', 'false'), s('error', 'exit 1')], {
        body: { stringValue: 'claude_code.tool_result' },
      }),
      undefined,
    );
    strictEqual(event?.type, 'tool_call');
    strictEqual(event.type === 'tool_call' && event.error, 'exit 1');
  });
});

describe('session event store', () => {
  it('keeps a bounded number of sessions and events, and shortens long tool results', () => {
    const store = new SessionEventStore({ maxSessions: 2, maxEventsPerSession: 3 });
    for (let i = 0; i < 5; i++) store.add({ type: 'prompt', sessionId: 'a', time: i, text: `p${i}` });
    deepStrictEqual(
      store.events('a').map((e) => e.time),
      [2, 3, 4],
    );
    store.add({ type: 'prompt', sessionId: 'b', time: 0, text: 'b' });
    store.add({ type: 'tool_call', sessionId: 'c', time: 0, name: 'Read', result: 'x'.repeat(100_000) });
    deepStrictEqual(store.sessionIds(), ['b', 'c']);
    const tool = store.events('c')[0];
    ok(
      tool.type === 'tool_call' &&
        typeof tool.result === 'string' &&
        tool.result.length < 5_000 &&
        tool.result.endsWith('100000 characters]'),
    );
  });
});

describe('metric store', () => {
  const request = (
    points: { name: string; type?: string; value: number; temporality: number; start?: string }[],
  ): ExportMetricsServiceRequest => ({
    resourceMetrics: [
      {
        resource: { attributes: [s('service.name', 'gemini-cli'), s('session.id', 'm1')] },
        scopeMetrics: [
          {
            metrics: points.map((p) => ({
              name: p.name,
              type: 'sum',
              temporality: p.temporality,
              points: [
                {
                  attributes: [s(p.name.startsWith('gen_ai') ? 'gen_ai.token.type' : 'type', p.type ?? 'input')],
                  startTimeUnixNano: p.start ?? '1',
                  timeUnixNano: '2',
                  value: p.value,
                },
              ],
            })),
          },
        ],
      },
    ],
  });

  it('takes the latest value of a cumulative series and sums delta points', () => {
    const store = new MetricStore();
    store.add(request([{ name: 'gemini_cli.token.usage', value: 100, temporality: 2 }]));
    store.add(request([{ name: 'gemini_cli.token.usage', value: 250, temporality: 2 }]));
    strictEqual(store.usage('m1')?.tokens.input, 250);
    store.add(request([{ name: 'gemini_cli.token.usage', type: 'output', value: 5, temporality: 1 }]));
    store.add(request([{ name: 'gemini_cli.token.usage', type: 'output', value: 7, temporality: 1 }]));
    strictEqual(store.usage('m1')?.tokens.output, 12);
  });

  it('counts usage reported by two metric families once, from the agent family', () => {
    const store = new MetricStore();
    store.add(request([{ name: 'gen_ai.client.token.usage', value: 999, temporality: 1 }]));
    strictEqual(store.usage('m1')?.family, 'genai_client');
    store.add(request([{ name: 'gemini_cli.token.usage', value: 100, temporality: 1 }]));
    strictEqual(store.usage('m1')?.family, 'gemini_cli');
    strictEqual(store.usage('m1')?.tokens.input, 100);
  });

  it('ignores negative and non-finite amounts and forgets the least recently updated sessions', () => {
    const store = new MetricStore({ maxSessions: 1 });
    store.add(request([{ name: 'gemini_cli.token.usage', value: -5, temporality: 1 }]));
    store.add(request([{ name: 'gemini_cli.token.usage', value: Infinity, temporality: 1 }]));
    strictEqual(store.usage('m1'), undefined);
    store.add(request([{ name: 'gemini_cli.token.usage', value: 1, temporality: 1 }]));
    const other = request([{ name: 'gemini_cli.token.usage', value: 2, temporality: 1 }]);
    other.resourceMetrics[0].resource!.attributes[1] = s('session.id', 'm2');
    store.add(other);
    deepStrictEqual(store.sessionIds(), ['m2']);
  });
});
