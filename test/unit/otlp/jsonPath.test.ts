import * as assert from 'node:assert/strict';
import { OtlpDecodeError } from '../../../src/core/otlp/decodeError';
import { decodeTraceRequest } from '../../../src/core/otlp/decode';
import { listItemPath, memberPath, readWithPathsOnFailure } from '../../../src/core/otlp/jsonPath';

describe('OTLP/JSON error paths', () => {
  it('are built outside a fast read, and skipped inside one', () => {
    assert.equal(listItemPath(memberPath('resourceSpans[0]', '.scopeSpans'), '', 2), 'resourceSpans[0].scopeSpans[2]');
    assert.equal(
      readWithPathsOnFailure(() => memberPath(listItemPath('spans', '', 3), '.traceId')),
      'spans',
    );
  });

  it('name the failing field exactly: a failed fast read is read again with paths', () => {
    let reads = 0;
    const failing = (): never => {
      reads++;
      throw new OtlpDecodeError(`${memberPath(listItemPath('spans', '', 3), '.traceId')}: expected a hex string`);
    };
    assert.throws(() => readWithPathsOnFailure(failing), { message: 'spans[3].traceId: expected a hex string' });
    assert.equal(reads, 2);
  });

  it('let other errors through at once and build paths again afterwards', () => {
    let reads = 0;
    assert.throws(
      () =>
        readWithPathsOnFailure(() => {
          reads++;
          throw new TypeError('boom');
        }),
      TypeError,
    );
    assert.equal(reads, 1);
    assert.equal(memberPath('a', '.b'), 'a.b');
  });

  it('a nested fast read still ends in the precise error', () => {
    const messages: string[] = [];
    assert.throws(
      () =>
        readWithPathsOnFailure(() =>
          readWithPathsOnFailure(() => {
            const message = `${memberPath('outer', '.inner')}: expected a string`;
            messages.push(message);
            throw new OtlpDecodeError(message);
          }),
        ),
      { message: 'outer.inner: expected a string' },
    );
    assert.equal(messages[0], 'outer: expected a string');
    assert.equal(messages.at(-1), 'outer.inner: expected a string');
  });

  it('deep in a real request, the error still says where', () => {
    const body = JSON.stringify({
      resourceSpans: [
        { scopeSpans: [{}, { spans: [{}, { attributes: [{ key: 'k', value: { arrayValue: { values: [{ intValue: 'x' }] } } }] }] }] },
      ],
    });
    assert.throws(() => decodeTraceRequest(Buffer.from(body), 'json'), {
      message: /^resourceSpans\[0\]\.scopeSpans\[1\]\.spans\[1\]\.attributes\[0\]\.value\.arrayValue\.values\[0\]\.intValue: expected /,
    });
  });
});
