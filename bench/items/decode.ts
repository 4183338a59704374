import { decodeTraceRequest } from '../../src/core/otlp/decode';
import type { ExportTraceServiceRequest } from '../../src/model/otlpTypes';
import { describeSpan } from '../../src/core/genai/describeSpan';
import type { StoredSpan } from '../../src/model/storedTrace';
import { PriceBook } from '../../src/core/genai/pricing';
import { TraceEngine } from '../../src/core/engine/traceEngine';
import { jsonRequest, llmSpans, protobufRequest } from '../support/llmSpans';
import { fmt, judge, ratio, type BenchSection } from '../support/report';
import { median, MB } from '../support/stats';
import { ask, startTsWorker } from '../support/tsWorker';
import { ENGINE_YOUNG_GENERATION_MB } from '../../src/core/host/workerLoupe';
import { join } from 'node:path';

const SPANS = 1000;

/** GenAI understanding of every span of a decoded request, as the engine does at ingest. */
function normalize(request: ExportTraceServiceRequest, pricing: PriceBook): number {
  let n = 0;
  for (const rs of request.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      const context = { resource: rs.resource, scope: ss.scope };
      for (const span of ss.spans) {
        describeSpan(span as StoredSpan, context, pricing);
        n++;
      }
    }
  }
  return n;
}

interface Case {
  name: string;
  bytes: number;
  run: () => unknown;
}

/** Interleaved blocks of rounds so that drift in machine load touches every case alike. */
function measure(cases: Case[], blocks: number, rounds: number): number[] {
  const samples = cases.map(() => [] as number[]);
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let block = 0; block < blocks; block++) {
    cases.forEach((c, index) => {
      gc?.();
      for (let round = 0; round < rounds + 2; round++) {
        const start = performance.now();
        c.run();
        if (round >= 2) samples[index].push(performance.now() - start);
      }
    });
  }
  return samples.map(median);
}

/**
 * Item 1: decode speed of a 1,000-span LLM-like request against JSON.parse of the same request,
 * measured on a thread with the engine thread's heap settings (decoding runs there in the product).
 */
export async function benchDecode(quick: boolean): Promise<BenchSection> {
  const worker = startTsWorker(join(__dirname, 'decodeWorker.ts'), { maxYoungGenerationSizeMb: ENGINE_YOUNG_GENERATION_MB });
  try {
    const section = await ask<BenchSection | { error: string }>(worker, { quick });
    if ('error' in section) throw new Error(section.error);
    return section;
  } finally {
    await worker.terminate();
  }
}

/** The measurement itself, on whatever thread calls it. */
export async function measureDecode(quick: boolean): Promise<BenchSection> {
  const spans = await llmSpans({ spans: SPANS, spansPerTrace: SPANS });
  const proto = protobufRequest(spans);
  const json = jsonRequest(spans);
  const text = Buffer.from(json).toString('utf8');
  const pricing = new PriceBook();
  const blocks = quick ? 2 : 3;
  const rounds = quick ? 6 : 15;
  const engines: TraceEngine[] = [];
  for (let i = 0; i < blocks * (rounds + 2); i++) engines.push(await TraceEngine.open({}));
  const cases: Case[] = [
    { name: 'JSON.parse', bytes: json.length, run: () => JSON.parse(text) },
    { name: 'protobuf decode', bytes: proto.length, run: () => decodeTraceRequest(proto, 'protobuf') },
    { name: 'protobuf decode + normalize', bytes: proto.length, run: () => normalize(decodeTraceRequest(proto, 'protobuf'), pricing) },
    { name: 'OTLP/JSON decode', bytes: json.length, run: () => decodeTraceRequest(json, 'json') },
    { name: 'OTLP/JSON decode + normalize', bytes: json.length, run: () => normalize(decodeTraceRequest(json, 'json'), pricing) },
    // A fresh engine each round: the request's trace is new every time, as in real traffic. Listing
    // the traces makes the engine assemble what it accepted (and summarize it, as the change feed does).
    {
      name: 'protobuf decode + engine ingest',
      bytes: proto.length,
      run: () => {
        const engine = engines.pop()!;
        engine.ingestTraces(decodeTraceRequest(proto, 'protobuf'));
        return engine.listTracesNow({ limit: 1 });
      },
    },
  ];
  if (normalize(decodeTraceRequest(proto, 'protobuf'), pricing) !== SPANS) throw new Error('decoded span count is wrong');

  const ms = measure(cases, blocks, rounds);
  const speed = (i: number) => SPANS / (ms[i] / 1000);
  const mbps = (i: number) => cases[i].bytes / MB / (ms[i] / 1000);
  const baseline = `JSON.parse ${fmt(speed(0), 0)} spans/s`;
  const protoRatio = speed(2) / speed(0);
  const row = (i: number, target?: { ratio: number; limit: number }) => ({
    measure: cases[i].name,
    value: `${fmt(speed(i), 0)} spans/s, ${fmt(mbps(i), 0)} MB/s`,
    baseline,
    ratio: ratio(speed(i) / speed(0)),
    target: target ? `≥ ${target.limit}×` : undefined,
    status: target ? judge(target.ratio, '>=', target.limit) : ('info' as const),
  });
  return {
    title: '1. Decode (1,000-span LLM request, 15 attributes, 2 KB prompts; on a thread set up like the engine thread)',
    rows: [
      { measure: 'JSON.parse of the same request (text)', value: `${fmt(speed(0), 0)} spans/s, ${fmt(mbps(0), 0)} MB/s`, status: 'info' },
      row(1),
      row(2, { ratio: protoRatio, limit: 0.5 }),
      row(3),
      row(4),
      row(5),
    ],
    figures: {
      spans: SPANS,
      protobufBytes: proto.length,
      jsonBytes: json.length,
      medianMs: Object.fromEntries(cases.map((c, i) => [c.name, ms[i]])),
      protobufDecodeNormalizeVsJsonParse: protoRatio,
    },
  };
}
