import type {
  ExportLogsServiceRequest,
  ExportMetricsServiceRequest,
  ExportTraceServiceRequest,
  OtlpSpan,
  PartialSuccess,
} from '../../model/otlpTypes';
import type { IngestSink } from '../receiver/ingestSink';
import type { ForwardOptions, LoupeApi, ReplayOptions, Unsubscribe } from '../../model/api';
import { forwardTrace } from '../forward/forwardTrace';
import { environmentKeyFor } from '../replay/environmentKeys';
import { runHttpReplay } from '../replay/runReplay';
import type { ReplayDraft, ReplayOutcome } from '../../model/replayTypes';
import type { ForwardTarget } from '../../model/forwardTarget';
import type { ForwardResult } from '../../model/forwardResult';
import type { SpanFacts } from '../genai/spanFacts';
import type {
  Breakdown,
  Health,
  Span,
  StoreStats,
  TraceChange,
  TraceDetail,
  TraceQuery,
  TraceSummary,
  WaterfallRow,
} from '../../model/traceTypes';
import type { StoredTrace } from '../../model/storedTrace';
import { TraceRing } from '../store/traceRing';
import { PriceBook } from '../genai/pricing';
import type { PriceOverride } from '../../model/priceOverride';
import { buildSpan, buildTraceDetail } from '../analysis/traceDetail';
import { TraceViewCache } from './traceViewCache';
import { breakdownOf } from '../analysis/breakdown';
import { LiveTrace } from './liveTrace';
import { ChangeFeed } from './changeFeed';
import { compareNewestFirst, DEFAULT_LIST_LIMIT, matchesQuery } from '../../model/traceQuery';
import { exportRequestOf } from './traceExport';
import { IngestPolicy, type IngestPolicyOptions } from './ingestPolicy';
import { invalidSpanReason, Rejections, validateSpans } from './spanValidation';
import { isSpanId, isTraceId, ZERO_TRACE_ID } from '../../model/ids';
import { AssemblyQueue } from './assemblyQueue';
import { decodeTraceRequest } from '../otlp/decode';
import { OtlpDecodeError } from '../otlp/decodeError';
import { ApiInputError } from '../../model/apiRoutes';
import { DEFAULT_MAX_TRACES } from '../../model/storeDefaults';
import type { CompareResult, GroupFilter, ModelCallDiff, TraceDiff } from '../../model/compareTypes';
import { compareTraces, diffModelCalls, diffTraceDetails } from './compareQueries';
import type { DailyHistory } from '../history/dailyHistory';
import { runRecordOf, type RunRecord } from '../history/runRecord';
import { costOverview, costRows, resolveRange, type ResolvedRange } from '../history/costReport';
import type { BudgetStatus } from '../../model/budgetTypes';
import { slownessOf } from '../history/contribution';
import { nanosToMs } from '../otlp/values';
import type { CostOverview, CostQuery, CostRow } from '../../model/costTypes';
import { MetricStore, type MetricStoreOptions } from './metricStore';
import { SessionEventStore } from '../sessions/sessionEventStore';
import { readAgentLogEvent } from '../sessions/agentLogEvents';
import { getSession, listSessions, type SessionTraceInput } from '../sessions/sessionQueries';
import type { SessionDetail, SessionQuery, SessionSummary } from '../../model/sessionTypes';
import type { TokenCounts } from '../../model/traceTypes';

/** What the engine needs from durable storage (implemented by `TracePersistence`). */
export interface PersistencePort {
  load(): Promise<{ traces: StoredTrace[]; problems: string[]; meta: { evictedTraces: number; evictedSpans?: number } }>;
  markDirty(trace: StoredTrace): void;
  updateMeta(patch: { evictedTraces?: number; evictedSpans?: number }): void;
  remove(traceId: string): void;
  removeAll(): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly lastError: string | undefined;
  /** Traces, deletes and meta changes not yet on disk. */
  readonly pendingCount?: number;
  /** Where to find every trace when the store must write them all again (its folder was removed). */
  rewriteFrom?(source: () => Iterable<StoredTrace>): void;
}

