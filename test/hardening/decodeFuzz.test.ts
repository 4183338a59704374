import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeLogsRequest, decodeTraceRequest } from '../../src/core/otlp/decode';
import type { OtlpWireFormat } from '../../src/core/otlp/decode';
import { OtlpDecodeError } from '../../src/core/otlp/decodeError';
import { toProtobufjsObject } from '../unit/otlp/protobufjsCodec';
import { otlpType } from '../unit/otlp/protobufjsOtlpSchema';
import { SeededRandom, randomLogsRequest, randomTraceRequest, toOtlpJsonText } from '../unit/otlp/randomOtlp';

type Signal = 'traces' | 'logs';
interface Seed {
  signal: Signal;
  format: OtlpWireFormat;
  bytes: Uint8Array;
}

const FIXTURES = join(__dirname, '../fixtures/otlp');

function encodeProtobuf(typeName: string, request: unknown): Uint8Array {
  const type = otlpType(typeName);
  return type.encode(type.fromObject(toProtobufjsObject(request) as Record<string, unknown>)).finish();
}

/** Valid requests to mutate: random ones in both formats, and the real captures. */
function seedCorpus(random: SeededRandom): Seed[] {
  const seeds: Seed[] = [];
  for (let index = 0; index < 12; index++) {
    const traces = randomTraceRequest(random);
    const logs = randomLogsRequest(random);
    seeds.push({ signal: 'traces', format: 'protobuf', bytes: encodeProtobuf('ExportTraceServiceRequest', traces) });
    seeds.push({ signal: 'traces', format: 'json', bytes: Buffer.from(toOtlpJsonText(traces)) });
    seeds.push({ signal: 'logs', format: 'protobuf', bytes: encodeProtobuf('ExportLogsServiceRequest', logs) });
    seeds.push({ signal: 'logs', format: 'json', bytes: Buffer.from(toOtlpJsonText(logs)) });
  }
  for (const name of readdirSync(FIXTURES).filter((file) => file.endsWith('.json'))) {
    const bytes = readFileSync(join(FIXTURES, name));
    const signal: Signal = name.includes('-logs') ? 'logs' : 'traces';
    const decoded = signal === 'traces' ? decodeTraceRequest(bytes, 'json') : decodeLogsRequest(bytes, 'json');
    seeds.push({ signal, format: 'json', bytes });
    seeds.push({
      signal,
      format: 'protobuf',
      bytes: encodeProtobuf(signal === 'traces' ? 'ExportTraceServiceRequest' : 'ExportLogsServiceRequest', decoded),
    });
  }
  return seeds;
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x12, 0x08, 0x0b, 0x0c, 0x0e, 0x0f, 0x22, 0x7b, 0x5b];

/** One random byte-level mutation. */
function mutateBytes(random: SeededRandom, bytes: Uint8Array, other: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  const at = () => random.int(Math.max(out.length, 1));
  switch (random.int(9)) {
    case 0: // bit flips
      for (let flips = 1 + random.int(8); flips > 0 && out.length > 0; flips--) out[at()] ^= 1 << random.int(8);
      return out;
    case 1: // interesting bytes
      for (let writes = 1 + random.int(4); writes > 0 && out.length > 0; writes--) out[at()] = random.pick(INTERESTING_BYTES);
      return out;
    case 2: // truncation
      return out.subarray(0, at());
    case 3: // splice of two requests
      return Buffer.concat([out.subarray(0, at()), other.subarray(random.int(other.length + 1))]);
    case 4: // random bytes inserted
      return Buffer.concat([out.subarray(0, at()), random.bytes(1 + random.int(16)), out.subarray(at())]);
    case 5: {
      // a chunk duplicated
      const start = at();
      const chunk = out.subarray(start, start + 1 + random.int(64));
      return Buffer.concat([out.subarray(0, start), chunk, chunk, out.subarray(start + chunk.length)]);
    }
    case 6: {
      // a chunk deleted
      const start = at();
      return Buffer.concat([out.subarray(0, start), out.subarray(start + 1 + random.int(64))]);
    }
    case 7: // a run of continuation bytes: overlong varints and lengths
      return Buffer.concat([out.subarray(0, at()), new Uint8Array(1 + random.int(16)).fill(0xff), out.subarray(at())]);
    default: // entirely random
      return random.bytes(random.int(200));
  }
}

