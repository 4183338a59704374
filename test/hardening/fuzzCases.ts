import { gzipSync } from 'node:zlib';
import type { ExportLogsServiceRequest, ExportTraceServiceRequest } from '../../src/model/otlpTypes';
import { randomLogsRequest, randomTraceRequest, SeededRandom } from '../unit/otlp/randomOtlp';
import { LOGS_EXPORT_PATH, toJson, toProtobuf, TRACE_EXPORT_PATH } from './otlpWire';
import { encodeVarint, fieldSites, type FieldSite } from './protobufWalk';
import { buildTrace } from './sentTraces';

/** gRPC status codes the cases expect. */
export const GRPC = { OK: 0, INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, INTERNAL: 13 } as const;

/** A valid request whose spans must all be stored. */
export interface ValidExpectation {
  traceId: string;
  spanCount: number;
}

export type FuzzCase =
  | {
      transport: 'http';
      kind: string;
      method: string;
      path: string;
      headers: Record<string, string>;
      body: Buffer;
      allowed: readonly number[];
      valid?: ValidExpectation;
    }
  | { transport: 'grpc'; kind: string; path: string; body: Buffer; allowed: readonly number[]; valid?: ValidExpectation }
  /** Hand-made gRPC framing over plain HTTP/2 (compression flags, lying lengths); `allowed` are gRPC codes. */
  | { transport: 'h2'; kind: string; path: string; headers: Record<string, string>; body: Buffer; allowed: readonly number[] }
  /** Bytes written to a TCP socket as they are; `allowed` are HTTP statuses, or 'closed' for no answer. */
  | { transport: 'raw'; kind: string; bytes: Buffer; allowed: readonly (number | 'closed')[] };

type Signal = 'traces' | 'logs';

interface Template {
  signal: Signal;
  protobuf: Buffer;
  json: Buffer;
  sites: FieldSite[];
}

const HTTP_PATH: Record<Signal, string> = { traces: '/v1/traces', logs: '/v1/logs' };
const GRPC_PATH: Record<Signal, string> = { traces: TRACE_EXPORT_PATH, logs: LOGS_EXPORT_PATH };
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** An OTLP/JSON AnyValue nesting key-value lists and arrays `depth` deep, as text (too deep for JSON.stringify). */
function deepJsonValue(depth: number): string {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < depth; i++) {
    open.push(i % 2 === 0 ? '{"kvlistValue":{"values":[{"key":"k","value":' : '{"arrayValue":{"values":[');
    close.push(i % 2 === 0 ? '}]}}' : ']}}');
  }
  return `${open.join('')}{"stringValue":"bottom"}${close.reverse().join('')}`;
}

function lengthDelimited(field: number, body: Buffer): Buffer {
  return Buffer.concat([encodeVarint(field * 8 + 2), encodeVarint(body.length), body]);
}

/** A one-span request whose attribute value nests arrays and key-value lists `depth` deep, encoded by hand. */
function deepProtobufRequest(depth: number): Buffer {
  let value = lengthDelimited(1, Buffer.from('bottom'));
  for (let i = 0; i < depth; i++) {
    value =
      i % 2 === 0
        ? lengthDelimited(6, lengthDelimited(1, Buffer.concat([lengthDelimited(1, Buffer.from('k')), lengthDelimited(2, value)])))
        : lengthDelimited(5, lengthDelimited(1, value));
  }
  const span = Buffer.concat([
    lengthDelimited(1, Buffer.alloc(16, 0xab)),
    lengthDelimited(2, Buffer.alloc(8, 0xcd)),
    lengthDelimited(5, Buffer.from('deep')),
    lengthDelimited(9, Buffer.concat([lengthDelimited(1, Buffer.from('deep')), lengthDelimited(2, value)])),
  ]);
  return lengthDelimited(1, lengthDelimited(2, lengthDelimited(2, span)));
}

/**
 * A seeded stream of hostile OTLP requests for both receivers, with a valid request (whose spans
 * are tracked) mixed in about every `validEvery` cases. Each case states the answers it may get.
 */
export class FuzzCaseGenerator {
  private readonly random: SeededRandom;
  private readonly templates: Template[] = [];
  private readonly oversize: Buffer;
  private readonly gzipBomb: Buffer;
  private validCount = 0;

