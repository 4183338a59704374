import { strict as assert } from 'node:assert';
import { jsonOrText, parseJsonText, parseTruncatedJsonArray } from '../../../src/core/genai/jsonText';

describe('JSON inside strings', () => {
  it('parses objects and arrays only, never throwing', () => {
    assert.deepEqual(parseJsonText(' {"a":1}', 100), { a: 1 });
    assert.deepEqual(parseJsonText('[1,2]', 100), [1, 2]);
    assert.equal(parseJsonText('42', 100), undefined);
    assert.equal(parseJsonText('"s"', 100), undefined);
    assert.equal(parseJsonText('{"a":', 100), undefined);
    assert.equal(parseJsonText('{"a":1}', 3), undefined, 'over the size limit');
    assert.equal(jsonOrText('plain', 100), 'plain');
  });

  it('recovers the complete leading elements of a cut-off array', () => {
    assert.deepEqual(parseTruncatedJsonArray('[{"a":"x]}\\"y"},{"b":[1,{"c":2}]},{"d":', 1000), [{ a: 'x]}"y' }, { b: [1, { c: 2 }] }]);
    assert.deepEqual(parseTruncatedJsonArray('[1, 2, 3', 1000), undefined, 'only container elements are tracked');
    assert.equal(parseTruncatedJsonArray('[{"a":', 1000), undefined);
    assert.equal(parseTruncatedJsonArray('{"a":[{"b":1},', 1000), undefined, 'not an array');
    assert.equal(parseTruncatedJsonArray('[{"a":1}] trailing', 1000), undefined, 'closed arrays are not truncated');
    assert.doesNotThrow(() => parseTruncatedJsonArray('['.repeat(100_000), 1_000_000));
  });
});