/** What closing left unwritten: nothing when the store took everything (or there is no store). */
export interface StoreCloseReport {
  unsaved: number;
  error?: string;
}

export interface EngineOptions {
  /** Most traces kept (oldest evicted first). Default 200. */
  maxTraces?: number;
  /** Most bytes kept, by the engine's estimate of stored JSON size. Default 256 MiB. */
  maxBytes?: number;
  /** Spans beyond this in one trace are dropped and counted. Default 200,000. */
  maxSpansPerTrace?: number;
  pricing?: readonly PriceOverride[];
  /** Redaction and value-size limits applied to every span and log record before it is stored. */
  ingest?: IngestPolicyOptions;
  /** Coalescing window for change notifications. Default 50 ms. */
  changeDelayMs?: number;
  version?: string;
  /** How many recent metric points and sessions' metric usage are kept (in memory only). */
  metrics?: MetricStoreOptions;
  persistence?: PersistencePort;
  /** Told about every span stored (live metrics). */
  onSpan?: (facts: SpanFacts, span: OtlpSpan) => void;
  /** The per-run budget in USD, if any: runs costing more are flagged. */
  runBudgetUsd?: () => number | undefined;
  /** The budgets with their spend (answered by `budgets()`). */
  budgetStatus?: () => BudgetStatus[];
  /** The durable daily roll-up, told about every trace stored, changed or evicted. */
  history?: DailyHistory;
  now?: () => number;
}

/** Spans accepted but not yet assembled, past which a request is assembled before it is answered. */
const MAX_QUEUED_SPANS = 20_000;

/**
 * The trace engine: assembles spans and log records into traces, keeps the recent ones in a ring
 * buffer (persisted when a store is given), and answers every viewer through `LoupeApi`.
 * Pure Node: no VS Code, no network (receivers feed it through `IngestSink`).
 */
export class TraceEngine implements LoupeApi, IngestSink {
  private readonly ring: TraceRing<LiveTrace>;
  private readonly feed: ChangeFeed;
  /** Tree analyses and waterfall rows of the traces viewed last, valid until the trace changes. */
  private readonly views = new TraceViewCache(4);
  private pricing: PriceBook;
  private policy: IngestPolicy;
  private readonly maxSpansPerTrace: number;
  private readonly now: () => number;
  private nextSeq = 1;
  private spanTotal = 0;
  private droppedSpans = 0;
  private rejectedSpans = 0;
  /** Evictions counted before this run (from the store's meta). */
  private evictedBefore = 0;
  /** Spans in evicted traces, across runs. */
  private evictedSpans = 0;
  private ports: { grpcPort: number | null; httpPort: number | null } = { grpcPort: null, httpPort: null };
  private readonly assembly = new AssemblyQueue(
    (request) => this.addSpans(request, new Set(), true),
    (spans) => (this.rejectedSpans += spans),
  );
  /** Spans of queued requests that validation rejected, so assembly skips them without judging ids again. */
  private readonly rejectedAtValidation = new WeakSet<OtlpSpan>();
  /** Recent OTLP metric points and the token and cost usage they report per session. */
  readonly metrics: MetricStore;
  /** Agent log events that came without trace context, per session (kept in memory only). */
  private readonly sessionEvents = new SessionEventStore();
  /** Problems met while loading the store (corrupt files moved aside), for the UI to show. */
  loadProblems: string[] = [];

  private constructor(private readonly options: EngineOptions) {
    this.ring = new TraceRing<LiveTrace>({
      maxEntries: options.maxTraces ?? DEFAULT_MAX_TRACES,
      maxBytes: options.maxBytes ?? 256 * 1024 * 1024,
    });
    this.pricing = new PriceBook(options.pricing ?? []);
    this.policy = new IngestPolicy(options.ingest);
    this.maxSpansPerTrace = options.maxSpansPerTrace ?? 200_000;
    this.now = options.now ?? Date.now;
    this.metrics = new MetricStore(options.metrics);
    this.feed = new ChangeFeed(
      options.changeDelayMs ?? 50,
      (id) => {
        const live = this.ring.get(id);
        return live && this.summaryOf(live);
      },
      () => this.currentStats(),
    );
  }

