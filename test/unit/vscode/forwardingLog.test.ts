import * as assert from 'node:assert/strict';
import { FORWARDING_STATUS_OFF, type ForwardingStatus } from '../../../src/model/continuousForwarding';
import { forwardingLogLine } from '../../../src/vscode/model/forwardingLog';

describe('the Output channel on continuous forwarding', () => {
  const on: ForwardingStatus = { ...FORWARDING_STATUS_OFF, state: 'ok', endpoint: 'http://c:4318', protocol: 'http/protobuf' };

  it('writes a start and a recovery as information, an outage as a warning and lost spans as an error', () => {
    assert.deepEqual(forwardingLogLine('off', on, 0), {
      level: 'info',
      text: 'Forwarding every span received to http://c:4318 (http/protobuf).',
    });
    assert.equal(forwardingLogLine('ok', { ...on, state: 'retrying', lastError: 'refused' }, 0).level, 'warn');
    assert.equal(
      forwardingLogLine('retrying', { ...on, forwardedSpans: 3 }, 0).text,
      'Forwarding to http://c:4318 (http/protobuf) works again: 3 spans sent.',
    );
    assert.equal(forwardingLogLine('retrying', { ...on, state: 'dropping', dropReason: 'the queue is full' }, 0).level, 'error');
    assert.deepEqual(forwardingLogLine('ok', FORWARDING_STATUS_OFF, 0), { level: 'info', text: 'Continuous forwarding is off.' });
    assert.equal(forwardingLogLine(undefined, { ...FORWARDING_STATUS_OFF, problem: 'loop' }, 0).level, 'warn');
  });
});