  constructor(
    private readonly seed: number,
    private readonly maxRequestBytes: number,
    private readonly validEvery = 8,
  ) {
    this.random = new SeededRandom(seed);
    for (let i = 0; i < 40; i++) this.templates.push(this.template('traces', randomTraceRequest(this.random)));
    for (let i = 0; i < 20; i++) this.templates.push(this.template('logs', randomLogsRequest(this.random)));
    const big = buildTrace(seed, 1_000_000, 1, 0).request;
    big.resourceSpans[0].scopeSpans[0].spans[0].name = 'o'.repeat(maxRequestBytes + 1024);
    this.oversize = toProtobuf(big);
    this.gzipBomb = gzipSync(Buffer.alloc(maxRequestBytes * 2, 0x0a));
  }

  next(): FuzzCase {
    if (this.random.int(this.validEvery) === 0) return this.validCase();
    const kinds = HOSTILE_KINDS;
    return kinds[this.random.int(kinds.length)](this, this.random, this.random.pick(this.templates));
  }

  private template(signal: Signal, request: ExportTraceServiceRequest | ExportLogsServiceRequest): Template {
    const protobuf = toProtobuf(request);
    return { signal, protobuf, json: toJson(request), sites: fieldSites(protobuf) };
  }

  private validCase(): FuzzCase {
    const spanCount = 1 + this.random.int(5);
    const { traceId, request } = buildTrace(this.seed ^ 0x1234567, this.validCount++, spanCount, this.random.int(300));
    const valid = { traceId, spanCount };
    const transport = this.random.int(4);
    if (transport === 0)
      return { transport: 'grpc', kind: 'valid', path: TRACE_EXPORT_PATH, body: toProtobuf(request), allowed: [GRPC.OK], valid };
    const json = transport === 1;
    const gzip = this.random.chance(0.3);
    const raw = json ? toJson(request) : toProtobuf(request);
    const headers: Record<string, string> = { 'Content-Type': json ? JSON_TYPE : PROTOBUF };
    if (gzip) headers['Content-Encoding'] = 'gzip';
    return {
      transport: 'http',
      kind: 'valid',
      method: 'POST',
      path: '/v1/traces',
      headers,
      body: gzip ? gzipSync(raw) : raw,
      allowed: [200],
      valid,
    };
  }

  /** The same hostile protobuf body to one receiver or the other; `httpAllowed` maps to gRPC codes. */
  protobufCase(kind: string, signal: Signal, body: Buffer, httpAllowed: readonly number[]): FuzzCase {
    if (this.random.chance(0.5)) {
      const allowed = httpAllowed.map((status) =>
        status === 200 ? GRPC.OK : status === 413 ? GRPC.RESOURCE_EXHAUSTED : GRPC.INVALID_ARGUMENT,
      );
      return { transport: 'grpc', kind, path: GRPC_PATH[signal], body, allowed: [...new Set(allowed)] };
    }
    return {
      transport: 'http',
      kind,
      method: 'POST',
      path: HTTP_PATH[signal],
      headers: { 'Content-Type': PROTOBUF },
      body,
      allowed: httpAllowed,
    };
  }

  jsonCase(
    kind: string,
    signal: Signal,
    body: Buffer | string,
    allowed: readonly number[],
    headers: Record<string, string> = {},
  ): FuzzCase {
    return {
      transport: 'http',
      kind,
      method: 'POST',
      path: HTTP_PATH[signal],
      headers: { 'Content-Type': JSON_TYPE, ...headers },
      body: Buffer.from(body),
      allowed,
    };
  }

  get oversizeBody(): Buffer {
    return this.oversize;
  }

  get gzipBombBody(): Buffer {
    return this.gzipBomb;
  }
}

type CaseMaker = (generator: FuzzCaseGenerator, random: SeededRandom, template: Template) => FuzzCase;

/** Sites that certainly are fields of messages (not bytes inside a string that happened to parse). */
function sureSite(random: SeededRandom, template: Template): FieldSite | undefined {
  const sure = template.sites.filter((site) => site.depth <= 1);
  return sure.length > 0 ? random.pick(sure) : undefined;
}

function retag(site: FieldSite, wireType: number): Buffer {
  return encodeVarint(site.fieldNumber * 8 + wireType);
}