  /** Creates an engine and loads what its store holds. */
  static async open(options: EngineOptions = {}): Promise<TraceEngine> {
    const engine = new TraceEngine(options);
    if (options.persistence) {
      const { traces, problems, meta } = await options.persistence.load();
      engine.loadProblems = problems;
      engine.evictedBefore = meta.evictedTraces;
      engine.evictedSpans = meta.evictedSpans ?? 0;
      options.persistence.rewriteFrom?.(() => engine.ring.values().map((live) => live.stored));
      for (const stored of traces) {
        const live = LiveTrace.fromStored(stored, engine.pricing);
        engine.nextSeq = Math.max(engine.nextSeq, stored.seq + 1);
        engine.spanTotal += live.spanCount;
        engine.dropEvicted(engine.ring.add(stored.traceId, live, live.bytes));
      }
    }
    if (options.history) {
      options.history.setSource((traceId) => engine.runRecord(traceId));
      // Stored traces the history has not counted yet (or not since their last change) are counted now.
      for (const live of engine.ring.values()) options.history.touch(live.stored.traceId);
    }
    return engine;
  }

  setPorts(ports: { grpcPort: number | null; httpPort: number | null }): void {
    this.ports = ports;
  }

  setPricing(overrides: readonly PriceOverride[]): void {
    this.assembly.drain();
    this.pricing = new PriceBook(overrides);
    for (const live of this.ring.values()) {
      live.redescribe(this.pricing);
      this.feed.upsert(live.stored.traceId);
    }
  }

  /** Applies to what arrives from now on; stored traces keep what was applied when they came. */
  setIngestPolicy(options: IngestPolicyOptions): void {
    this.assembly.drain();
    this.policy = new IngestPolicy(options);
  }

  setLimits(limits: { maxTraces?: number; maxBytes?: number }): void {
    this.assembly.drain();
    const evicted = this.ring.setLimits({ maxEntries: limits.maxTraces, maxBytes: limits.maxBytes });
    this.dropEvicted(evicted);
  }

  // ---- ingest -------------------------------------------------------------------------------

  /**
   * Validates now (the answer to the sender is exact) and assembles right after the answer is
   * sent; a request that could meet the per-trace span limit, or a long queue, is assembled now.
   */
  ingestTraces(request: ExportTraceServiceRequest): PartialSuccess | undefined {
    const { rejections, spans, total, invalid } = validateSpans(request);
    let now = this.assembly.queuedSpans() + total > MAX_QUEUED_SPANS;
    for (const [traceId, n] of spans) {
      if (now) break;
      now = (this.ring.get(traceId)?.spanCount ?? 0) + this.assembly.queuedSpans(traceId) + n > this.maxSpansPerTrace;
    }
    if (now) {
      this.assembly.drain();
      return this.addSpans(request, new Set()).result();
    }
    this.rejectedSpans += rejections.count;
    for (const span of invalid) this.rejectedAtValidation.add(span);
    this.assembly.push(request, spans, invalid);
    return rejections.result();
  }

  ingestLogs(request: ExportLogsServiceRequest): PartialSuccess | undefined {
    this.assembly.drain();
    const now = this.now();
    const rejections = new Rejections();
    const touched = new Set<LiveTrace>();
    for (const resourceLogs of request.resourceLogs) {
      const resource = this.policy.resource(resourceLogs.resource);
      for (const scopeLogs of resourceLogs.scopeLogs) {
        const scope = this.policy.scope(scopeLogs.scope);
        for (const log of scopeLogs.logRecords) {
          // Without trace context there is no trace to show a record in; an agent's event still belongs to its session.
          if (!log.traceId || log.traceId === ZERO_TRACE_ID) {
            const event = readAgentLogEvent(this.policy.log(log), resource?.attributes);
            if (event) this.sessionEvents.add(event);
            continue;
          }
          if (!isTraceId(log.traceId) || (log.spanId && !isSpanId(log.spanId))) {
            rejections.add('log records with an invalid trace or span id');
            continue;
          }
          const live = this.traceFor(log.traceId, now);
          live.addLog(
            this.policy.log(log),
            live.internResource(resource, resourceLogs.schemaUrl),
            live.internScope(scope, scopeLogs.schemaUrl),
            now,
          );
          touched.add(live);
        }
      }
    }
    this.afterChange(touched);
    return rejections.result();
  }

