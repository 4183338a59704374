import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SpanFacts } from '../genai/spanFacts';
import type { HistoryCell } from '../history/historyDocument';
import { bucketValue, type LatencySketch } from '../history/latencySketch';
import type { StoreStats } from '../../model/traceTypes';
import { FORWARDING_STATUS_OFF, type ForwardingState, type ForwardingStatus } from '../../model/continuousForwarding';
import { addCell, emptyCell } from '../history/historyDocument';
import { boundedText, type CellLabels, LabelBounds, MAX_SERVICES, OTHER_LABEL } from './labelBounds';

/** Histogram bounds in seconds: from a fast tool call to a long agent run. */
export const DURATION_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

const TOKEN_TYPES = [
  ['input', 'input'],
  ['output', 'output'],
  ['cacheRead', 'cache_read'],
  ['cacheWrite', 'cache_write'],
  ['reasoning', 'reasoning'],
] as const;

export interface MetricsSource {
  /** Every cell of the daily history (all days kept). */
  cells(): HistoryCell[];
  stats(): Promise<StoreStats>;
  /** Continuous forwarding's state and counts. */
  forwarding?(): ForwardingStatus;
}

const FORWARDING_STATES: readonly ForwardingState[] = ['off', 'ok', 'retrying', 'dropping'];

type MetricValue = { value: number; labels: Record<string, string | number>; metricName?: string };

/**
 * A metric whose values are read from the daily history at scrape time. The history survives
 * restarts and eviction, so these totals are what the Costs page shows and do not reset when Loupe
 * restarts (they only fall when days older than the history's 420 are dropped).
 */
class HistoryMetric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
    private readonly values: () => MetricValue[],
  ) {}

  get(): { name: string; help: string; type: string; values: MetricValue[]; aggregator: 'sum' } {
    return { name: this.name, help: this.help, type: this.type, values: this.values(), aggregator: 'sum' };
  }

  reset(): void {}
}

/**
 * Loupe's Prometheus exposition (`GET /metrics`): runs, spans, model calls, errors, tokens by type,
 * cost and latency histograms per service, agent and model from the durable history; span durations
 * per service and span kind as they arrive; and Loupe's own health (spans received, rejected,
 * dropped, evicted; store size).
 */
export class LoupeMetrics {
  readonly registry = new Registry();
  private snapshot: { labels: CellLabels; cell: HistoryCell }[] = [];
  private readonly services = new Set<string>();
  private readonly spanDuration: Histogram<'service' | 'kind'>;

