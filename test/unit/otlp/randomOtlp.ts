import type {
  AnyValue,
  ExportLogsServiceRequest,
  ExportTraceServiceRequest,
  InstrumentationScope,
  KeyValue,
  OtlpLogRecord,
  OtlpSpan,
  Resource,
} from '../../../src/model/otlpTypes';

/** A small seeded PRNG (mulberry32), so every generated case can be reproduced from its seed. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, max). */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bytes(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    for (let index = 0; index < length; index++) bytes[index] = this.int(256);
    return bytes;
  }

  /** A random 64-bit value as [lo, hi] unsigned halves. */
  word64(): bigint {
    return (BigInt(this.int(2 ** 32)) << 32n) | BigInt(this.int(2 ** 32));
  }
}

const KEY_POOL = ['gen_ai.request.model', 'service.name', 'llm.input_messages.0.message.content', 'a', '', 'ключ', 'キー', 'emoji.😀'];
const TEXT_POOL = [
  '',
  'chat',
  'gpt-4o-mini',
  'héllo wörld',
  '世界',
  '😀 emoji',
  'tab\tnew\nline',
  '\u0000nul',
  'x'.repeat(64),
  'y'.repeat(65),
];

export function randomText(random: SeededRandom): string {
  switch (random.int(4)) {
    case 0:
      return random.pick(TEXT_POOL);
    case 1: {
      // Short ASCII strings with shared prefixes, to exercise the reader's short-string cache.
      return `k${random.int(50)}.${random.int(5)}`;
    }
    case 2: {
      let text = '';
      const length = random.int(80);
      for (let index = 0; index < length; index++)
        text += String.fromCodePoint(
          random.pick([0x20 + random.int(95), 0xa0 + random.int(0x700), 0x4e00 + random.int(500), 0x1f600 + random.int(50)]),
        );
      return text;
    }
    default:
      return 'prompt '.repeat(random.int(400));
  }
}

function randomKey(random: SeededRandom): string {
  return random.chance(0.6) ? random.pick(KEY_POOL) : randomText(random);
}

export function randomHex(random: SeededRandom, bytes: number): string {
  return Buffer.from(random.bytes(bytes)).toString('hex');
}

/** A signed int64 in decimal, biased to the edges. */
export function randomInt64(random: SeededRandom): string {
  switch (random.int(6)) {
    case 0:
      return String(random.int(1000));
    case 1:
      return String(-random.int(1_000_000));
    case 2:
      return random.pick(['9223372036854775807', '-9223372036854775808', '9007199254740993', '-9007199254740993', '0', '-1']);
    default:
      return BigInt.asIntN(64, random.word64()).toString();
  }
}

/** An unsigned 64-bit time in decimal; never "0" (callers use absence for that). */
export function randomTime(random: SeededRandom): string {
  switch (random.int(4)) {
    case 0:
      return random.pick(['1', '18446744073709551615', '9007199254740993', '1795279085016000000']);
    case 1:
      return String(1_700_000_000_000_000_000n + BigInt(random.int(2 ** 31)) * 1000n);
    default:
      return (random.word64() | 1n).toString();
  }
}

function randomDouble(random: SeededRandom): number {
  return random.pick([0.5, -1.25, 1e-300, 1.7976931348623157e308, NaN, Infinity, -Infinity, -0, random.next() * 1e6 - 5e5]);
}

export function randomAnyValue(random: SeededRandom, depth: number): AnyValue {
  switch (random.int(depth > 3 ? 5 : 8)) {
    case 0:
      return { stringValue: randomText(random) };
    case 1:
      return { boolValue: random.chance(0.5) };
    case 2:
      return { intValue: randomInt64(random) };
    case 3:
      return { doubleValue: randomDouble(random) };
    case 4:
      return { bytesValue: Buffer.from(random.bytes(random.int(40))).toString('base64') };
    case 5:
      return { arrayValue: { values: Array.from({ length: random.int(4) }, () => randomAnyValue(random, depth + 1)) } };
    case 6:
      return { kvlistValue: { values: randomKeyValues(random, 4, depth + 1) } };
    default:
      return {};
  }
}

export function randomKeyValues(random: SeededRandom, max: number, depth = 0): KeyValue[] {
  return Array.from({ length: random.int(max + 1) }, () => ({ key: randomKey(random), value: randomAnyValue(random, depth) }));
}

function randomCount(random: SeededRandom, target: { droppedAttributesCount?: number }): void {
  if (random.chance(0.3)) target.droppedAttributesCount = 1 + random.int(2 ** 32 - 1);
}

function randomResource(random: SeededRandom): Resource {
  const resource: Resource = { attributes: randomKeyValues(random, 4) };
  randomCount(random, resource);
  return resource;
}

function randomScope(random: SeededRandom): InstrumentationScope {
  const scope: InstrumentationScope = { name: randomText(random) };
  if (random.chance(0.5)) scope.version = `1.${random.int(20)}.0`;
  if (random.chance(0.3)) scope.attributes = randomKeyValues(random, 3).concat({ key: 'scope.attr', value: { boolValue: true } });
  randomCount(random, scope);
  return scope;
}