  /** Metrics are kept briefly in memory (see MetricStore); they never create or change a trace. */
  ingestMetrics(request: ExportMetricsServiceRequest): PartialSuccess | undefined {
    return this.metrics.add(request, this.policy);
  }

  /** `validated`: the request's invalid spans were found (`rejectedAtValidation`) and counted when it was accepted. */
  private addSpans(request: ExportTraceServiceRequest, touchedIds: Set<string>, validated = false): Rejections {
    const now = this.now();
    const rejections = new Rejections();
    const touched = new Set<LiveTrace>();
    for (const resourceSpans of request.resourceSpans) {
      const resource = this.policy.resource(resourceSpans.resource);
      for (const scopeSpans of resourceSpans.scopeSpans) {
        const scope = this.policy.scope(scopeSpans.scope);
        // Resources and scopes are interned once per trace per group, not once per span.
        const indexes = new Map<LiveTrace, [number, number]>();
        for (const span of scopeSpans.spans) {
          if (validated) {
            if (this.rejectedAtValidation.has(span)) continue;
          } else {
            const problem = invalidSpanReason(span.traceId, span.spanId, span.parentSpanId);
            if (problem) {
              rejections.add(problem);
              continue;
            }
          }
          const live = this.traceFor(span.traceId, now);
          if (live.spanCount >= this.maxSpansPerTrace && !live.hasSpan(span.spanId)) {
            live.countDropped(1, now);
            this.droppedSpans++;
            rejections.add(`spans over the limit of ${this.maxSpansPerTrace} spans per trace`);
            touched.add(live);
            continue;
          }
          let idx = indexes.get(live);
          if (!idx) {
            idx = [live.internResource(resource, resourceSpans.schemaUrl), live.internScope(scope, scopeSpans.schemaUrl)];
            indexes.set(live, idx);
          }
          const before = live.spanCount;
          const facts = live.addSpan(this.policy.span(span), idx[0], idx[1], this.pricing, now);
          this.options.onSpan?.(facts, span);
          this.spanTotal += live.spanCount - before;
          touched.add(live);
          touchedIds.add(span.traceId);
        }
      }
    }
    if (!validated) this.rejectedSpans += rejections.count;
    this.afterChange(touched);
    return rejections;
  }

  private traceFor(traceId: string, now: number): LiveTrace {
    let live = this.ring.get(traceId);
    if (!live) {
      live = LiveTrace.create(traceId, this.nextSeq++, now);
      this.dropEvicted(this.ring.add(traceId, live, 0));
    }
    return live;
  }

  private afterChange(touched: Set<LiveTrace>): void {
    for (const live of touched) {
      const id = live.stored.traceId;
      // A trace evicted earlier in this same request is gone; do not bring it back.
      if (this.ring.get(id) !== live) continue;
      this.dropEvicted(this.ring.updateSize(id, live.bytes));
      if (this.ring.get(id) !== live) continue;
      this.options.persistence?.markDirty(live.stored);
      this.options.history?.touch(id);
      this.feed.upsert(id);
    }
  }

  private dropEvicted(evicted: LiveTrace[]): void {
    if (evicted.length === 0) return;
    for (const live of evicted) {
      this.spanTotal -= live.spanCount;
      this.evictedSpans += live.spanCount;
      this.options.persistence?.remove(live.stored.traceId);
      this.options.history?.release(live.stored.traceId, () => recordOf(live));
      this.feed.remove(live.stored.traceId);
      this.views.forget(live.stored.traceId);
    }
    this.options.persistence?.updateMeta({ evictedTraces: this.evictedTraces(), evictedSpans: this.evictedSpans });
  }

  private evictedTraces(): number {
    return this.evictedBefore + this.ring.evictions.entries;
  }

  // ---- queries ------------------------------------------------------------------------------

