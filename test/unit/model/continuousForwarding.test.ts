import * as assert from 'node:assert/strict';
import {
  describeForwarding,
  FORWARDING_STATUS_OFF,
  forwardingChangeLine,
  forwardTargetOf,
  parseHeaderList,
  validateContinuousForwarding,
  type ForwardingStatus,
} from '../../../src/model/continuousForwarding';

const base: ForwardingStatus = { ...FORWARDING_STATUS_OFF, endpoint: 'http://collector:4318', protocol: 'http/protobuf' };

describe('continuous forwarding settings and status text', () => {
  it('accepts an empty endpoint (off) and the two protocols', () => {
    assert.equal(validateContinuousForwarding({ endpoint: '', protocol: 'http/protobuf' }), undefined);
    assert.equal(validateContinuousForwarding({ endpoint: 'http://collector:4318', protocol: 'http/protobuf' }), undefined);
    assert.equal(validateContinuousForwarding({ endpoint: 'https://tempo:4317', protocol: 'grpc', headers: { 'x-org': 'a' } }), undefined);
  });

  it('names what to fix', () => {
    assert.match(validateContinuousForwarding({ endpoint: 'x', protocol: 'http/json' }) ?? '', /one of http\/protobuf, grpc/);
    assert.match(
      validateContinuousForwarding({ endpoint: 'localhost:4318', protocol: 'grpc' }) ?? '',
      /^Continuous forwarding: endpoint must be/,
    );
    assert.match(validateContinuousForwarding(null) ?? '', /needs an endpoint/);
  });

  it('maps onto the one-trace forwarder target (same validation, encoding and transport)', () => {
    assert.deepEqual(forwardTargetOf({ endpoint: ' http://c:4318 ', protocol: 'http/protobuf', headers: {} }), {
      name: 'continuous forwarding',
      protocol: 'otlp-http',
      endpoint: 'http://c:4318',
    });
    assert.equal(forwardTargetOf({ endpoint: 'http://c:4317', protocol: 'grpc' }).protocol, 'otlp-grpc');
  });

  it('reads headers as OTEL_EXPORTER_OTLP_HEADERS writes them', () => {
    assert.deepEqual(parseHeaderList('api-key=abc, x-tenant = t%3D1 ,,'), { headers: { 'api-key': 'abc', 'x-tenant': 't=1' } });
    assert.deepEqual(parseHeaderList(''), { headers: {} });
    assert.match((parseHeaderList('k=%E0%A4%A') as { problem: string }).problem, /percent-encoding/);
  });

  it('words each state, and the changes a log writes', () => {
    const now = Date.parse('2026-11-21T12:00:30');
    assert.equal(describeForwarding(FORWARDING_STATUS_OFF, now), 'Continuous forwarding is off.');
    assert.equal(
      forwardingChangeLine(undefined, { ...base, state: 'ok' }, now),
      'Forwarding every span received to http://collector:4318 (http/protobuf).',
    );
    const down = {
      ...base,
      state: 'retrying',
      downSince: Date.parse('2026-11-21T12:00:00'),
      lastError: 'refused',
      queuedSpans: 1200,
    } as const;
    assert.equal(
      describeForwarding(down, now),
      'Forwarding to http://collector:4318 (http/protobuf) is retrying: the target has been failing since 2026-11-21 12:00:00 (30 s) (refused); 1,200 spans queued.',
    );
    assert.match(
      forwardingChangeLine('ok', down, now),
      /failed: refused\. Spans are kept and sent again when it answers \(1,200 spans queued\)\.$/,
    );
    // A reason that is already a sentence keeps its one full stop.
    assert.match(
      forwardingChangeLine('ok', { ...down, lastError: 'Nothing is listening there.' }, now),
      /failed: Nothing is listening there\. Spans are kept/,
    );
    assert.equal(
      forwardingChangeLine('retrying', { ...base, state: 'ok', forwardedSpans: 5000, droppedSpans: 12 }, now),
      'Forwarding to http://collector:4318 (http/protobuf) works again: 5,000 spans sent; 12 spans dropped so far.',
    );
    assert.match(
      describeForwarding({ ...base, state: 'dropping', dropReason: 'the queue is full', droppedSpans: 1, failedSpans: 2 }, now),
      /is losing spans: the queue is full; 0 spans queued; 1 span dropped, 2 spans refused by the target so far\.$/,
    );
  });
});