function randomSpan(random: SeededRandom, traceId: string): OtlpSpan {
  const span: OtlpSpan = {
    traceId: random.chance(0.9) ? traceId : random.pick(['', randomHex(random, 3)]),
    spanId: randomHex(random, 8),
    name: randomText(random),
    kind: random.chance(0.9) ? random.int(6) : random.pick([99, -1]),
    startTimeUnixNano: random.chance(0.95) ? randomTime(random) : '0',
    endTimeUnixNano: randomTime(random),
    attributes: randomKeyValues(random, 8),
    events: Array.from({ length: random.int(3) }, () => {
      const event: OtlpSpan['events'][number] = {
        timeUnixNano: randomTime(random),
        name: randomText(random),
        attributes: randomKeyValues(random, 3),
      };
      randomCount(random, event);
      return event;
    }),
    links: Array.from({ length: random.int(3) }, () => {
      const link: OtlpSpan['links'][number] = {
        traceId: randomHex(random, 16),
        spanId: randomHex(random, 8),
        attributes: randomKeyValues(random, 2),
      };
      if (random.chance(0.5)) link.traceState = 'vendor=value';
      if (random.chance(0.5)) link.flags = 1 + random.int(0x3ff);
      randomCount(random, link);
      return link;
    }),
    status: random.chance(0.5) ? { code: random.int(3) } : { code: 2, message: randomText(random) || 'failed' },
  };
  if (random.chance(0.3)) span.traceState = 'rojo=00f067aa0ba902b7';
  if (random.chance(0.7)) span.parentSpanId = randomHex(random, 8);
  if (random.chance(0.6)) span.flags = random.pick([1, 0x100, 0x301, 0xffffffff]);
  randomCount(random, span);
  if (random.chance(0.2)) span.droppedEventsCount = 1 + random.int(100);
  if (random.chance(0.2)) span.droppedLinksCount = 1 + random.int(100);
  return span;
}

export function randomTraceRequest(random: SeededRandom): ExportTraceServiceRequest {
  const traceId = randomHex(random, 16);
  return {
    resourceSpans: Array.from({ length: random.int(3) }, () => {
      const resourceSpans: ExportTraceServiceRequest['resourceSpans'][number] = {
        scopeSpans: Array.from({ length: random.int(3) }, () => {
          const scopeSpans: ExportTraceServiceRequest['resourceSpans'][number]['scopeSpans'][number] = {
            spans: Array.from({ length: random.int(4) }, () => randomSpan(random, traceId)),
          };
          if (random.chance(0.8)) scopeSpans.scope = randomScope(random);
          if (random.chance(0.3)) scopeSpans.schemaUrl = 'https://opentelemetry.io/schemas/1.26.0';
          return scopeSpans;
        }),
      };
      if (random.chance(0.8)) resourceSpans.resource = randomResource(random);
      if (random.chance(0.3)) resourceSpans.schemaUrl = 'https://opentelemetry.io/schemas/1.24.0';
      return resourceSpans;
    }),
  };
}

function randomLogRecord(random: SeededRandom): OtlpLogRecord {
  const record = {} as OtlpLogRecord;
  if (random.chance(0.8)) record.timeUnixNano = randomTime(random);
  if (random.chance(0.8)) record.observedTimeUnixNano = randomTime(random);
  if (random.chance(0.7)) record.severityNumber = 1 + random.int(24);
  if (random.chance(0.5)) record.severityText = random.pick(['INFO', 'WARN', 'ERROR', 'debug']);
  if (random.chance(0.8)) {
    const body = randomAnyValue(random, 0);
    if (Object.keys(body).length > 0) record.body = body;
  }
  record.attributes = randomKeyValues(random, 6);
  randomCount(random, record);
  if (random.chance(0.5)) record.flags = random.pick([1, 0xff]);
  if (random.chance(0.6)) {
    record.traceId = randomHex(random, 16);
    record.spanId = randomHex(random, 8);
  }
  if (random.chance(0.4)) record.eventName = random.pick(['gen_ai.user.message', 'gen_ai.choice', 'x']);
  return record;
}

export function randomLogsRequest(random: SeededRandom): ExportLogsServiceRequest {
  return {
    resourceLogs: Array.from({ length: random.int(3) }, () => {
      const resourceLogs: ExportLogsServiceRequest['resourceLogs'][number] = {
        scopeLogs: Array.from({ length: random.int(3) }, () => {
          const scopeLogs: ExportLogsServiceRequest['resourceLogs'][number]['scopeLogs'][number] = {
            logRecords: Array.from({ length: random.int(4) }, () => randomLogRecord(random)),
          };
          if (random.chance(0.8)) scopeLogs.scope = randomScope(random);
          if (random.chance(0.3)) scopeLogs.schemaUrl = 'https://opentelemetry.io/schemas/1.26.0';
          return scopeLogs;
        }),
      };
      if (random.chance(0.8)) resourceLogs.resource = randomResource(random);
      if (random.chance(0.3)) resourceLogs.schemaUrl = 'https://opentelemetry.io/schemas/1.24.0';
      return resourceLogs;
    }),
  };
}

/** OTLP/JSON text of a decoded request; doubles JSON numbers cannot hold (NaN, ±Infinity, -0) are written as strings. */
export function toOtlpJsonText(request: unknown): string {
  return JSON.stringify(request, (key, value) => {
    if (key !== 'doubleValue' || typeof value !== 'number') return value;
    if (Object.is(value, -0)) return '-0';
    return Number.isFinite(value) ? value : String(value);
  });
}
