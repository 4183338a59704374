import * as assert from 'node:assert/strict';
import { DEFAULT_REDACT_PATTERNS } from '../../../src/model/redaction';
import { DEFAULT_FORWARD_TARGETS } from '../../../src/model/forwardTarget';
import { DEFAULT_SETTINGS, engineOptionsOf, readLoupeSettings, settingsEffect } from '../../../src/vscode/model/loupeSettings';

function reading(values: Record<string, unknown>) {
  return readLoupeSettings((key) => values[key]);
}

describe('loupe.* settings', () => {
  it('gives the documented defaults when nothing is set', () => {
    const { settings, problems } = reading({});
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, DEFAULT_SETTINGS);
    assert.equal(settings.receiver.host, '127.0.0.1');
    assert.deepEqual([settings.receiver.grpcPort, settings.receiver.httpPort], [4317, 4318]);
    assert.deepEqual(settings.forwardTargets, DEFAULT_FORWARD_TARGETS);
  });

  it('keeps valid values and names each invalid one, falling back to its default', () => {
    const { settings, problems } = reading({
      'receiver.grpcPort': 70000,
      'receiver.httpPort': 0,
      'receiver.host': 'http://evil/',
      'store.maxTraces': 2.5,
      'store.maxMegabytes': 512,
      'limits.maxAttributeBytes': 'big',
      'receiver.autoStart': 'yes',
      'receiver.allowedOrigins': ['http://localhost:3000', 'localhost:3000', '*'],
    });
    assert.equal(settings.receiver.grpcPort, 4317);
    assert.equal(settings.receiver.httpPort, 0, 'port 0 (any free port) is valid');
    assert.equal(settings.receiver.host, '127.0.0.1');
    assert.equal(settings.store.maxTraces, 5000);
    assert.equal(settings.store.maxMegabytes, 512);
    assert.equal(settings.limits.maxAttributeBytes, 65_536);
    assert.equal(settings.receiver.autoStart, true);
    assert.deepEqual(settings.receiver.allowedOrigins, ['http://localhost:3000', '*']);
    assert.equal(problems.length, 6);
    assert.ok(problems.some((p) => p.startsWith('loupe.receiver.grpcPort must be a whole number from 0 to 65535 (got 70000)')));
    assert.ok(problems.some((p) => p.includes('loupe.receiver.allowedOrigins') && p.includes('"localhost:3000"')));
  });

  it('checks redaction patterns, prices and forward targets entry by entry', () => {
    const { settings, problems } = reading({
      redact: ['x-tenant-*', '', '/[unclosed/'],
      pricing: [{ model: 'my-model', inputPerMTok: 1, outputPerMTok: 2 }, { model: 'bad', inputPerMTok: -1, outputPerMTok: 2 }, 'nope'],
      'forward.targets': [
        { name: 'Tempo', protocol: 'otlp-http', endpoint: 'http://localhost:4318' },
        { name: 'Broken', protocol: 'carrier-pigeon', endpoint: 'x' },
      ],
    });
    assert.deepEqual(settings.redact, ['x-tenant-*']);
    assert.deepEqual(settings.pricing, [{ model: 'my-model', inputPerMTok: 1, outputPerMTok: 2 }]);
    assert.deepEqual(
      settings.forwardTargets.map((t) => t.name),
      ['Tempo'],
    );
    assert.equal(problems.length, 5);
    assert.ok(problems.some((p) => p.includes('protocol must be one of')));
  });

  it('builds the engine options: redaction adds to the built-in list, sizes in bytes', () => {
    const { settings } = reading({ redact: ['x-tenant-*'], 'store.maxMegabytes': 1.5, 'limits.maxRequestMegabytes': 2 });
    const options = engineOptionsOf(settings, { storeDir: '/store', staticDir: '/ui', version: '1.0.0' });
    assert.deepEqual(options.redact, [...DEFAULT_REDACT_PATTERNS, 'x-tenant-*']);
    assert.equal(options.maxBytes, 1.5 * 1024 * 1024);
    assert.equal(options.maxRequestBytes, 2 * 1024 * 1024);
    assert.equal(options.storeDir, '/store');
    assert.equal(engineOptionsOf(settings, { version: 'x' }, '127.0.0.1').host, '127.0.0.1');
  });

  it('tells which changes restart the engine and which apply live', () => {
    const base = reading({}).settings;
    assert.deepEqual(settingsEffect(base, reading({ 'receiver.httpPort': 5318 }).settings), {
      restartEngine: true,
      limits: false,
      pricing: false,
      endpoint: true,
      forwarding: false,
    });
    assert.deepEqual(settingsEffect(base, reading({ 'store.maxTraces': 50 }).settings), {
      restartEngine: false,
      limits: true,
      pricing: false,
      endpoint: false,
      forwarding: false,
    });
    assert.deepEqual(
      settingsEffect(base, reading({ pricing: [{ model: 'm', inputPerMTok: 1, outputPerMTok: 1 }] }).settings).pricing,
      true,
    );
    assert.deepEqual(settingsEffect(base, reading({ 'env.injectEndpoint': true }).settings).endpoint, true);
    assert.equal(settingsEffect(base, reading({ redact: ['x'] }).settings).restartEngine, true);
  });

  describe('continuous forwarding', () => {
    it('is off by default', () => {
      const { settings } = reading({});
      assert.deepEqual(settings.forwarding, { endpoint: '', protocol: 'http/protobuf' });
      assert.equal(engineOptionsOf(settings, { version: 'x' }).forwarding, undefined);
    });

    it('reads the endpoint and protocol, and takes headers only from the caller (secret storage)', () => {
      const { settings, problems } = reading({
        'forwarding.continuous.endpoint': ' http://tempo:4317 ',
        'forwarding.continuous.protocol': 'grpc',
      });
      assert.deepEqual(problems, []);
      assert.deepEqual(engineOptionsOf(settings, { version: 'x' }, '127.0.0.1', { authorization: 'Bearer k' }).forwarding, {
        endpoint: 'http://tempo:4317',
        protocol: 'grpc',
        headers: { authorization: 'Bearer k' },
      });
    });

    it('keeps forwarding off and names the problem when the endpoint is unusable', () => {
      const { settings, problems } = reading({
        'forwarding.continuous.endpoint': 'http://tempo:4317/path',
        'forwarding.continuous.protocol': 'grpc',
      });
      assert.equal(settings.forwarding.endpoint, '');
      assert.match(problems[0], /^loupe\.forwarding\.continuous\.endpoint: .*just scheme, host and port.* Forwarding stays off\.$/);
      const protocol = reading({ 'forwarding.continuous.endpoint': 'http://c:4318', 'forwarding.continuous.protocol': 'zipkin' });
      assert.equal(protocol.settings.forwarding.protocol, 'http/protobuf');
      assert.match(protocol.problems[0], /loupe\.forwarding\.continuous\.protocol must be one of http\/protobuf, grpc/);
    });

    it('applies a change live, without restarting the engine', () => {
      const base = reading({}).settings;
      assert.deepEqual(settingsEffect(base, reading({ 'forwarding.continuous.endpoint': 'http://c:4318' }).settings), {
        restartEngine: false,
        limits: false,
        pricing: false,
        endpoint: false,
        forwarding: true,
      });
    });
  });
});
