import { strict as assert } from 'node:assert';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { MAX_ANSWER_CHARS, MAX_TOPOLOGY_SPANS, SPAN_PAGE_CHARS } from '../../../src/core/mcp/answerBounds';
import { createLoupeMcpServer } from '../../../src/core/mcp/loupeMcpServer';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { hexId, span, str, traceRequest } from '../../support/otlpBuilders';

const SPANS = 100_000;

describe('MCP answers stay bounded', function () {
  this.timeout(60_000);
  let engine: TraceEngine;
  let client: Client;
  const traceId = hexId(16);
  const rootId = hexId(8);
  const bigSpanId = hexId(8);

  before(async () => {
    engine = await TraceEngine.open({ maxSpansPerTrace: 200_000 });
    const spans = [span(traceId, rootId, undefined, 'invoke_agent planner', 0, 100_000)];
    for (let i = 1; i < SPANS; i++) {
      const parent = i < 100 ? rootId : spans[1 + (i % 99)].spanId;
      spans.push(span(traceId, hexId(8), parent, `step ${i} ${'x'.repeat(i % 300)}`, i, i + 1));
    }
    engine.ingestTraces(traceRequest(spans));
    // One model call whose prompt (kept whole under the 64 KiB attribute limit) fills several pages.
    const prompt = 'The quick brown fox. '.repeat(2_800);
    engine.ingestTraces(
      traceRequest([
        span(hexId(16), bigSpanId, undefined, 'chat gpt-4o', 0, 10, [
          str('gen_ai.operation.name', 'chat'),
          str('gen_ai.request.model', 'gpt-4o'),
          str('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: prompt }] }])),
        ]),
      ]),
    );
    const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
    await createLoupeMcpServer(engine, 'test').connect(serverSide);
    client = new Client({ name: 'bounds', version: '1' });
    await client.connect(clientSide);
  });

  after(async () => {
    await client.close();
    await engine.close();
  });

  async function call(name: string, args: Record<string, unknown>): Promise<{ text: string; value: any }> {
    const result = await client.callTool({ name, arguments: args });
    const text = (result.content as { text: string }[])[0].text;
    assert.ok(!result.isError, text);
    return { text, value: JSON.parse(text) };
  }

  it(`pages a ${SPANS.toLocaleString('en')}-span topology in answers of at most ${MAX_TOPOLOGY_SPANS} spans and ${MAX_ANSWER_CHARS.toLocaleString('en')} characters`, async () => {
    const seen = new Set<string>();
    let offset: number | undefined = 0;
    let pages = 0;
    let largest = 0;
    while (offset !== undefined) {
      const { text, value } = await call('get_trace_topology', { traceId, offset, limit: MAX_TOPOLOGY_SPANS });
      assert.equal(value.spanCount, SPANS);
      assert.equal(value.offset, offset);
      assert.ok(value.spans.length <= MAX_TOPOLOGY_SPANS);
      assert.ok(value.spans.length > 0);
      largest = Math.max(largest, text.length);
      for (const row of value.spans) seen.add(row[0]);
      offset = value.nextOffset;
      pages++;
    }
    assert.equal(seen.size, SPANS, 'every span once across the pages');
    assert.ok(largest <= MAX_ANSWER_CHARS, `largest page ${largest} characters`);
    assert.ok(pages >= SPANS / MAX_TOPOLOGY_SPANS);
  });

  it('answers the first topology page with the default page size', async () => {
    const { text, value } = await call('get_trace_topology', { traceId });
    assert.equal(value.spans.length, 200);
    assert.equal(value.nextOffset, 200);
    assert.deepEqual(value.spans[0].slice(0, 4), [rootId, null, 'invoke_agent planner', 'agent']);
    assert.ok(text.length / value.spans.length < 250, `${text.length / value.spans.length} characters per span`);
  });

  it('bounds searches and errors over a huge trace', async () => {
    const { text, value } = await call('search_spans', { traceId, text: 'step 9', limit: 100 });
    assert.equal(value.spans.length, 100);
    assert.ok(value.totalMatches > 1000);
    assert.ok(text.length <= MAX_ANSWER_CHARS);
  });

  it(`pages a span larger than ${SPAN_PAGE_CHARS.toLocaleString('en')} characters through its JSON text`, async () => {
    const first = await call('get_span', { traceId: (await engine.listTraces({ model: 'gpt-4o' }))[0].traceId, spanId: bigSpanId });
    assert.ok(first.value.totalChars > 2 * SPAN_PAGE_CHARS);
    assert.equal(first.value.jsonText.length, SPAN_PAGE_CHARS);
    let text = first.value.jsonText as string;
    let next: number | undefined = first.value.nextOffset;
    while (next !== undefined) {
      const page = await call('get_span', { traceId: first.value.traceId, spanId: bigSpanId, offset: next });
      assert.ok(page.text.length < SPAN_PAGE_CHARS + 500);
      text += page.value.jsonText;
      next = page.value.nextOffset;
    }
    const whole = JSON.parse(text);
    assert.equal(whole.spanId, bigSpanId);
    assert.equal(whole.messages.input[0].parts[0].content.length, 'The quick brown fox. '.length * 2_800);
  });
});