  async health(): Promise<Health> {
    this.assembly.drain();
    return {
      status: 'ok',
      version: this.options.version ?? '0.0.0',
      grpcPort: this.ports.grpcPort,
      httpPort: this.ports.httpPort,
      traces: this.visibleTraceCount(),
      spans: this.spanTotal,
      product: 'loupe',
      pid: process.pid,
    };
  }

  async stats(): Promise<StoreStats> {
    this.assembly.drain();
    return this.currentStats();
  }

  async listTraces(query: TraceQuery = {}): Promise<TraceSummary[]> {
    return this.listTracesNow(query);
  }

  /** Synchronous form for callers on the engine's own thread. */
  listTracesNow(query: TraceQuery = {}): TraceSummary[] {
    this.assembly.drain();
    const out: TraceSummary[] = [];
    this.options.history?.update();
    for (const live of this.ring.values()) {
      const summary = this.summaryOf(live);
      if (matchesQuery(summary, query)) out.push(summary);
    }
    out.sort(compareNewestFirst);
    return out.slice(0, query.limit ?? DEFAULT_LIST_LIMIT);
  }

  async listSessions(query: SessionQuery = {}): Promise<SessionSummary[]> {
    return this.listSessionsNow(query);
  }

  async getSession(sessionId: string): Promise<SessionDetail | undefined> {
    return this.getSessionNow(sessionId);
  }

  /** Sessions newest first (synchronous: for callers on the engine's own thread). */
  listSessionsNow(query: SessionQuery = {}): SessionSummary[] {
    return listSessions(this.sessionTraces(), this.sessionEvents, this.metrics, query, this.priceLoggedCall);
  }

  getSessionNow(sessionId: string): SessionDetail | undefined {
    return getSession(this.sessionTraces(), this.sessionEvents, this.metrics, sessionId, this.priceLoggedCall);
  }

  private readonly priceLoggedCall = (tokens: TokenCounts, model: string | undefined, timeMs: number): number | null =>
    this.pricing.priceCall(tokens, [model], undefined, timeMs).costUsd;

  private *sessionTraces(): Iterable<SessionTraceInput> {
    this.assembly.drain();
    for (const live of this.ring.values()) {
      if (live.spanCount === 0 && live.stored.logs.length === 0) continue;
      yield { stored: live.stored, facts: live.facts, summary: live.summary() };
    }
  }

  async getTrace(traceId: string): Promise<TraceDetail | undefined> {
    const live = this.visible(traceId);
    if (!live) return undefined;
    const detail = buildTraceDetail(live.stored, live.facts, this.summaryOf(live), this.views.analysis(live));
    this.markSlow(traceId, detail.spans);
    return detail;
  }

  /** Marks spans much slower than their kind usually is (baselines from the history without this trace). */
  private markSlow(traceId: string, spans: Span[]): void {
    const history = this.options.history;
    if (!history) return;
    const marks = slownessOf(spans, history.baselinesWithout(traceId));
    marks.forEach((slow, i) => {
      if (slow) spans[i].slow = slow;
    });
  }

  /** `[spanId, ratio, baselineP95Ms, samples]` of the trace's slow spans, for the waterfall columns. */
  private slowSpanList(live: LiveTrace): [string, number, number, number][] {
    const history = this.options.history;
    if (!history) return [];
    const baselineOf = history.baselinesWithout(live.stored.traceId);
    const out: [string, number, number, number][] = [];
    live.stored.spans.forEach((span, i) => {
      const f = live.facts[i];
      const durationMs = Math.max(0, nanosToMs(span.endTimeUnixNano) - nanosToMs(span.startTimeUnixNano));
      const [slow] = slownessOf([{ name: span.name, model: f.model, kind: f.kind, durationMs }], baselineOf);
      if (slow) out.push([span.spanId, slow.ratio, slow.baselineP95Ms, slow.samples]);
    });
    return out;
  }

  /** The cached summary, with the slow-span count the history found. */
  private summaryOf(live: LiveTrace): TraceSummary {
    const summary = live.summary();
    const slow = this.options.history?.slowSpanCount(live.stored.traceId) ?? 0;
    const limit = this.options.runBudgetUsd?.();
    const overBudget = limit !== undefined && summary.costUsd >= limit;
    if (slow === 0 && !overBudget) return summary;
    return { ...summary, ...(slow > 0 ? { slowSpans: slow } : {}), ...(overBudget ? { overBudget } : {}) };
  }

