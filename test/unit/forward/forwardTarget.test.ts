import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import {
  DEFAULT_FORWARD_TARGETS,
  grpcAddressOf,
  otlpHttpUrlOf,
  traceUrlOf,
  validateForwardTarget,
  zipkinUrlOf,
} from '../../../src/model/forwardTarget';

describe('forward targets', () => {
  it('ships valid defaults for a local Jaeger (gRPC and HTTP) and Zipkin, clear of Loupe’s 4317/4318', () => {
    deepStrictEqual(
      DEFAULT_FORWARD_TARGETS.map((target) => [target.protocol, target.endpoint, target.uiUrl]),
      [
        ['otlp-grpc', 'http://localhost:14317', 'http://localhost:16686/trace/{traceId}'],
        ['otlp-http', 'http://localhost:14318', 'http://localhost:16686/trace/{traceId}'],
        ['zipkin', 'http://localhost:9411/api/v2/spans', 'http://localhost:9411/zipkin/traces/{traceId}'],
      ],
    );
    for (const target of DEFAULT_FORWARD_TARGETS) {
      strictEqual(validateForwardTarget(target), undefined, target.name);
      ok(!/:431[78]\b/.test(target.endpoint), target.endpoint);
    }
    strictEqual(new Set(DEFAULT_FORWARD_TARGETS.map((target) => target.name)).size, DEFAULT_FORWARD_TARGETS.length);
  });

  it('accepts usable targets', () => {
    const usable = [
      {
        name: 'Tempo',
        protocol: 'otlp-grpc',
        endpoint: 'https://tempo.example.test:443',
        headers: { authorization: 'Basic abc', 'x-scope-orgid': 'team-1' },
      },
      { name: 'v6', protocol: 'otlp-grpc', endpoint: 'http://[::1]:14317/' },
      { name: 'collector', protocol: 'otlp-http', endpoint: 'https://otel.example.test/otlp', headers: { 'X-Api-Key': 'k' } },
      { name: 'Zipkin', protocol: 'zipkin', endpoint: 'http://zipkin:9411', uiUrl: 'http://zipkin:9411/zipkin/' },
    ];
    for (const target of usable) strictEqual(validateForwardTarget(target), undefined, target.name);
  });

  it('says what to fix in an unusable target', () => {
    const cases: [unknown, string][] = [
      [undefined, 'A forward target must be an object with name, protocol and endpoint.'],
      [['x'], 'A forward target must be an object with name, protocol and endpoint.'],
      [{ protocol: 'zipkin', endpoint: 'http://z' }, 'A forward target needs a name.'],
      [
        { name: 'J', protocol: 'grpc', endpoint: 'http://j' },
        'Forward target "J": protocol must be one of otlp-grpc, otlp-http, zipkin (got "grpc").',
      ],
      [{ name: 'J', protocol: 'otlp-http' }, 'Forward target "J": endpoint is missing.'],
      [
        { name: 'J', protocol: 'otlp-http', endpoint: 'localhost:4318' },
        'Forward target "J": endpoint must be an http:// or https:// URL (got "localhost:4318").',
      ],
      [
        { name: 'J', protocol: 'otlp-grpc', endpoint: 'http://j:14317/v1/traces' },
        'Forward target "J": a gRPC endpoint is just scheme, host and port, e.g. http://localhost:14317 (got a path "/v1/traces").',
      ],
      [
        { name: 'J', protocol: 'otlp-http', endpoint: 'http://user:pw@j' },
        'Forward target "J": put credentials in headers, not in the endpoint URL.',
      ],
      [
        { name: 'J', protocol: 'otlp-http', endpoint: 'http://j', headers: 'a=b' },
        'Forward target "J": headers must be an object of name → value strings.',
      ],
      [
        { name: 'J', protocol: 'otlp-http', endpoint: 'http://j', headers: { a: 1 } },
        'Forward target "J": header "a" must have a string value.',
      ],
      [
        { name: 'J', protocol: 'otlp-http', endpoint: 'http://j', headers: { 'bad name': 'x' } },
        'Forward target "J": "bad name" is not a valid header name.',
      ],
      [
        { name: 'J', protocol: 'otlp-http', endpoint: 'http://j', headers: { a: 'x\ny' } },
        'Forward target "J": header "a" holds a control character (e.g. a line break).',
      ],
      [
        { name: 'J', protocol: 'otlp-grpc', endpoint: 'http://j', headers: { 'a!': 'x' } },
        'Forward target "J": "a!" is not a valid gRPC metadata key.',
      ],
      [
        { name: 'J', protocol: 'otlp-grpc', endpoint: 'http://j', headers: { 'trace-bin': 'x' } },
        'Forward target "J": binary gRPC metadata ("trace-bin") is not supported.',
      ],
      [
        { name: 'J', protocol: 'otlp-grpc', endpoint: 'http://j', headers: { 'grpc-timeout': '1S' } },
        'Forward target "J": "grpc-timeout" is set by gRPC itself and cannot be a header.',
      ],
      [
        { name: 'J', protocol: 'zipkin', endpoint: 'http://j', uiUrl: 'javascript:alert(1)' },
        'Forward target "J": uiUrl must be an http:// or https:// URL, with {traceId} where the trace id goes.',
      ],
    ];
    for (const [target, message] of cases) strictEqual(validateForwardTarget(target), message);
  });

  it('resolves OTLP/HTTP endpoints: a base URL gets /v1/traces, a full one is kept', () => {
    const cases: [string, string][] = [
      ['http://localhost:14318', 'http://localhost:14318/v1/traces'],
      ['http://localhost:14318/', 'http://localhost:14318/v1/traces'],
      ['https://otel.example.test/otlp', 'https://otel.example.test/otlp/v1/traces'],
      ['https://otel.example.test/otlp//', 'https://otel.example.test/otlp/v1/traces'],
      ['http://localhost:14318/v1/traces', 'http://localhost:14318/v1/traces'],
      ['http://localhost:14318/v1/traces/', 'http://localhost:14318/v1/traces'],
      ['http://h/api/v1/traces?tenant=a', 'http://h/api/v1/traces?tenant=a'],
    ];
    for (const [endpoint, url] of cases) strictEqual(otlpHttpUrlOf(endpoint).href, url, endpoint);
  });

  it('resolves Zipkin endpoints: a bare host gets /api/v2/spans, a path is kept', () => {
    strictEqual(zipkinUrlOf('http://localhost:9411').href, 'http://localhost:9411/api/v2/spans');
    strictEqual(zipkinUrlOf('http://localhost:9411/').href, 'http://localhost:9411/api/v2/spans');
    strictEqual(zipkinUrlOf('http://localhost:9411/api/v2/spans').href, 'http://localhost:9411/api/v2/spans');
    strictEqual(zipkinUrlOf('https://collector.test/zipkin').href, 'https://collector.test/zipkin');
  });

  it('resolves gRPC endpoints to host:port and TLS from the scheme', () => {
    deepStrictEqual(grpcAddressOf('http://localhost:14317'), { address: 'localhost:14317', tls: false });
    deepStrictEqual(grpcAddressOf('https://tempo.example.test'), { address: 'tempo.example.test:443', tls: true });
    deepStrictEqual(grpcAddressOf('http://[::1]:14317/'), { address: '[::1]:14317', tls: false });
  });

  it('builds the trace link from the UI template', () => {
    const [jaeger] = DEFAULT_FORWARD_TARGETS;
    strictEqual(traceUrlOf(jaeger, '4bf92f3577b34da6a3ce929d0e0e4736'), 'http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736');
    strictEqual(traceUrlOf({ ...jaeger, uiUrl: undefined }, 'abc'), undefined);
  });
});
