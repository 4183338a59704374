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
      (id) => this.ring.get(id)?.summary(),
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
      for (const stored of traces) {
        const live = LiveTrace.fromStored(stored, engine.pricing);
        engine.nextSeq = Math.max(engine.nextSeq, stored.seq + 1);
        engine.spanTotal += live.spanCount;
        engine.dropEvicted(engine.ring.add(stored.traceId, live, live.bytes));
      }
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
          live.addSpan(this.policy.span(span), idx[0], idx[1], this.pricing, now);
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
      this.feed.upsert(id);
    }
  }

  private dropEvicted(evicted: LiveTrace[]): void {
    if (evicted.length === 0) return;
    for (const live of evicted) {
      this.spanTotal -= live.spanCount;
      this.evictedSpans += live.spanCount;
      this.options.persistence?.remove(live.stored.traceId);
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
    for (const live of this.ring.values()) {
      const summary = live.summary();
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
    return live && buildTraceDetail(live.stored, live.facts, live.summary(), this.views.analysis(live));
  }

  async span(traceId: string, spanId: string): Promise<Span | undefined> {
    const live = this.visible(traceId);
    if (!live) return undefined;
    const analysis = this.views.analysis(live);
    const index = analysis.indexOf.get(spanId);
    return index === undefined ? undefined : buildSpan(live.stored, live.facts, analysis, index);
  }

  async waterfall(traceId: string): Promise<WaterfallRow[] | undefined> {
    const live = this.visible(traceId);
    return live && this.views.waterfall(live);
  }

  async waterfallColumns(traceId: string): Promise<string | undefined> {
    const live = this.visible(traceId);
    return live && this.views.waterfallColumnsJson(live);
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
    this.feed.remove(traceId);
    return true;
  }

  async clear(): Promise<void> {
    this.assembly.drain();
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
    await this.options.persistence?.flush();
  }

  async close(): Promise<void> {
    this.assembly.drain();
    this.assembly.dispose();
    this.feed.flush();
    this.feed.dispose();
    await this.options.persistence?.close();
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
