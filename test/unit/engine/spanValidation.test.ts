import * as assert from 'node:assert/strict';
import { invalidSpanReason, validateSpans } from '../../../src/core/engine/spanValidation';
import { ZERO_TRACE_ID } from '../../../src/model/ids';
import { hexId, span, traceRequest } from '../../support/otlpBuilders';

describe('span validation', () => {
  it('judges every span, a trace id repeated by the spans before it included', () => {
    const a = hexId(16);
    const b = hexId(16);
    const good = [
      span(a, hexId(8), undefined, 'a1', 0, 1),
      span(a, hexId(8), undefined, 'a2', 0, 1),
      span(b, hexId(8), undefined, 'b1', 0, 1),
    ];
    const badSpanId = span(a, '0'.repeat(16), undefined, 'zero span id', 0, 1);
    const badParent = span(a, hexId(8), 'xyz', 'bad parent', 0, 1);
    const zeroTrace = span(ZERO_TRACE_ID, hexId(8), undefined, 'zero trace', 0, 1);
    const shortTrace = span(a.slice(0, 30), hexId(8), undefined, 'short trace', 0, 1);
    const upperTrace = span(a.toUpperCase(), hexId(8), undefined, 'upper case', 0, 1);
    const request = traceRequest([good[0], badSpanId, good[1], zeroTrace, badParent, shortTrace, upperTrace, good[2]]);

    const { rejections, spans, total, invalid } = validateSpans(request);
    assert.equal(total, 3);
    assert.deepEqual(
      [...spans],
      [
        [a, 2],
        [b, 1],
      ],
    );
    assert.equal(rejections.count, 5);
    assert.deepEqual(new Set(invalid), new Set([badSpanId, badParent, zeroTrace, shortTrace, upperTrace]));
    assert.match(rejections.result()!.errorMessage, /3 spans with an invalid trace id/);
  });

  it('trusts only the trace id it was told is valid', () => {
    const a = hexId(16);
    assert.equal(invalidSpanReason(a, hexId(8), undefined, a), undefined);
    assert.match(invalidSpanReason(ZERO_TRACE_ID, hexId(8), undefined, a)!, /invalid trace id/);
    assert.match(invalidSpanReason(a, 'nothex!!nothex!!', undefined, a)!, /invalid span id/);
  });
});