  async span(traceId: string, spanId: string): Promise<Span | undefined> {
    const live = this.visible(traceId);
    if (!live) return undefined;
    const analysis = this.views.analysis(live);
    const index = analysis.indexOf.get(spanId);
    if (index === undefined) return undefined;
    const span = buildSpan(live.stored, live.facts, analysis, index);
    this.markSlow(traceId, [span]);
    return span;
  }

  async waterfall(traceId: string): Promise<WaterfallRow[] | undefined> {
    const live = this.visible(traceId);
    return live && this.views.waterfall(live);
  }

  async waterfallColumns(traceId: string): Promise<string | undefined> {
    const live = this.visible(traceId);
    if (!live) return undefined;
    const json = this.views.waterfallColumnsJson(live);
    // Slowness depends on the baselines, which move after the cached text was built: added per answer.
    const slow = this.slowSpanList(live);
    return slow.length === 0 ? json : `${json.slice(0, json.lastIndexOf('}'))},"slowSpans":${JSON.stringify(slow)}}`;
  }

  async breakdown(traceId: string): Promise<Breakdown | undefined> {
    const live = this.visible(traceId);
    return live && breakdownOf([{ trace: live.stored, facts: live.facts }], traceId);
  }

  async overallBreakdown(): Promise<Breakdown> {
    this.assembly.drain();
    return breakdownOf(this.ring.values().map((live) => ({ trace: live.stored, facts: live.facts })));
  }

  /** Group A against group B: figures of both and each measure's change, significant ones first. */
  async compare(a: GroupFilter, b: GroupFilter): Promise<CompareResult> {
    this.assembly.drain();
    const traces = this.ring.values().filter((live) => live.spanCount > 0);
    return compareTraces([...traces], a, b);
  }

  /** Run A against run B, aligned span by span; undefined when either trace is unknown. */
  async diff(traceA: string, traceB: string): Promise<TraceDiff | undefined> {
    const [a, b] = await Promise.all([this.getTrace(traceA), this.getTrace(traceB)]);
    return a && b && diffTraceDetails(a, b);
  }

  /** The prompts, outputs, model and parameters of two model calls compared; undefined when a span is unknown. */
  async modelCallDiff(traceA: string, spanA: string, traceB: string, spanB: string): Promise<ModelCallDiff | undefined> {
    const [a, b] = await Promise.all([this.span(traceA, spanA), this.span(traceB, spanB)]);
    return a && b && diffModelCalls(a, b);
  }

  async exportOtlp(traceId: string): Promise<ExportTraceServiceRequest | undefined> {
    const live = this.visible(traceId);
    return live && exportRequestOf(live.stored);
  }

  async importOtlp(otlpJson: string): Promise<{ traceIds: string[] }> {
    let request: ExportTraceServiceRequest;
    try {
      request = decodeTraceRequest(Buffer.from(otlpJson, 'utf8'), 'json');
    } catch (error) {
      throw error instanceof OtlpDecodeError ? new ApiInputError(error.message) : error;
    }
    this.assembly.drain();
    const touched = new Set<string>();
    this.addSpans(request, touched);
    return { traceIds: [...touched] };
  }

  /** `signal` (not part of the API: it cannot cross a socket) cancels the delivery. */
  async forwardTrace(
    traceId: string,
    target: ForwardTarget,
    options: ForwardOptions = {},
    signal?: AbortSignal,
  ): Promise<ForwardResult | undefined> {
    const request = await this.exportOtlp(traceId);
    return request && forwardTrace(request, target, { timeoutMs: options.timeoutMs, signal });
  }

  /** Sends an edited model call from the engine; prices the answer with this engine's price book. */
  async replay(draft: ReplayDraft, options: ReplayOptions = {}): Promise<ReplayOutcome> {
    return runHttpReplay(draft, {
      apiKey: options.apiKey ?? environmentKeyFor(draft.api, draft.baseUrl),
      timeoutMs: options.timeoutMs,
      pricing: this.pricing,
    });
  }

