import { context, SpanKind, SpanStatusCode, trace, TraceFlags, type Tracer } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';

export const REMOTE_PARENT = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
};

/**
 * Ends a small agent run whose spans use everything OTLP carries: a remote parent with trace
 * state, every span kind, every attribute value type, events, links, error status and
 * nanosecond times.
 */
export function emitSampleSpans(tracer: Tracer): void {
  const remote = trace.setSpanContext(context.active(), {
    ...REMOTE_PARENT,
    traceFlags: TraceFlags.SAMPLED,
    traceState: new TraceState('vendor=abc,other=1'),
    isRemote: true,
  });
  const root = tracer.startSpan(
    'invoke_agent planner',
    {
      kind: SpanKind.SERVER,
      startTime: [1_700_000_000, 123_456_789],
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'planner',
        'a.int': 42,
        'a.negative': -7,
        'a.zero': 0,
        'a.max_safe': Number.MAX_SAFE_INTEGER,
        'a.double': 3.25,
        'a.tiny': 1e-300,
        'a.true': true,
        'a.false': false,
        'a.empty': '',
        'a.unicode': 'héllo ✓ 日本 \u{1f600}',
        'a.strings': ['x', '', 'z'],
        'a.ints': [1, -2, 3],
        'a.doubles': [0.5, 1.5],
        'a.bools': [true, false],
      },
    },
    remote,
  );
  const rootContext = trace.setSpan(context.active(), root);

  const llm = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: SpanKind.CLIENT,
      startTime: [1_700_000_000, 200_000_000],
      attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 30 },
      links: [
        {
          context: {
            traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
            spanId: 'bbbbbbbbbbbbbbbb',
            traceFlags: 1,
            traceState: new TraceState('k=v'),
          },
          attributes: { 'link.kind': 'follows', 'link.n': 2 },
        },
        { context: { traceId: 'cccccccccccccccccccccccccccccccc', spanId: 'dddddddddddddddd', traceFlags: 0 } },
      ],
    },
    rootContext,
  );
  llm.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'What is 2+2?', 'event.n': 1 }, [1_700_000_000, 210_000_001]);
  llm.addEvent('first_token', [1_700_000_000, 250_000_000]);
  llm.setStatus({ code: SpanStatusCode.OK });
  llm.end([1_700_000_000, 400_000_999]);

  const tool = tracer.startSpan(
    'execute_tool calculator',
    { kind: SpanKind.INTERNAL, startTime: [1_700_000_000, 410_000_000] },
    rootContext,
  );
  tool.setAttribute('gen_ai.tool.name', 'calculator');
  tool.recordException(new TypeError('division by zero'), [1_700_000_000, 420_000_000]);
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed: division by zero' });
  tool.end([1_700_000_000, 430_000_000]);

  const producer = tracer.startSpan('enqueue', { kind: SpanKind.PRODUCER, startTime: [1_700_000_000, 440_000_000] }, rootContext);
  producer.end([1_700_000_000, 441_000_000]);
  const consumer = tracer.startSpan('dequeue', { kind: SpanKind.CONSUMER, startTime: [1_700_000_000, 442_000_000] }, rootContext);
  // More attributes than the provider's limit, so droppedAttributesCount is sent too.
  for (let index = 0; index < 40; index++) consumer.setAttribute(`many.${index}`, index);
  consumer.end([1_700_000_000, 443_000_000]);

  root.end([1_700_000_001, 987_654_321]);
}
