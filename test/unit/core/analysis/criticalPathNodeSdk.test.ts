import { strict as assert } from 'node:assert';
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { trace, context, type Tracer } from '@opentelemetry/api';
import { startLoupe } from '../../server/liveLoupe';
import { buildWaterfallModel, waterfallSpanFromRow } from '../../../../webview/waterfall/waterfallModel';
import { criticalRows } from '../../../../webview/waterfall/criticalRows';
import { timelineOf } from '../../../../webview/waterfall/zoomWindow';

const STEPS = 40;

function busyWaitMs(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/**
 * An agent run as the Node SDK records it: calls one after another, each starting the moment the
 * previous one ends. The SDK stamps starts with `Date.now()` (whole milliseconds) and ends as start
 * plus a precise duration, so about half of these neighbours appear to overlap by a fraction of a
 * millisecond.
 */
async function sequentialRun(tracer: Tracer): Promise<string> {
  const root = tracer.startSpan('invoke_agent sequential');
  const parent = trace.setSpan(context.active(), root);
  for (let i = 0; i < STEPS; i++) {
    const step = tracer.startSpan(i % 2 ? `execute_tool step ${i}` : `chat step ${i}`, {}, parent);
    if (i % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    else busyWaitMs(0.3 + (i % 3) * 0.45);
    step.end();
  }
  root.end();
  return root.spanContext().traceId;
}

describe('critical path of a Node SDK trace (millisecond starts, sub-millisecond ends)', function () {
  this.timeout(20_000);
  let loupe: Awaited<ReturnType<typeof startLoupe>>;
  let traceId: string;
  let sdkSpans: ReturnType<InMemorySpanExporter['getFinishedSpans']>;

  before(async () => {
    loupe = await startLoupe();
    const sent = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'node-agent' }),
      spanProcessors: [
        new SimpleSpanProcessor({ exporter: sent }),
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${loupe.port}/v1/traces` }),
          scheduledDelayMillis: 10,
        }),
      ],
    });
    traceId = await sequentialRun(provider.getTracer('critical-path-test'));
    await provider.forceFlush();
    sdkSpans = [...sent.getFinishedSpans()];
    await provider.shutdown();
    for (let attempt = 0; attempt < 100; attempt++) {
      if ((await loupe.engine.getTrace(traceId))?.spans.length === STEPS + 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  after(() => loupe.stop());

  it('is a trace whose neighbours really do appear to overlap (the case under test)', () => {
    const toMs = (t: [number, number]) => t[0] * 1e3 + t[1] / 1e6;
    const steps = sdkSpans.filter((s) => s.name !== 'invoke_agent sequential').sort((a, b) => toMs(a.startTime) - toMs(b.startTime));
    let overlaps = 0;
    for (let i = 1; i < steps.length; i++) if (toMs(steps[i - 1].endTime) > toMs(steps[i].startTime)) overlaps++;
    assert.ok(overlaps > 0, 'no neighbouring spans overlapped; the SDK no longer rounds starts to the millisecond');
  });

  it('puts every step on the critical path in the engine', async () => {
    const rows = await loupe.engine.waterfall(traceId);
    assert.ok(rows);
    assert.equal(rows.length, STEPS + 1);
    const off = rows.filter((row) => !row.onCriticalPath).map((row) => row.name);
    assert.deepEqual(off, []);
  });

  it('marks every step in the view, and leaves only the root’s own time on the root row', async () => {
    const rows = (await loupe.engine.waterfall(traceId))!;
    const model = buildWaterfallModel(rows.map(waterfallSpanFromRow));
    const timeline = timelineOf(model.traceStart, model.traceEnd);
    const marks = criticalRows(model, timeline);
    const rootRow = model.rows.findIndex((row) => row.parentSpanId === undefined);
    for (let row = 0; row < model.rows.length; row++) {
      if (row !== rootRow) assert.ok(marks.has(row), `${model.rows[row].name} has no critical mark`);
    }
    // The root holds up the trace only before the first step, after the last, and where no step
    // was running (its own work between steps): never for part of a step.
    const steps = model.rows.filter((_, row) => row !== rootRow).sort((x, y) => x.startTime - y.startTime);
    let idle = 0;
    for (let i = 1; i < steps.length; i++) idle += Math.max(0, steps[i].startTime - steps[i - 1].endTime);
    const pairs = marks.get(rootRow) ?? [];
    let between = 0;
    for (let i = 0; i < pairs.length; i += 2) {
      const from = model.traceStart + pairs[i] * timeline.duration;
      const to = model.traceStart + pairs[i + 1] * timeline.duration;
      between += Math.max(0, Math.min(to, steps[steps.length - 1].startTime) - Math.max(from, steps[0].endTime));
    }
    assert.ok(between <= idle + 1e-6, `the root row is marked for ${between.toFixed(3)} ms between steps, idle ${idle.toFixed(3)} ms`);
  });
});
