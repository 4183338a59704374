import * as assert from 'node:assert/strict';
import { LiveTrace } from '../../../src/core/engine/liveTrace';
import { PriceBook } from '../../../src/core/genai/pricing';
import { hexId, span, str } from '../../support/otlpBuilders';

describe('LiveTrace', () => {
  const pricing = new PriceBook([]);

  it('stores a span with its indexes last, exactly as a copy with the indexes added would serialize', () => {
    const t = hexId(16);
    const live = LiveTrace.create(t, 1, 0);
    const resource = live.internResource({ attributes: [str('service.name', 'svc')] });
    const scope = live.internScope({ name: 'scope' });
    const incoming = span(t, hexId(8), hexId(8), 'call', 0, 5, [str('gen_ai.prompt', 'hello')]);
    const expected = JSON.stringify({ ...incoming, resourceIndex: resource, scopeIndex: scope });
    live.addSpan(incoming, resource, scope, pricing, 1);
    assert.equal(JSON.stringify(live.stored.spans[0]), expected);
    assert.equal(live.spanCount, 1);
  });

  it('keeps each trace its own indexes when the same span object reaches two traces', () => {
    const t = hexId(16);
    const incoming = span(t, hexId(8), undefined, 'root', 0, 5);
    const first = LiveTrace.create(t, 1, 0);
    const second = LiveTrace.create(t, 2, 0);
    second.internResource({ attributes: [str('service.name', 'other')] });
    const firstIndex = first.internResource({ attributes: [str('service.name', 'svc')] });
    const secondIndex = second.internResource({ attributes: [str('service.name', 'svc')] });
    assert.notEqual(firstIndex, secondIndex);
    first.addSpan(incoming, firstIndex, first.internScope(undefined), pricing, 1);
    second.addSpan(incoming, secondIndex, second.internScope(undefined), pricing, 1);
    assert.equal(first.stored.spans[0].resourceIndex, firstIndex);
    assert.equal(second.stored.spans[0].resourceIndex, secondIndex);
    assert.equal(first.facts[0].service, 'svc');
    assert.equal(second.facts[0].service, 'svc');
  });

  it('replaces a span sent again under the same id, and sizes the trace by the new one', () => {
    const t = hexId(16);
    const id = hexId(8);
    const live = LiveTrace.create(t, 1, 0);
    const r = live.internResource(undefined);
    const s = live.internScope(undefined);
    live.addSpan(span(t, id, undefined, 'first', 0, 5, [str('k', 'x'.repeat(1000))]), r, s, pricing, 1);
    const bigger = live.bytes;
    live.addSpan(span(t, id, undefined, 'second', 0, 5), r, s, pricing, 2);
    assert.equal(live.spanCount, 1);
    assert.equal(live.stored.spans[0].name, 'second');
    // The new span carries a short note of the one it replaced (loupe.duplicate_span_id), not its 1,000-byte value.
    assert.ok(live.bytes < bigger - 700, 'the replaced span no longer counts');
  });
});