  constructor(private readonly source: MetricsSource) {
    const counter = (name: string, help: string, value: (cell: HistoryCell) => number) =>
      this.registry.registerMetric(
        new HistoryMetric(name, help, 'counter', () =>
          this.snapshot.map(({ labels, cell }) => ({ value: value(cell), labels: { ...labels } })),
        ) as never,
      );
    counter(
      'loupe_runs_total',
      'Runs (traces), counted where the run belongs: its root service and agent, its costliest model.',
      (c) => c.runs,
    );
    counter('loupe_run_errors_total', 'Runs whose root span failed.', (c) => c.errorRuns);
    counter('loupe_spans_total', 'Spans, counted by their own service, agent and model.', (c) => c.spans);
    counter('loupe_span_errors_total', 'Spans that failed.', (c) => c.errors);
    counter('loupe_model_calls_total', 'Model calls (a call wrapping other calls is not counted again).', (c) => c.llmCalls);
    counter('loupe_cost_usd_total', 'Known cost of model calls in US dollars.', (c) => c.costUsd);
    counter('loupe_unpriced_model_calls_total', 'Model calls whose cost is unknown (not in loupe_cost_usd_total).', (c) => c.unpricedCalls);
    this.registry.registerMetric(
      new HistoryMetric(
        'loupe_tokens_total',
        'Tokens of model calls by type (input includes cached input; output includes reasoning).',
        'counter',
        () =>
          this.snapshot.flatMap(({ labels, cell }) =>
            TOKEN_TYPES.map(([key, type]) => ({ value: cell.tokens[key], labels: { ...labels, type } })),
          ),
      ) as never,
    );
    const histogram = (name: string, help: string, sketch: (cell: HistoryCell) => LatencySketch) =>
      this.registry.registerMetric(
        new HistoryMetric(name, help, 'histogram', () =>
          this.snapshot.flatMap(({ labels, cell }) => histogramValues(name, labels, sketch(cell))),
        ) as never,
      );
    histogram('loupe_run_duration_seconds', 'Run (trace) durations.', (c) => c.runMs);
    histogram('loupe_model_call_duration_seconds', 'Model call durations.', (c) => c.callMs);

    this.spanDuration = new Histogram({
      name: 'loupe_span_duration_seconds',
      help: 'Durations of spans received since Loupe started, by service and span kind.',
      labelNames: ['service', 'kind'],
      buckets: DURATION_BUCKETS_S,
      registers: [this.registry],
    });

    const health = async () => this.source.stats();
    const healthCounter = (name: string, help: string, value: (s: StoreStats) => number) =>
      new Counter({
        name,
        help,
        registers: [this.registry],
        async collect() {
          this.reset();
          this.inc(value(await health()));
        },
      });
    healthCounter(
      'loupe_received_spans_total',
      'Spans received (stored, evicted, dropped or rejected).',
      (s) => s.spans + s.evictedSpans + s.droppedSpans + s.rejectedSpans,
    );
    healthCounter('loupe_rejected_spans_total', 'Spans refused as invalid (bad ids).', (s) => s.rejectedSpans);
    healthCounter('loupe_dropped_spans_total', 'Spans refused because their trace reached its span limit.', (s) => s.droppedSpans);
    healthCounter('loupe_evicted_traces_total', 'Traces evicted from the store to keep within its limits.', (s) => s.evictedTraces);
    healthCounter('loupe_evicted_spans_total', 'Spans in evicted traces.', (s) => s.evictedSpans);
    const gauge = (name: string, help: string, value: (s: StoreStats) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          this.set(value(await health()));
        },
      });
    gauge('loupe_store_bytes', 'Estimated size of the traces kept.', (s) => s.bytes);
    gauge('loupe_stored_traces', 'Traces kept.', (s) => s.traces);
    gauge('loupe_stored_spans', 'Spans kept.', (s) => s.spans);
    this.registerForwarding();
  }

  /** Continuous forwarding: what was sent, refused, dropped and is waiting, and its state (one series per state, 1 for the current). */
  private registerForwarding(): void {
    const status = () => this.source.forwarding?.() ?? FORWARDING_STATUS_OFF;
    const counter = (name: string, help: string, value: (s: ForwardingStatus) => number) =>
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(value(status()));
        },
      });
    counter('loupe_forwarded_spans_total', 'Spans continuous forwarding delivered to its target.', (s) => s.forwardedSpans);
    counter(
      'loupe_forward_failed_spans_total',
      'Spans the forwarding target refused for good (not retried): an HTTP 4xx other than 429, a permanent gRPC error, a partial success.',
      (s) => s.failedSpans,
    );
    counter(
      'loupe_forward_dropped_spans_total',
      'Spans continuous forwarding dropped unsent: the oldest when its queue was full, or what waited when Loupe stopped.',
      (s) => s.droppedSpans,
    );
    new Gauge({
      name: 'loupe_forward_queued_spans',
      help: 'Spans waiting to be forwarded (batching, queued for a retry, or in flight).',
      registers: [this.registry],
      collect() {
        this.set(status().queuedSpans);
      },
    });
    new Gauge({
      name: 'loupe_forward_queued_bytes',
      help: 'Encoded bytes waiting to be forwarded.',
      registers: [this.registry],
      collect() {
        this.set(status().queuedBytes);
      },
    });
    new Gauge({
      name: 'loupe_forward_state',
      help: 'Continuous forwarding state: 1 for the current one of off, ok, retrying, dropping.',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const current = status().state;
        for (const state of FORWARDING_STATES) this.set({ state }, state === current ? 1 : 0);
      },
    });
  }

  /** Records one span as it is stored (service labels bounded to the first 20 seen, then `(other)`). */
  observeSpan(facts: SpanFacts, durationMs: number): void {
    let service = boundedText(facts.service);
    if (!this.services.has(service)) {
      if (this.services.size < MAX_SERVICES) this.services.add(service);
      else service = OTHER_LABEL;
    }
    this.spanDuration.observe({ service, kind: facts.kind }, Math.max(0, durationMs) / 1000);
  }

  /** The exposition text. */
  async render(): Promise<{ contentType: string; body: string }> {
    this.snapshot = groupCells(this.source.cells());
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** Sums the history's cells (all days) under their bounded labels. */
function groupCells(cells: HistoryCell[]): { labels: CellLabels; cell: HistoryCell }[] {
  const bounds = new LabelBounds(cells);
  const groups = new Map<string, { labels: CellLabels; cell: HistoryCell }>();
  for (const cell of cells) {
    const labels = bounds.labelsOf(cell);
    const key = `${labels.service}\u0000${labels.agent}\u0000${labels.model}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { labels, cell: emptyCell('', '', '') }));
    addCell(group.cell, cell);
  }
  return [...groups.values()].sort((a, b) =>
    (a.labels.service + a.labels.agent + a.labels.model).localeCompare(b.labels.service + b.labels.agent + b.labels.model),
  );
}

/**
 * A sketch as Prometheus histogram series: cumulative counts per `le` bound. A sketch bucket counts
 * under the first bound at or above the value it stands for (within 2% of the recorded values).
 */
function histogramValues(name: string, labels: CellLabels, sketch: LatencySketch): MetricValue[] {
  const counts = new Array<number>(DURATION_BUCKETS_S.length).fill(0);
  let total = sketch.zero;
  if (sketch.zero > 0) counts[0] += sketch.zero;
  for (const [key, count] of Object.entries(sketch.b)) {
    const seconds = bucketValue(Number(key)) / 1000;
    total += count;
    const at = DURATION_BUCKETS_S.findIndex((le) => seconds <= le);
    if (at >= 0) counts[at] += count;
  }
  const out: MetricValue[] = [];
  let cumulative = 0;
  DURATION_BUCKETS_S.forEach((le, i) => {
    cumulative += counts[i];
    out.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative });
  });
  out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: total });
  out.push({ metricName: `${name}_sum`, labels: { ...labels }, value: sketch.sum / 1000 });
  out.push({ metricName: `${name}_count`, labels: { ...labels }, value: total });
  return out;
}
