import { deepStrictEqual, strictEqual } from 'node:assert';
import { send } from '../receiver/httpClient';
import { startLoupe } from './liveLoupe';

/** A raw JSON property read, not through the prototype chain. */
function own(object: unknown, key: string): unknown {
  return Object.getOwnPropertyDescriptor(object, key)?.value;
}

describe('"__proto__" is an ordinary key (attributes, maps, JSON tool arguments)', () => {
  it('keeps it in the span and trace routes', async () => {
    const loupe = await startLoupe();
    try {
      const traceId = '5a'.repeat(16);
      const spanId = '6b'.repeat(8);
      const otlp = {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'proto-agent' } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId,
                    spanId,
                    name: 'execute_tool lookup',
                    kind: 1,
                    startTimeUnixNano: '1000000',
                    endTimeUnixNano: '2000000',
                    attributes: [
                      { key: '__proto__', value: { stringValue: 'attribute named __proto__' } },
                      { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } },
                      { key: 'gen_ai.tool.name', value: { stringValue: 'lookup' } },
                      { key: 'gen_ai.tool.call.arguments', value: { stringValue: '{"__proto__":{"admin":true},"q":"x"}' } },
                      {
                        key: 'map',
                        value: { kvlistValue: { values: [{ key: '__proto__', value: { stringValue: 'inside a map' } }] } },
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      };
      const sent = await send({
        port: loupe.port,
        token: loupe.token,
        method: 'POST',
        path: '/v1/traces',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(otlp),
      });
      strictEqual(sent.status, 200);
      await loupe.engine.health();

      const spanReply = await send({ port: loupe.port, token: loupe.token, path: `/api/traces/${traceId}/spans/${spanId}` });
      strictEqual(spanReply.status, 200);
      const span = JSON.parse(spanReply.text) as { attributes: Record<string, unknown>; tool?: { arguments?: unknown } };
      strictEqual(own(span.attributes, '__proto__'), 'attribute named __proto__');
      deepStrictEqual(own(span.attributes.map, '__proto__'), 'inside a map');
      deepStrictEqual(JSON.stringify(own(span.tool?.arguments, '__proto__')), '{"admin":true}');

      const traceReply = await send({ port: loupe.port, token: loupe.token, path: `/api/traces/${traceId}` });
      const trace = JSON.parse(traceReply.text) as { spans: { attributes: Record<string, unknown> }[] };
      strictEqual(own(trace.spans[0].attributes, '__proto__'), 'attribute named __proto__');
    } finally {
      await loupe.stop();
    }
  });
});