function randomJsonValue(random: SeededRandom, depth: number): unknown {
  switch (random.int(depth > 2 ? 7 : 10)) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.pick([0, -1, 1.5, 2 ** 64, -(2 ** 70), 1e308, 4294967296]);
    case 3:
      return random.pick([
        '',
        'NaN',
        'Infinity',
        'SPAN_KIND_CLIENT',
        'STATUS_CODE_ERROR',
        '12',
        '-9223372036854775809',
        'zz',
        'AAECAwQFBgcICQoLDA0ODw==',
        '0af7651916cd43dd',
      ]);
    case 4:
      return '😀'.repeat(random.int(5));
    case 5:
      return random.pick(['stringValue', 'intValue', 'arrayValue', 'kvlistValue', 'bytesValue', 'doubleValue']);
    case 6:
      return {};
    case 7:
      return Array.from({ length: random.int(4) }, () => randomJsonValue(random, depth + 1));
    case 8:
      return Object.fromEntries(
        Array.from({ length: random.int(4) }, () => [
          random.pick([
            'values',
            'key',
            'value',
            'stringValue',
            'intValue',
            'kvlistValue',
            'arrayValue',
            'spans',
            'scopeSpans',
            'logRecords',
            'traceId',
            'body',
          ]),
          randomJsonValue(random, depth + 1),
        ]),
      );
    default: {
      let nested: unknown = random.pick([{ stringValue: 'x' }, 1, 'x']);
      for (let level = random.int(100); level > 0; level--)
        nested = random.chance(0.5) ? { arrayValue: { values: [nested] } } : { kvlistValue: { values: [{ key: 'k', value: nested }] } };
      return nested;
    }
  }
}

/** Replaces one random node of a parsed request with a random JSON value: valid JSON, wrong shapes. */
function mutateJsonShape(random: SeededRandom, bytes: Uint8Array): Uint8Array {
  const root: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
  const containers: [Record<string, unknown> | unknown[], string | number][] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node))
      node.forEach((item, index) => {
        containers.push([node, index]);
        visit(item);
      });
    else if (typeof node === 'object' && node !== null)
      for (const [key, item] of Object.entries(node)) {
        containers.push([node as Record<string, unknown>, key]);
        visit(item);
      }
  };
  visit(root);
  if (containers.length === 0) return Buffer.from(JSON.stringify(randomJsonValue(random, 0)));
  for (let edits = 1 + random.int(3); edits > 0; edits--) {
    const [container, key] = random.pick(containers);
    (container as Record<string | number, unknown>)[key] = randomJsonValue(random, 0);
  }
  return Buffer.from(JSON.stringify(root));
}

/** Checks the members every consumer relies on, so a decoder that "succeeds" with junk fails here. */
function assertDecodedShape(result: unknown, signal: Signal): void {
  const request = result as Record<string, unknown[]>;
  const resources = signal === 'traces' ? request.resourceSpans : request.resourceLogs;
  assert.ok(Array.isArray(resources));
  for (const resource of resources as Record<string, unknown[]>[]) {
    const scopes = signal === 'traces' ? resource.scopeSpans : resource.scopeLogs;
    assert.ok(Array.isArray(scopes));
    for (const scope of scopes as Record<string, unknown[]>[]) {
      const items = (signal === 'traces' ? scope.spans : scope.logRecords) as Record<string, unknown>[];
      assert.ok(Array.isArray(items));
      for (const item of items) {
        assert.ok(Array.isArray(item.attributes));
        if (signal === 'traces') {
          assert.equal(typeof item.traceId, 'string');
          assert.equal(typeof item.startTimeUnixNano, 'string');
          assert.equal(typeof (item.status as { code: unknown }).code, 'number');
        }
      }
    }
  }
  JSON.stringify(result);
}

describe('OTLP decoding under fuzzing', () => {
  it('returns or throws OtlpDecodeError for 6,000 random and mutated payloads, both formats and signals', () => {
    const random = new SeededRandom(20_240_601);
    const seeds = seedCorpus(random);
    const outcomes = { decoded: 0, refused: 0 };
    let slowest = 0;
    const started = performance.now();
    for (let round = 0; round < 6_000; round++) {
      const seed = random.pick(seeds);
      const bytes =
        seed.format === 'json' && random.chance(0.4)
          ? mutateJsonShape(random, seed.bytes)
          : mutateBytes(random, seed.bytes, random.pick(seeds).bytes);
      const format: OtlpWireFormat = random.chance(0.9) ? seed.format : seed.format === 'json' ? 'protobuf' : 'json';
      for (const signal of ['traces', 'logs'] as const) {
        const callStarted = performance.now();
        try {
          const result = signal === 'traces' ? decodeTraceRequest(bytes, format) : decodeLogsRequest(bytes, format);
          assertDecodedShape(result, signal);
          outcomes.decoded++;
        } catch (error) {
          if (!(error instanceof OtlpDecodeError)) {
            assert.fail(`round ${round} (${signal}, ${format}, ${Buffer.from(bytes).toString('base64').slice(0, 200)}): ${String(error)}`);
          }
          // The decoders' own checks must catch everything; the catch-all in decode.ts is a last resort only.
          assert.doesNotMatch(error.message, /^request could not be decoded/, `round ${round}: ${error.message}`);
          assert.ok(error.message.length > 0 && error.message.length < 2_000);
          outcomes.refused++;
        }
        slowest = Math.max(slowest, performance.now() - callStarted);
      }
    }
    // Both paths must be exercised for the run to mean anything.
    assert.ok(outcomes.decoded > 1_000, `decoded ${outcomes.decoded}`);
    assert.ok(outcomes.refused > 1_000, `refused ${outcomes.refused}`);
    assert.ok(slowest < 1_000, `slowest call ${slowest.toFixed(0)} ms`);
    assert.ok(performance.now() - started < 20_000);
  });
});