  async deleteTrace(traceId: string): Promise<boolean> {
    this.assembly.drain();
    const live = this.ring.get(traceId);
    if (!live) return false;
    this.ring.delete(traceId);
    this.views.forget(traceId);
    this.spanTotal -= live.spanCount;
    this.options.persistence?.remove(traceId);
    this.options.history?.release(traceId, () => recordOf(live));
    this.feed.remove(traceId);
    return true;
  }

  async clear(): Promise<void> {
    this.assembly.drain();
    // What was spent stays in the history; only the traces go.
    for (const live of this.ring.values()) this.options.history?.release(live.stored.traceId, () => recordOf(live));
    this.ring.clear();
    this.views.clear();
    this.metrics.clear();
    this.sessionEvents.clear();
    this.spanTotal = 0;
    this.options.persistence?.removeAll();
    this.feed.clear();
  }

  subscribe(listener: (change: TraceChange) => void): Unsubscribe {
    return this.feed.subscribe(listener);
  }

  /** Emits pending changes and writes pending traces to disk. */
  async flush(): Promise<void> {
    this.assembly.drain();
    this.feed.flush();
    await Promise.all([this.options.persistence?.flush(), this.options.history?.flush()]);
  }

  /** Writes what is pending and stops; says what the store could not take. */
  async close(): Promise<StoreCloseReport> {
    this.assembly.drain();
    this.assembly.dispose();
    this.feed.flush();
    this.feed.dispose();
    const persistence = this.options.persistence;
    await Promise.all([persistence?.close(), this.options.history?.close()]);
    if (!persistence) return { unsaved: 0 };
    const unsaved = persistence.pendingCount ?? 0;
    return unsaved === 0 ? { unsaved } : { unsaved, error: persistence.lastError };
  }

  /** Cost and health rows from the durable history (throws RangeError for a bad range). */
  async costs(query: CostQuery = {}): Promise<CostRow[]> {
    this.assembly.drain();
    const range = this.rangeOf(query);
    const cells = this.options.history?.cells(range.fromDay, range.toDay) ?? [];
    return costRows(cells, query.groupBy ?? 'day', range);
  }

  /** Everything the Costs page shows for a range (throws RangeError for a bad range). */
  async costOverview(query: CostQuery = {}): Promise<CostOverview> {
    this.assembly.drain();
    const range = this.rangeOf(query);
    const history = this.options.history;
    return costOverview(history?.cells(range.fromDay, range.toDay) ?? [], history?.names(range.fromDay, range.toDay) ?? new Map(), range);
  }

  async budgets(): Promise<BudgetStatus[]> {
    this.assembly.drain();
    return this.options.budgetStatus?.() ?? [];
  }

  private rangeOf(query: CostQuery): ResolvedRange {
    try {
      return resolveRange(query, this.now());
    } catch (error) {
      if (error instanceof RangeError) throw new ApiInputError(error.message);
      throw error;
    }
  }

  /** A kept trace reduced to what the daily history counts. */
  runRecord(traceId: string): RunRecord | undefined {
    const live = this.ring.get(traceId);
    return live && recordOf(live);
  }

  private visible(traceId: string): LiveTrace | undefined {
    this.assembly.drain();
    const live = this.ring.get(traceId);
    return live && live.spanCount > 0 ? live : undefined;
  }

  private visibleTraceCount(): number {
    let n = 0;
    for (const live of this.ring.values()) if (live.spanCount > 0) n++;
    return n;
  }

  private currentStats(): StoreStats {
    return {
      traces: this.visibleTraceCount(),
      spans: this.spanTotal,
      bytes: this.ring.bytes,
      evictedTraces: this.evictedTraces(),
      evictedSpans: this.evictedSpans,
      droppedSpans: this.droppedSpans,
      rejectedSpans: this.rejectedSpans,
      metricPoints: this.metrics.receivedCount,
      persistenceError: this.options.persistence?.lastError,
    };
  }
}

function recordOf(live: LiveTrace): RunRecord | undefined {
  return runRecordOf(live.stored.traceId, live.stored.spans, live.facts);
}