function splice(bytes: Buffer, from: number, to: number, insert: Buffer): Buffer {
  return Buffer.concat([bytes.subarray(0, from), insert, bytes.subarray(to)]);
}

const HOSTILE_KINDS: CaseMaker[] = [
  (g, r, t) => g.protobufCase('random bytes', t.signal, Buffer.from(r.bytes(r.int(300))), [200, 400]),
  (g, r, t) => g.protobufCase('truncated', t.signal, t.protobuf.subarray(0, r.int(t.protobuf.length)), [200, 400]),
  (g, r, t) => {
    const copy = Buffer.from(t.protobuf);
    for (let flips = 1 + r.int(4); flips > 0 && copy.length > 0; flips--) copy[r.int(copy.length)] ^= 1 << r.int(8);
    return g.protobufCase('bit flips', t.signal, copy, [200, 400]);
  },
  (g, r, t) => {
    const site = t.sites.length > 0 ? r.pick(t.sites) : undefined;
    if (!site) return g.protobufCase('wrong wire type', t.signal, Buffer.from([0x09, 1, 2]), [400]);
    const wireType = r.pick([0, 1, 2, 3, 4, 5].filter((w) => w !== site.wireType));
    return g.protobufCase(
      'wrong wire type',
      t.signal,
      splice(t.protobuf, site.tagOffset, site.tagOffset + site.tagLength, retag(site, wireType)),
      [200, 400],
    );
  },
  (g, r, t) => {
    // Wire types 6 and 7 do not exist, so no decoder can skip them (3 and 4, groups, might be skipped).
    const site = sureSite(r, t);
    const bad = r.pick([6, 7]);
    if (!site) return g.protobufCase('invalid wire type', t.signal, Buffer.from([0x08 | bad, 0]), [400]);
    return g.protobufCase(
      'invalid wire type',
      t.signal,
      splice(t.protobuf, site.tagOffset, site.tagOffset + site.tagLength, retag(site, bad)),
      [400],
    );
  },
  (g, r, t) => {
    const site = sureSite(r, t);
    const huge = encodeVarint(r.pick([2 ** 31, 2 ** 32 - 1, 2 ** 40, 2 ** 53 - 1, t.protobuf.length + 1]));
    if (!site || site.lengthOffset === undefined) {
      return g.protobufCase('huge declared length', t.signal, Buffer.concat([Buffer.from([0x0a]), huge, t.protobuf]), [400]);
    }
    return g.protobufCase(
      'huge declared length',
      t.signal,
      splice(t.protobuf, site.lengthOffset, site.lengthOffset + site.lengthLength!, huge),
      [400],
    );
  },
  (g, r, t) => {
    // An unknown field (15) whose varint never ends: it cannot even be skipped.
    const tail = Buffer.from([0x78, ...Array.from({ length: 1 + r.int(8) }, () => 0x80 | r.int(128))]);
    return g.protobufCase('truncated varint', t.signal, Buffer.concat([t.protobuf, tail]), [400]);
  },
  (g, r) => {
    const depth = 70 + r.int(2_000);
    if (r.chance(0.5)) return g.protobufCase('deep nesting', 'traces', deepProtobufRequest(depth), [400]);
    const request = buildTrace(r.int(2 ** 31), 0, 1, 0).request;
    request.resourceSpans[0].scopeSpans[0].spans[0].attributes.push({ key: 'deep', value: { stringValue: 'DEEP-HERE' } });
    const [head, tail] = toJson(request).toString().split('{"stringValue":"DEEP-HERE"}');
    return g.jsonCase('deep nesting', 'traces', head + deepJsonValue(depth) + tail, [400]);
  },
  (g, r) => {
    const depth = 1_000 + r.int(60_000);
    return g.jsonCase('deep brackets', 'traces', `{"resourceSpans":${'['.repeat(depth)}${']'.repeat(r.chance(0.5) ? depth : 0)}}`, [400]);
  },
  (g, r) => {
    // A span name or string value that is not UTF-8: decoded leniently (U+FFFD), never refused.
    const request = buildTrace(r.int(2 ** 31), 0, 1, 0).request;
    request.resourceSpans[0].scopeSpans[0].spans[0].name = 'MARKER-NAME';
    const body = toProtobuf(request);
    const at = body.indexOf('MARKER-NAME');
    body[at] = r.pick([0xc3, 0xff, 0xed, 0xf8]);
    body[at + 1] = r.pick([0x28, 0xa0, 0xfe]);
    if (r.chance(0.5)) return g.protobufCase('invalid UTF-8', 'traces', body, [200]);
    const json = toJson(request);
    const jat = json.indexOf('MARKER-NAME');
    json[jat] = 0xff;
    json[jat + 1] = 0xfe;
    return g.jsonCase('invalid UTF-8', 'traces', json, [200]);
  },
  (g, r, t) => {
    if (r.chance(0.5))
      return {
        transport: 'grpc',
        kind: 'over the size limit',
        path: GRPC_PATH[t.signal],
        body: g.oversizeBody,
        allowed: [GRPC.RESOURCE_EXHAUSTED],
      };
    // Over HTTP/1 the answer comes before the body is read; a client still writing a huge body may
    // then see its connection reset before it reads the 413, so only the head of the body is sent.
    const head = `POST ${HTTP_PATH[t.signal]} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${PROTOBUF}\r\nContent-Length: ${g.oversizeBody.length}\r\n\r\n`;
    return {
      transport: 'raw',
      kind: 'over the size limit',
      bytes: Buffer.concat([Buffer.from(head), g.oversizeBody.subarray(0, 8_192)]),
      allowed: [413],
    };
  },
  (g, r, t) => ({
    transport: 'http',
    kind: 'gzip bomb',
    method: 'POST',
    path: HTTP_PATH[t.signal],
    headers: { 'Content-Type': PROTOBUF, 'Content-Encoding': 'gzip' },
    body: g.gzipBombBody,
    allowed: [413],
  }),
  (g, r, t) => {
    const valid = gzipSync(t.protobuf);
    const body = r.chance(0.5) ? Buffer.from(r.bytes(1 + r.int(200))) : valid.subarray(0, Math.max(1, r.int(valid.length - 8)));
    return {
      transport: 'http',
      kind: 'bad gzip',
      method: 'POST',
      path: HTTP_PATH[t.signal],
      headers: { 'Content-Type': PROTOBUF, 'Content-Encoding': r.pick(['gzip', 'deflate']) },
      body,
      allowed: [400],
    };
  },
  (g, r, t) => {
    const headers: Record<string, string> = {
      'Content-Type': r.pick([
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/x-protobuf-nope',
        'application/grpc',
        '',
        'application/jsonx',
      ]),
    };
    return {
      transport: 'http',
      kind: 'wrong content type',
      method: 'POST',
      path: HTTP_PATH[t.signal],
      headers,
      body: t.protobuf,
      allowed: [415],
    };
  },
  (g, r, t) => ({
    transport: 'http',
    kind: 'unsupported encoding',
    method: 'POST',
    path: HTTP_PATH[t.signal],
    headers: { 'Content-Type': PROTOBUF, 'Content-Encoding': r.pick(['br', 'compress', 'zstd', 'gzip, gzip']) },
    body: t.protobuf,
    allowed: [415],
  }),
  (g, r, t) => ({
    transport: 'http',
    kind: 'wrong method',
    method: r.pick(['GET', 'PUT', 'DELETE', 'PATCH']),
    path: HTTP_PATH[t.signal],
    headers: {},
    body: Buffer.alloc(0),
    allowed: [405],
  }),
  (g, r, t) => {
    const path = r.pick(['/v1/metric', '/v1/trace', '/v2/traces', '/v1/traces/extra', '/api/traces/x/y']);
    // The API asks for its access token before it looks at the path.
    return {
      transport: 'http',
      kind: 'unknown path',
      method: 'POST',
      path,
      headers: { 'Content-Type': PROTOBUF },
      body: t.protobuf,
      allowed: path.startsWith('/api/') ? [401] : [404, 405],
    };
  },
  (g, r, t) => {
    const text = t.json.toString('utf8');
    return g.jsonCase('truncated JSON', t.signal, text.slice(0, 1 + r.int(text.length - 1)), [400]);
  },
  (g, r, t) => {
    const text = t.json.toString('utf8');
    const at = r.int(text.length);
    return g.jsonCase(
      'mangled JSON',
      t.signal,
      text.slice(0, at) + r.pick(['{', '}', '[', ']', '"', ',', ':', '0x', '\\u', 'null', '\u0000']) + text.slice(at + 1),
      [200, 400],
    );
  },
  (g, r, t) => g.jsonCase('not an object', t.signal, r.pick(['null', '[]', '42', '"text"', 'true', '', ' ', '\ufeff']), [400]),
  (g, r, t) =>
    g.jsonCase(
      'wrong JSON types',
      t.signal,
      r.pick([
        '{"resourceSpans":{}}',
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":7,"kind":"x","attributes":{}}]}]}]}',
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":[1,2],"spanId":{},"startTimeUnixNano":1e400}]}]}]}',
        '{"resourceSpans":[{"resource":{"attributes":[{"key":"a","value":{"intValue":"12x"}}]}}]}',
        '{"resourceSpans":[{"resource":{"attributes":[{"key":"a","value":{"arrayValue":{"values":"no"}}}]}}]}',
        '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"kvlistValue":{"values":[{"key":1}]}}}]}]}]}',
        '{"__proto__":{"polluted":true},"resourceSpans":[]}',
        '{"constructor":{"prototype":{"polluted":true}},"resourceSpans":[]}',
      ]),
      [200, 400],
    ),
  (g, r, t) => {
    // gRPC framing by hand: bad compression, lying lengths, unknown encodings, empty calls.
    const frame = (flag: number, length: number, body: Buffer) =>
      Buffer.concat([Buffer.from([flag, length >>> 24, (length >>> 16) & 255, (length >>> 8) & 255, length & 255]), body]);
    const choices: [string, Record<string, string>, Buffer, number[]][] = [
      ['h2 bad gzip message', { 'grpc-encoding': 'gzip' }, frame(1, 16, Buffer.from(r.bytes(16))), [GRPC.INTERNAL]],
      ['h2 compressed flag without encoding', {}, frame(1, 4, Buffer.from('abcd')), [GRPC.INVALID_ARGUMENT]],
      ['h2 unknown encoding', { 'grpc-encoding': 'br' }, frame(1, 4, Buffer.from('abcd')), [GRPC.UNIMPLEMENTED]],
      ['h2 length longer than body', {}, frame(0, t.protobuf.length + 1 + r.int(100_000), t.protobuf), [GRPC.UNIMPLEMENTED]],
      ['h2 declared length over the limit', {}, frame(0, 0x7fffffff, t.protobuf.subarray(0, 16)), [GRPC.RESOURCE_EXHAUSTED]],
      ['h2 no message', {}, Buffer.alloc(0), [GRPC.UNIMPLEMENTED]],
      ['h2 partial frame header', {}, Buffer.from([0, 0, 0]), [GRPC.UNIMPLEMENTED]],
      [
        'h2 two messages in a unary call',
        {},
        Buffer.concat([frame(0, 0, Buffer.alloc(0)), frame(0, 0, Buffer.alloc(0))]),
        [GRPC.UNIMPLEMENTED],
      ],
    ];
    const [kind, headers, body, allowed] = r.pick(choices);
    return { transport: 'h2', kind, path: GRPC_PATH[t.signal], headers, body, allowed };
  },
  (g, r, t) => {
    const choices: [string, Buffer, (number | 'closed')[]][] = [
      ['raw garbage request line', Buffer.from(`${String.fromCharCode(...r.bytes(40).map((b) => 33 + (b % 90)))}\r\n\r\n`), [400]],
      [
        'raw header overflow',
        Buffer.from(`POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`),
        [400, 431],
      ],
      [
        'raw bad chunk size',
        Buffer.from(
          'POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
        ),
        [400, 'closed'],
      ],
      [
        'raw body shorter than its Content-Length',
        Buffer.concat([
          Buffer.from(
            `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${t.protobuf.length + 500}\r\n\r\n`,
          ),
          t.protobuf,
        ]),
        [400, 'closed'],
      ],
      [
        'raw both Content-Length and chunked',
        Buffer.from(
          'POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
        ),
        [400],
      ],
    ];
    const [kind, bytes, allowed] = r.pick(choices);
    return { transport: 'raw', kind, bytes, allowed };
  },
];
