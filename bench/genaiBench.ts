import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTraceRequest } from '../src/core/otlp/decode';
import type { OtlpSpan } from '../src/model/otlpTypes';
import type { StoredTrace } from '../src/model/storedTrace';
import { describeSpan } from '../src/core/genai/describeSpan';
import { PriceBook } from '../src/core/genai/pricing';
import type { SpanContext, SpanFacts } from '../src/core/genai/spanFacts';
import { summarizeTrace } from '../src/core/analysis/traceSummary';
import { buildTraceDetail } from '../src/core/analysis/traceDetail';
import { waterfallRows } from '../src/core/analysis/waterfall';

export interface GenAiBenchResult {
  spans: number;
  /** Median over rounds of describing every span once, per span, prices already looked up (steady state). */
  describeUsPerSpan: number;
  /** The same with a fresh price book each round (first sight of each model included). */
  describeColdUsPerSpan: number;
  summarizeMs: number;
  waterfallMs: number;
  /** Full detail including every span's messages (the on-demand path). */
  detailMs: number;
  /** Heap held by the facts of all spans, per span (needs `node --expose-gc` to be exact). */
  factsBytesPerSpan: number;
  /** Stored JSON size of the spans, per span, for comparison. */
  storedBytesPerSpan: number;
}

const FIXTURES = ['a-otel-instrumentation-openai.otlp.json', 'b-openinference-openai.otlp.json', 'd-vercel-ai-sdk.otlp.json'];

/** Real captured spans (OTel, OpenInference, AI SDK) cycled into one trace of `spanCount` spans. */
export function llmTrace(spanCount: number): StoredTrace {
  const samples: OtlpSpan[] = [];
  for (const file of FIXTURES) {
    const request = decodeTraceRequest(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'otlp', file)), 'json');
    for (const rs of request.resourceSpans) for (const ss of rs.scopeSpans) samples.push(...ss.spans);
  }
  const traceId = 'be0c4a1f00000000000000000000cafe';
  // Random-looking hex like real span ids (all-digit strings hash badly in V8 and would skew timings).
  const spanId = (i: number) =>
    `${(Math.imul(i + 1, 0x9e3779b1) >>> 0).toString(16).padStart(8, 'a')}${(i + 1).toString(16).padStart(8, 'f')}`;
  const spans = Array.from({ length: spanCount }, (_, i) => {
    const sample = samples[i % samples.length];
    const parent = i === 0 ? undefined : Math.floor((i - 1) / 4);
    return {
      ...sample,
      traceId,
      spanId: spanId(i),
      parentSpanId: parent === undefined ? undefined : spanId(parent),
      resourceIndex: 0,
      scopeIndex: 0,
    };
  });
  return {
    traceId,
    seq: 1,
    receivedAt: 0,
    updatedAt: 0,
    resources: [{ attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] }],
    scopes: [{ name: 'bench' }],
    spans,
    logs: [],
    droppedSpans: 0,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median CPU time (ms) of this process over rounds: steadier than wall time on a shared machine. */
function time(fn: () => void, rounds: number): number {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1000);
  }
  return median(samples);
}

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/** Measures GenAI normalization on a `spanCount`-span LLM trace built from real captures. */
export function benchGenAi(spanCount = 1000, rounds = 15): GenAiBenchResult {
  const trace = llmTrace(spanCount);
  const context: SpanContext = { resource: trace.resources[0], scope: trace.scopes[0] };
  let facts: SpanFacts[] = [];
  const coldMs = time(() => {
    const pricing = new PriceBook();
    facts = trace.spans.map((span) => describeSpan(span, context, pricing));
  }, rounds);
  const warmPricing = new PriceBook();
  const describeMs = time(() => {
    facts = trace.spans.map((span) => describeSpan(span, context, warmPricing));
  }, rounds);
  const summarizeMs = time(() => summarizeTrace(trace, facts), rounds);
  const waterfallMs = time(() => waterfallRows(trace, facts), rounds);
  const summary = summarizeTrace(trace, facts);
  const detailMs = time(() => buildTraceDetail(trace, facts, summary), Math.max(3, Math.floor(rounds / 3)));

  // Memory is measured over enough spans for the heap delta to rise above noise.
  const memoryTrace = spanCount >= 20_000 ? trace : llmTrace(20_000);
  const before = heapUsed();
  const held = memoryTrace.spans.map((span) => describeSpan(span, context, warmPricing));
  const factsBytes = Math.max(0, heapUsed() - before);
  if (held.length !== memoryTrace.spans.length) throw new Error('facts lost');

  return {
    spans: spanCount,
    describeUsPerSpan: (describeMs * 1000) / spanCount,
    describeColdUsPerSpan: (coldMs * 1000) / spanCount,
    summarizeMs,
    waterfallMs,
    detailMs,
    factsBytesPerSpan: factsBytes / memoryTrace.spans.length,
    storedBytesPerSpan: JSON.stringify(trace.spans).length / spanCount,
  };
}
