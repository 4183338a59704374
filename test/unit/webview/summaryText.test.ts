import { strict as assert } from 'node:assert';
import { statusText, tokensLine } from '../../../webview/details/summaryText';

describe('span summary wording', () => {
  it('says what a status means instead of OpenTelemetry’s "unset"', () => {
    assert.equal(statusText('unset'), 'no error recorded');
    assert.equal(statusText('ok'), 'OK');
    assert.equal(statusText('error', 'timeout'), 'error: timeout');
  });

  it('mentions missing token usage only for model calls', () => {
    assert.equal(tokensLine('tool', undefined, false), undefined);
    assert.equal(tokensLine('agent', undefined, false), undefined);
    assert.equal(tokensLine('llm', undefined, false), 'not reported by the instrumentation');
    assert.equal(tokensLine('llm', '420 in · 37 out', true), '420 in · 37 out');
  });
});
