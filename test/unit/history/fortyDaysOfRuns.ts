import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** One planned model call of a run. */
export interface PlannedCall {
  model: string;
  input: number;
  output: number;
  costUsd: number;
  durationMs: number;
}

/** One planned run: what the test sends, and what it expects the history to count. */
export interface PlannedRun {
  service: string;
  agent: string;
  startMs: number;
  durationMs: number;
  error: boolean;
  calls: PlannedCall[];
}

const DAY_MS = 86_400_000;
const AGENTS = ['planner', 'coder', 'reviewer'];
const MODELS = ['gpt-4o', 'claude-sonnet-4'];
const SERVICES = ['svc-a', 'svc-b'];

/** Local noon, `daysAgo` days before today. */
export function localNoon(daysAgo: number, now = Date.now()): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - daysAgo, 12).getTime();
}

/**
 * 40 days of runs (1–3 a day): agents, services and models rotate, each run makes two model calls
 * with round token counts and an explicit cost, and every seventh run fails. Deterministic.
 */
export function fortyDaysOfRuns(now = Date.now()): PlannedRun[] {
  const runs: PlannedRun[] = [];
  let n = 0;
  for (let daysAgo = 39; daysAgo >= 0; daysAgo--) {
    const perDay = (daysAgo % 3) + 1;
    for (let r = 0; r < perDay; r++, n++) {
      const model = MODELS[(daysAgo + r) % 2];
      const calls: PlannedCall[] = [0, 1].map((k) => ({
        model,
        input: 100 * (k + 1) + daysAgo,
        output: 10 * (r + 1),
        costUsd: (k + 1) * 0.01 + r * 0.001,
        durationMs: 200 + 10 * k,
      }));
      runs.push({
        service: SERVICES[r % 2],
        agent: AGENTS[(daysAgo + r) % 3],
        startMs: localNoon(daysAgo, now) + r * 3_600_000,
        durationMs: 1000 + 100 * r,
        error: n % 7 === 3,
        calls,
      });
    }
  }
  return runs;
}

/**
 * Sends the runs with the real OpenTelemetry SDK and OTLP/HTTP protobuf exporter, every span with
 * explicit start and end times. Batches of two spans, so each trace arrives in several requests
 * (the history must count a trace once however often it changes).
 */
export async function sendRuns(httpPort: number, runs: readonly PlannedRun[]): Promise<string[]> {
  const traceIds: string[] = [];
  const providers = new Map<string, TracerProvider>();
  const providerFor = (service: string) => {
    let provider = providers.get(service);
    if (!provider) {
      provider = new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        spanProcessors: [
          new BatchSpanProcessor({
            exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${httpPort}/v1/traces` }),
            maxExportBatchSize: 2,
            scheduledDelayMillis: 5,
          }),
        ],
      });
      providers.set(service, provider);
    }
    return provider;
  };
  for (const run of runs) {
    const tracer = providerFor(run.service).getTracer('forty-days');
    const root = tracer.startSpan(`invoke_agent ${run.agent}`, {
      startTime: run.startMs,
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': run.agent },
    });
    const inRoot = trace.setSpan(context.active(), root);
    let at = run.startMs + 10;
    for (const call of run.calls) {
      const span = tracer.startSpan(
        `chat ${call.model}`,
        {
          startTime: at,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': call.model,
            'gen_ai.usage.input_tokens': call.input,
            'gen_ai.usage.output_tokens': call.output,
            'gen_ai.usage.cost': call.costUsd,
          },
        },
        inRoot,
      );
      span.end(at + call.durationMs);
      at += call.durationMs + 5;
    }
    const tool = tracer.startSpan(
      'execute_tool search',
      { startTime: at, attributes: { 'gen_ai.operation.name': 'execute_tool' } },
      inRoot,
    );
    tool.end(at + 50);
    if (run.error) root.setStatus({ code: SpanStatusCode.ERROR, message: 'agent gave up' });
    root.end(run.startMs + run.durationMs);
    traceIds.push(root.spanContext().traceId);
    // One run at a time keeps the exporter under its limit of concurrent requests.
    await providerFor(run.service).forceFlush();
  }
  for (const provider of providers.values()) {
    await provider.forceFlush();
    await provider.shutdown();
  }
  return traceIds;
}

export const SPANS_PER_RUN = 4;
export { DAY_MS };
