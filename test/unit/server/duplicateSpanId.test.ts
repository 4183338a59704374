import { ok, strictEqual } from 'node:assert';
import { send } from '../receiver/httpClient';
import { startLoupe } from './liveLoupe';

const traceId = '7c'.repeat(16);
const spanId = '8d'.repeat(8);

function request(name: string, start: string): string {
  const span = { traceId, spanId, name, kind: 1, startTimeUnixNano: start, endTimeUnixNano: '1795279085900000000' };
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [span] }] }] });
}

describe('a duplicate span id', () => {
  it('is said in the span that replaced a different one, and not for a retry of the same span', async () => {
    const loupe = await startLoupe();
    try {
      const post = async (body: string) => {
        const reply = await send({
          port: loupe.port,
          token: loupe.token,
          method: 'POST',
          path: '/v1/traces',
          headers: { 'Content-Type': 'application/json' },
          body,
        });
        strictEqual(reply.status, 200);
      };
      const read = async () =>
        JSON.parse((await send({ port: loupe.port, token: loupe.token, path: `/api/traces/${traceId}/spans/${spanId}` })).text) as {
          name: string;
          attributes: Record<string, unknown>;
        };
      await post(request('first', '1795279085000000000'));
      await post(request('first', '1795279085000000000'));
      strictEqual((await read()).attributes['loupe.duplicate_span_id'], undefined, 'a retry is not a duplicate');
      await post(request('second', '1795279085100000000'));
      const span = await read();
      strictEqual(span.name, 'second');
      ok(String(span.attributes['loupe.duplicate_span_id']).includes('"first"'), JSON.stringify(span.attributes));
    } finally {
      await loupe.stop();
    }
  });
});
