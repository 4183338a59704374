import * as assert from 'node:assert/strict';
import { parseCli } from '../../../src/cli/serveArgs';

describe('loupe command line', () => {
  it('defaults to loopback and the standard OTLP ports', () => {
    const parsed = parseCli(['serve']);
    assert.equal(parsed.command, 'serve');
    if (parsed.command !== 'serve') return;
    assert.equal(parsed.options.host, '127.0.0.1');
    assert.equal(parsed.options.grpcPort, 4317);
    assert.equal(parsed.options.httpPort, 4318);
    assert.equal(parsed.options.maxTraces, 5000);
    assert.equal(parsed.options.maxAgeMs, 90 * 24 * 3600 * 1000);
    assert.equal(parsed.options.maxBytes, undefined, 'the engine default applies');
    assert.match(parsed.options.storeDir, /\.loupe[/\\]traces$/);
  });

  it('reads every flag', () => {
    const parsed = parseCli([
      'serve',
      '--host',
      '0.0.0.0',
      '--grpc-port',
      '0',
      '--http-port=9999',
      '--store',
      '/tmp/s',
      '--max-traces',
      '5',
      '--max-mb',
      '300',
      '--max-age-days',
      '0.5',
      '--max-message-mb',
      '2',
      '--open',
    ]);
    assert.deepEqual(parsed, {
      command: 'serve',
      options: {
        host: '0.0.0.0',
        grpcPort: 0,
        httpPort: 9999,
        storeDir: '/tmp/s',
        maxTraces: 5,
        maxBytes: 300 * 1024 * 1024,
        maxAgeMs: 12 * 3600 * 1000,
        maxMessageBytes: 2 * 1024 * 1024,
        open: true,
      },
    });
    const noAgeLimit = parseCli(['serve', '--max-age-days', '0']);
    assert.equal(noAgeLimit.command === 'serve' && 'maxAgeMs' in noAgeLimit.options, false);
  });

  for (const [args, message] of [
    [['serve', '--grpc-port', 'abc'], /--grpc-port must be a port number/],
    [['serve', '--http-port', '70000'], /--http-port must be a port number/],
    [['serve', '--http-port', '-1'], /--http-port|argument/],
    [['serve', '--max-traces', '0'], /--max-traces must be/],
    [['serve', '--max-mb', '0'], /--max-mb must be/],
    [['serve', '--max-age-days', 'soon'], /--max-age-days must be/],
    [['serve', '--budget', 'weekly=3'], /SCOPE=USD/],
    [['serve', '--budget', 'daily=3', '--budget', 'daily=4'], /given twice/],
    [['serve', '--nope'], /Unknown option/],
    [['frobnicate'], /unknown command/],
    [[], /missing command/],
  ] as const) {
    it(`refuses ${JSON.stringify(args)} with a usage error`, () => {
      const parsed = parseCli(args);
      assert.equal(parsed.command, 'usage-error');
      if (parsed.command === 'usage-error') assert.match(parsed.message, message);
    });
  }

  it('reads repeated budgets', () => {
    const parsed = parseCli(['serve', '--budget', 'daily=5', '--budget', 'agent:planner=20:70:90', '--budget', 'run=0.5']);
    assert.equal(parsed.command, 'serve');
    if (parsed.command === 'serve') {
      assert.deepEqual(parsed.options.budgets, [
        { scope: 'daily', limitUsd: 5, warningPercent: 80, criticalPercent: 100 },
        { scope: 'agent:planner', limitUsd: 20, warningPercent: 70, criticalPercent: 90 },
        { scope: 'run', limitUsd: 0.5, warningPercent: 80, criticalPercent: 100 },
      ]);
    }
  });

  it('answers help and version', () => {
    assert.deepEqual(parseCli(['--help']), { command: 'help' });
    assert.deepEqual(parseCli(['-v']), { command: 'version' });
  });

  it('reads loupe mcp: where a running Loupe listens and which store to read otherwise', () => {
    const parsed = parseCli(['mcp', '--http-port', '9000', '--store', '/tmp/s']);
    assert.deepEqual(parsed, { command: 'mcp', options: { host: '127.0.0.1', httpPort: 9000, storeDir: '/tmp/s' } });
    const defaults = parseCli(['mcp']);
    assert.equal(defaults.command, 'mcp');
    if (defaults.command === 'mcp') assert.equal(defaults.options.httpPort, 4318);
  });

  it('refuses serve-only flags on loupe mcp', () => {
    const parsed = parseCli(['mcp', '--open']);
    assert.equal(parsed.command, 'usage-error');
    if (parsed.command === 'usage-error') assert.match(parsed.message, /--open is an option of "loupe serve"/);
  });

  describe('continuous forwarding', () => {
    const forwardingOf = (args: string[], env: Record<string, string> = {}) => {
      const parsed = parseCli(['serve', ...args], env);
      assert.equal(parsed.command, 'serve', JSON.stringify(parsed));
      return parsed.command === 'serve' ? parsed.options.forwarding : undefined;
    };

    it('is off without --forward-to, whatever the environment holds', () => {
      assert.equal(forwardingOf([], { LOUPE_FORWARD_HEADERS: 'a=b', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), undefined);
    });

    it('reads the endpoint, the protocol (http/protobuf by default) and headers from LOUPE_FORWARD_HEADERS only', () => {
      assert.deepEqual(forwardingOf(['--forward-to', 'http://collector:4318']), {
        endpoint: 'http://collector:4318',
        protocol: 'http/protobuf',
      });
      assert.deepEqual(
        forwardingOf(['--forward-to', 'https://tempo.example:443', '--forward-protocol', 'grpc'], {
          LOUPE_FORWARD_HEADERS: 'authorization=Bearer%20abc,x-scope-orgid=team%2Cone',
        }),
        {
          endpoint: 'https://tempo.example:443',
          protocol: 'grpc',
          headers: { authorization: 'Bearer abc', 'x-scope-orgid': 'team,one' },
        },
      );
    });

    for (const [args, env, message] of [
      [['--forward-to', 'collector:4318'], {}, /--forward-to: .*http:\/\/ or https:\/\//],
      [['--forward-to', 'ftp://collector'], {}, /http:\/\/ or https:\/\//],
      [['--forward-to', 'http://tempo:4317/v1', '--forward-protocol', 'grpc'], {}, /just scheme, host and port/],
      [['--forward-to', 'http://user:pw@collector:4318'], {}, /credentials in headers/],
      [['--forward-to', 'http://c:4318', '--forward-protocol', 'zipkin'], {}, /http\/protobuf or grpc/],
      [['--forward-protocol', 'grpc'], {}, /needs --forward-to/],
      [['--forward-to', 'http://c:4318'], { LOUPE_FORWARD_HEADERS: 'no-equals-sign' }, /LOUPE_FORWARD_HEADERS: .*not name=value/],
      [['--forward-to', 'http://c:4318'], { LOUPE_FORWARD_HEADERS: 'bad name=x' }, /LOUPE_FORWARD_HEADERS: .*not a valid header name/],
      [['--forward-to', 'http://c:4318'], { LOUPE_FORWARD_HEADERS: 'a=%0d%0aInjected: 1' }, /LOUPE_FORWARD_HEADERS: .*control character/],
    ] as const) {
      it(`refuses ${JSON.stringify([...args, env])}`, () => {
        const parsed = parseCli(['serve', ...args], env);
        assert.equal(parsed.command, 'usage-error');
        if (parsed.command === 'usage-error') assert.match(parsed.message, message);
      });
    }

    it('is an option of loupe serve, not of loupe mcp', () => {
      const parsed = parseCli(['mcp', '--forward-to', 'http://c:4318']);
      assert.equal(parsed.command, 'usage-error');
    });
  });
});
