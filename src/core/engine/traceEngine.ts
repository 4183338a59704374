import { forgetRecentLazyTexts, settleSpan } from '../otlp/lazyText';
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
import type { ContentStore } from '../store/contentStore';
import type { IndexEntry, IndexSource, ReadTrace } from '../store/tracePersistence';
import { TraceRing } from '../store/traceRing';
import { TraceEntry } from './traceEntry';
import { DEFAULT_RESIDENT_TRACES, TraceBodies } from './traceBodies';
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
import { matchesGroupFilter } from '../../model/compare/groupFilter';
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
import { getSession, keptSessionTrace, listSessions, sessionReadingKept, type SessionTraceInput } from '../sessions/sessionQueries';
import type { SessionDetail, SessionQuery, SessionSummary } from '../../model/sessionTypes';
import type { TokenCounts } from '../../model/traceTypes';
import type { SpanOrigin, SpanTap } from './spanTap';
import { FORWARDING_STATUS_OFF, type ForwardingStatus } from '../../model/continuousForwarding';

/** What the engine needs from durable storage (implemented by `TracePersistence`). */
export interface PersistencePort {
  load(): Promise<{
    traces: StoredTrace[];
    indexed?: IndexEntry[];
    traceRefs?: Map<string, string[]>;
    problems: string[];
    meta: { evictedTraces: number; evictedSpans?: number };
  }>;
  markDirty(trace: StoredTrace, index?: IndexSource): void;
  updateMeta(patch: { evictedTraces?: number; evictedSpans?: number }): void;
  remove(traceId: string, refs?: readonly string[]): void;
  /** Where large values are stored once; without it they stay inline and every body stays in memory. */
  readonly content?: ContentStore;
  readTrace?(traceId: string): Promise<ReadTrace | undefined>;
  readTraceSync?(traceId: string): ReadTrace | undefined;
  isPending?(traceId: string): boolean;
  setIndexSnapshot?(snapshot: () => Iterable<{ source: IndexSource; traceId: string }>): void;
  onSettled?: (() => void) | undefined;
  removeAll(): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly lastError: string | undefined;
  /** Traces, deletes and meta changes not yet on disk. */
  readonly pendingCount?: number;
  /** Where to find every trace when the store must write them all again (its folder was removed). */
  rewriteFrom?(source: () => Iterable<{ trace: StoredTrace; index: TraceEntry }>): void;
}

/** What closing left unwritten: nothing when the store took everything (or there is no store). */
export interface StoreCloseReport {
  unsaved: number;
  error?: string;
}

export interface EngineOptions {
  /** Most traces kept (oldest evicted first). Default 5,000. */
  maxTraces?: number;
  /** Most bytes kept, by the engine's estimate of stored size (content counted once). Default 1 GiB. */
  maxBytes?: number;
  /** Traces not added to for longer than this are evicted. Default: no age limit. */
  maxAgeMs?: number;
  /** Trace bodies kept in memory once written; the others are read from the store when viewed. */
  maxResidentTraces?: number;
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
  /** Continuous forwarding's state (answered by `forwardingStatus()`). */
  forwardingStatus?: () => ForwardingStatus;
  now?: () => number;
}

/** Spans accepted but not yet assembled, past which a request is assembled before it is answered. */
const MAX_QUEUED_SPANS = 20_000;

/**
 * The trace engine: assembles spans and log records into traces, keeps the recent ones in a ring
 * buffer (persisted when a store is given), and answers every viewer through `LoupeApi`.
 * Pure Node: no VS Code, no network (receivers feed it through `IngestSink`).
 */
/** How often traces past the age limit are looked for when nothing arrives. */
const AGE_CHECK_MS = 60_000;

export class TraceEngine implements LoupeApi, IngestSink {
  private readonly ring: TraceRing<TraceEntry>;
  private readonly bodies: TraceBodies;
  private maxAgeMs: number | undefined;
  private ageTimer: NodeJS.Timeout | undefined;
  /** Recomputing cold summaries after a price change; a newer change restarts it. */
  private repricing: Promise<void> | undefined;
  /** Called with each trace that leaves the store by policy (evicted by count, size or age). */
  onEvicted: ((summary: TraceSummary) => void) | undefined;
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
  /** Continuous forwarding's intake, while it is on. */
  private spanTap: SpanTap | undefined;

  private pricingKey: string;

  private constructor(private readonly options: EngineOptions) {
    this.ring = new TraceRing<TraceEntry>({
      maxEntries: options.maxTraces ?? DEFAULT_MAX_TRACES,
      maxBytes: options.maxBytes ?? 1024 * 1024 * 1024,
    });
    this.pricing = new PriceBook(options.pricing ?? []);
    this.pricingKey = JSON.stringify(this.pricing.overrides);
    this.maxAgeMs = options.maxAgeMs;
    this.bodies = new TraceBodies(
      options.persistence,
      () => ({ book: this.pricing, key: this.pricingKey }),
      (entry) => this.ring.get(entry.traceId) === entry,
      options.maxResidentTraces ?? DEFAULT_RESIDENT_TRACES,
    );
    this.policy = new IngestPolicy(options.ingest);
    this.maxSpansPerTrace = options.maxSpansPerTrace ?? 200_000;
    this.now = options.now ?? Date.now;
    this.metrics = new MetricStore(options.metrics);
    this.feed = new ChangeFeed(
      options.changeDelayMs ?? 50,
      (id) => {
        const entry = this.ring.get(id);
        return entry && this.summaryOf(entry.summary());
      },
      () => this.currentStats(),
    );
  }

  /** Creates an engine and loads what its store holds. */
  static async open(options: EngineOptions = {}): Promise<TraceEngine> {
    const engine = new TraceEngine(options);
    const persistence = options.persistence;
    if (persistence) {
      const { traces, indexed = [], traceRefs, problems, meta } = await persistence.load();
      engine.loadProblems = problems;
      engine.evictedBefore = meta.evictedTraces;
      engine.evictedSpans = meta.evictedSpans ?? 0;
      // Both lists are in seq order; merged so the ring's order is the traces' order.
      const cold = indexed.map((entry) => TraceEntry.fromIndex(entry, engine.pricingKey));
      const read = traces.map((stored) => {
        const live = LiveTrace.fromStored(stored, engine.pricing, persistence.content, traceRefs?.get(stored.traceId) ?? []);
        return TraceEntry.resident(live, engine.pricingKey);
      });
      const all = [...cold, ...read].sort((a, b) => a.seq - b.seq);
      // Only traces whose bodies are in memory can be written again if the traces folder is removed.
      persistence.rewriteFrom?.(() =>
        engine.ring
          .values()
          .filter((entry) => entry.live)
          .map((entry) => ({ trace: entry.live!.stored, index: entry })),
      );
      for (const entry of all) {
        engine.nextSeq = Math.max(engine.nextSeq, entry.seq + 1);
        engine.spanTotal += entry.spanCount;
        engine.dropEvicted(engine.ring.add(entry.traceId, entry, entry.bytes));
      }
      // Traces read whole (first-layout files, or written after their index line) are written again in this layout.
      for (const entry of read) {
        if (engine.ring.get(entry.traceId) !== entry || !entry.live) continue;
        engine.bodies.touch(entry);
        persistence.markDirty(entry.live.stored, entry);
      }
      persistence.setIndexSnapshot?.(() => engine.ring.values().map((entry) => ({ traceId: entry.traceId, source: entry })));
      persistence.onSettled = () => engine.bodies.trim();
      engine.evictByAge();
      if (cold.some((entry) => entry.stalePricing)) engine.repriceCold();
    }
    engine.scheduleAgeCheck();
    if (options.history) {
      options.history.setSource((traceId) => engine.runRecord(traceId));
      // Stored traces the history has not counted yet (or not since their last change) are counted now.
      for (const entry of engine.ring.values()) options.history.touch(entry.traceId);
    }
    return engine;
  }

  setPorts(ports: { grpcPort: number | null; httpPort: number | null }): void {
    this.ports = ports;
  }

  /** Assembles every request accepted so far (they are otherwise assembled just after being answered). */
  assembleAccepted(): void {
    this.assembly.drain();
  }

  /** Passes every span received from now on to `tap` (continuous forwarding); undefined stops. */
  setSpanTap(tap: SpanTap | undefined): void {
    this.spanTap = tap;
  }

  setPricing(overrides: readonly PriceOverride[]): void {
    this.assembly.drain();
    const book = new PriceBook(overrides);
    const key = JSON.stringify(book.overrides);
    if (key === this.pricingKey) return;
    this.pricing = book;
    this.pricingKey = key;
    for (const entry of this.ring.values()) {
      if (entry.live) {
        entry.live.redescribe(this.pricing);
        entry.attach(entry.live, key);
        this.feed.upsert(entry.traceId);
      } else entry.stalePricing = true;
    }
    this.repriceCold();
  }

  /** Recomputes, one file at a time in the background, the summaries of traces not in memory. */
  private repriceCold(): void {
    if (this.repricing || !this.options.persistence?.readTrace) return;
    this.repricing = (async () => {
      for (let found = true; found;) {
        found = false;
        for (const entry of this.ring.values()) {
          if (!entry.stalePricing || entry.live) continue;
          found = true;
          const read = await this.options.persistence?.readTrace?.(entry.traceId);
          if (!read || this.ring.get(entry.traceId) !== entry || entry.live) {
            entry.stalePricing = false;
            continue;
          }
          const live = LiveTrace.fromStored(read.trace, this.pricing);
          entry.resummarized(live.summary(), this.pricingKey);
          this.feed.upsert(entry.traceId);
        }
      }
    })().finally(() => (this.repricing = undefined));
  }

  /** Applies to what arrives from now on; stored traces keep what was applied when they came. */
  setIngestPolicy(options: IngestPolicyOptions): void {
    this.assembly.drain();
    this.policy = new IngestPolicy(options);
  }

  /** `maxAgeMs` present but undefined removes the age limit; absent keeps it. */
  setLimits(limits: { maxTraces?: number; maxBytes?: number; maxAgeMs?: number }): void {
    this.assembly.drain();
    const evicted = this.ring.setLimits({ maxEntries: limits.maxTraces, maxBytes: limits.maxBytes });
    this.dropEvicted(evicted);
    if ('maxAgeMs' in limits) this.maxAgeMs = limits.maxAgeMs;
    this.evictByAge();
  }

  /** Evicts the traces not added to within the age limit (the oldest first, as the ring orders them). */
  private evictByAge(): void {
    if (this.maxAgeMs === undefined) return;
    const cutoff = this.now() - this.maxAgeMs;
    this.dropEvicted(this.ring.evictWhere((entry) => entry.updatedAt < cutoff));
  }

  private scheduleAgeCheck(): void {
    this.ageTimer = setInterval(() => {
      if (this.maxAgeMs === undefined) return;
      this.assembly.drain();
      this.evictByAge();
    }, AGE_CHECK_MS);
    this.ageTimer.unref();
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
    const touched = new Set<TraceEntry>();
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
          const entry = this.traceFor(log.traceId, now);
          const live = entry.live as LiveTrace;
          live.addLog(
            this.policy.log(log),
            live.internResource(resource, resourceLogs.schemaUrl),
            live.internScope(scope, scopeLogs.schemaUrl),
            now,
          );
          touched.add(entry);
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

  /**
   * `validated`: the request's invalid spans were found (`rejectedAtValidation`) and counted when it
   * was accepted. `imported`: spans from a file, not a sender (not forwarded).
   */
  private addSpans(request: ExportTraceServiceRequest, touchedIds: Set<string>, validated = false, imported = false): Rejections {
    const now = this.now();
    const rejections = new Rejections();
    const touched = new Set<TraceEntry>();
    const tap = imported ? undefined : this.spanTap;
    for (const resourceSpans of request.resourceSpans) {
      const resource = this.policy.resource(resourceSpans.resource);
      for (const scopeSpans of resourceSpans.scopeSpans) {
        const scope = this.policy.scope(scopeSpans.scope);
        const origin: SpanOrigin | undefined = tap && {
          resource,
          resourceSchemaUrl: resourceSpans.schemaUrl,
          scope,
          scopeSchemaUrl: scopeSpans.schemaUrl,
        };
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
          const entry = this.traceFor(span.traceId, now);
          const live = entry.live as LiveTrace;
          if (live.spanCount >= this.maxSpansPerTrace && !live.hasSpan(span.spanId)) {
            live.countDropped(1, now);
            this.droppedSpans++;
            rejections.add(`spans over the limit of ${this.maxSpansPerTrace} spans per trace`);
            touched.add(entry);
            continue;
          }
          let idx = indexes.get(live);
          if (!idx) {
            idx = [live.internResource(resource, resourceSpans.schemaUrl), live.internScope(scope, scopeSpans.schemaUrl)];
            indexes.set(live, idx);
          }
          const before = live.spanCount;
          const clean = this.policy.span(span);
          // The redacted span as stored, copied before the store makes it its own; a resent span is
          // not sent again. Its text is read out of the request body, which it must not keep alive in the queue.
          if (origin && !live.hasSpan(span.spanId)) tap!({ ...settleSpan(clean) }, origin);
          const facts = live.addSpan(clean, idx[0], idx[1], this.pricing, now);
          this.options.onSpan?.(facts, span);
          this.spanTotal += live.spanCount - before;
          touched.add(entry);
          touchedIds.add(span.traceId);
        }
      }
    }
    if (!validated) this.rejectedSpans += rejections.count;
    forgetRecentLazyTexts();
    this.afterChange(touched);
    return rejections;
  }

  /** The trace's entry with its body in memory (read now when it was not), made when new. */
  private traceFor(traceId: string, now: number): TraceEntry {
    let entry = this.ring.get(traceId);
    if (entry && !entry.live && !this.bodies.loadSync(entry)) {
      // Its file is gone or unreadable: what arrives starts the trace again.
      this.ring.delete(traceId);
      this.spanTotal -= entry.spanCount;
      this.forgetEntry(entry);
      entry = undefined;
    }
    if (!entry) {
      const live = LiveTrace.create(traceId, this.nextSeq++, now);
      live.content = this.options.persistence?.content;
      entry = TraceEntry.resident(live, this.pricingKey);
      this.dropEvicted(this.ring.add(traceId, entry, 0));
    }
    this.bodies.touch(entry);
    return entry;
  }

  private afterChange(touched: Set<TraceEntry>): void {
    for (const entry of touched) {
      const id = entry.traceId;
      // A trace evicted earlier in this same request is gone; do not bring it back.
      if (this.ring.get(id) !== entry || !entry.live) continue;
      this.dropEvicted(this.ring.updateSize(id, entry.bytes));
      if (this.ring.get(id) !== entry) continue;
      this.options.persistence?.markDirty(entry.live.stored, entry);
      this.options.history?.touch(id);
      this.feed.upsert(id);
    }
    this.bodies.trim();
  }

  private dropEvicted(evicted: TraceEntry[]): void {
    if (evicted.length === 0) return;
    for (const entry of evicted) {
      this.spanTotal -= entry.spanCount;
      this.evictedSpans += entry.spanCount;
      this.forgetEntry(entry);
      try {
        this.onEvicted?.(entry.summary());
      } catch {
        // A listener's failure must not stop eviction.
      }
    }
    this.options.persistence?.updateMeta({ evictedTraces: this.evictedTraces(), evictedSpans: this.evictedSpans });
  }

  /** Removes a trace that has left the ring from disk, the feed, the view cache and memory. */
  private forgetEntry(entry: TraceEntry): void {
    // Counted before its file goes: a change the history has not counted yet is read from it.
    this.options.history?.release(entry.traceId, () => this.recordOfEntry(entry));
    this.options.persistence?.remove(entry.traceId, entry.refs);
    this.feed.remove(entry.traceId);
    this.views.forget(entry.traceId);
    this.bodies.forget(entry.traceId);
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
      forwarding: this.options.forwardingStatus?.().state ?? 'off',
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
    const limit = Math.max(0, query.limit ?? DEFAULT_LIST_LIMIT);
    // The newest `limit` by a single pass (a sorted window of that size), not a sort of every
    // trace kept: a list of 100 out of 10,000 compares each trace once or twice.
    const out: TraceSummary[] = [];
    this.options.history?.update();
    for (const entry of this.ring.values()) {
      const summary = this.summaryOf(entry.summary());
      if (!matchesQuery(summary, query)) continue;
      if (out.length < limit) {
        out.push(summary);
        if (out.length === limit) out.sort(compareNewestFirst);
      } else if (limit > 0 && compareNewestFirst(summary, out[limit - 1]) < 0) {
        let lo = 0;
        let hi = limit - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (compareNewestFirst(summary, out[mid]) < 0) hi = mid;
          else lo = mid + 1;
        }
        out.splice(lo, 0, summary);
        out.pop();
      }
    }
    if (out.length < limit) out.sort(compareNewestFirst);
    return out;
  }

  /** Sessions newest first. Trace bodies not in memory are read from their files (their logs may name sessions). */
  async listSessions(query: SessionQuery = {}): Promise<SessionSummary[]> {
    const traces = await this.sessionTracesRead();
    return listSessions(traces, this.sessionEvents, this.metrics, query, this.priceLoggedCall);
  }

  async getSession(sessionId: string): Promise<SessionDetail | undefined> {
    this.assembly.drain();
    const traces: SessionTraceInput[] = [];
    for await (const live of this.everyBody((summary) => summary.sessions.includes(sessionId))) traces.push(...sessionInput(live));
    return getSession(traces, this.sessionEvents, this.metrics, sessionId, this.priceLoggedCall);
  }

  /** Sessions newest first (synchronous, bodies not in memory read at once: for callers on the engine's own thread). */
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
    for (const entry of this.ring.values()) {
      if (!namesSession(entry.summary())) continue;
      const live = this.bodyNow(entry);
      if (live) yield* sessionInput(live);
    }
  }

  /**
   * The traces that name a session (their summaries say so), in the ring's order: others are never
   * opened, and one whose reading an earlier listing kept, unchanged since, is not read again.
   */
  private async sessionTracesRead(): Promise<SessionTraceInput[]> {
    this.assembly.drain();
    const read = new Map<string, SessionTraceInput[]>();
    const unread = (summary: TraceSummary): boolean => namesSession(summary) && !sessionReadingKept(summary);
    for await (const live of this.everyBody(unread)) read.set(live.stored.traceId, sessionInput(live));
    const traces: SessionTraceInput[] = [];
    for (const entry of this.ring.values()) {
      const summary = entry.summary();
      if (!namesSession(summary)) continue;
      const inputs = read.get(entry.traceId) ?? (sessionReadingKept(summary) ? [keptSessionTrace(summary)] : []);
      traces.push(...inputs);
    }
    return traces;
  }

  async getTrace(traceId: string): Promise<TraceDetail | undefined> {
    const live = await this.visible(traceId);
    if (!live) return undefined;
    const detail = buildTraceDetail(live.stored, live.facts, this.summaryOf(live.summary()), this.views.analysis(live));
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

  /** A trace's summary (kept in memory whether or not its body is), with the slow-span count the history found. */
  private summaryOf(summary: TraceSummary): TraceSummary {
    const slow = this.options.history?.slowSpanCount(summary.traceId) ?? 0;
    const limit = this.options.runBudgetUsd?.();
    const overBudget = limit !== undefined && summary.costUsd >= limit;
    if (slow === 0 && !overBudget) return summary;
    return { ...summary, ...(slow > 0 ? { slowSpans: slow } : {}), ...(overBudget ? { overBudget } : {}) };
  }

  async span(traceId: string, spanId: string): Promise<Span | undefined> {
    const live = await this.visible(traceId);
    if (!live) return undefined;
    const analysis = this.views.analysis(live);
    const index = analysis.indexOf.get(spanId);
    if (index === undefined) return undefined;
    const span = buildSpan(live.stored, live.facts, analysis, index);
    this.markSlow(traceId, [span]);
    return span;
  }

  async waterfall(traceId: string): Promise<WaterfallRow[] | undefined> {
    const live = await this.visible(traceId);
    return live && this.views.waterfall(live);
  }

  async waterfallColumns(traceId: string): Promise<string | undefined> {
    const live = await this.visible(traceId);
    if (!live) return undefined;
    const json = this.views.waterfallColumnsJson(live);
    // Slowness depends on the baselines, which move after the cached text was built: added per answer.
    const slow = this.slowSpanList(live);
    return slow.length === 0 ? json : `${json.slice(0, json.lastIndexOf('}'))},"slowSpans":${JSON.stringify(slow)}}`;
  }

  async breakdown(traceId: string): Promise<Breakdown | undefined> {
    const live = await this.visible(traceId);
    return live && breakdownOf([{ trace: live.stored, facts: live.facts }], traceId);
  }

  /**
   * The breakdown across the newest `OVERALL_BREAKDOWN_TRACES` traces (it needs their spans: bodies
   * not in memory are read and let go). A store of months would otherwise be read whole for one
   * page; costs over all of it come from the daily history instead.
   */
  async overallBreakdown(): Promise<Breakdown> {
    this.assembly.drain();
    const newest = new Set<TraceEntry>();
    const entries = [...this.ring.values()];
    for (let i = entries.length - 1; i >= 0 && newest.size < OVERALL_BREAKDOWN_TRACES; i--)
      if (entries[i].spanCount > 0) newest.add(entries[i]);
    const wanted = new Set([...newest].map((entry) => entry.traceId));
    const bodies: { trace: StoredTrace; facts: LiveTrace['facts'] }[] = [];
    for await (const live of this.everyBody((summary) => wanted.has(summary.traceId)))
      bodies.push({ trace: live.stored, facts: live.facts });
    const breakdown = breakdownOf(bodies);
    const stored = entries.filter((entry) => entry.spanCount > 0).length;
    return stored > breakdown.traceCount ? { ...breakdown, storedTraces: stored } : breakdown;
  }

  /** Group A against group B: figures of both and each measure's change, significant ones first. */
  async compare(a: GroupFilter, b: GroupFilter): Promise<CompareResult> {
    this.assembly.drain();
    const traces: LiveTrace[] = [];
    // Only runs whose summary can match a group are read; attributes (version, attr) are tested on the bodies.
    const candidate = (summary: TraceSummary): boolean =>
      mayMatchGroup(this.summaryOf(summary), a) || mayMatchGroup(this.summaryOf(summary), b);
    for await (const live of this.everyBody(candidate)) if (live.spanCount > 0) traces.push(live);
    return compareTraces(traces, a, b);
  }

  /**
   * Every trace's body (of those `select` keeps, judged on summaries), oldest first: those in
   * memory as they are, the others read from their files without being kept (a query over the
   * whole store costs O(store) reads, not memory). A few files are read ahead, so the disk and the
   * parsing overlap.
   */
  private async *everyBody(select?: (summary: TraceSummary) => boolean): AsyncIterable<LiveTrace> {
    const entries: TraceEntry[] = [];
    for (const entry of this.ring.values()) if (!select || select(entry.summary())) entries.push(entry);
    const reads = new Map<TraceEntry, Promise<ReadTrace | undefined>>();
    const readAhead = (index: number): void => {
      const entry = entries[index];
      if (!entry || entry.live || reads.has(entry)) return;
      const read = this.options.persistence?.readTrace?.(entry.traceId) ?? Promise.resolve(undefined);
      // A read is awaited only when its turn comes (or never, if the caller stops early).
      reads.set(
        entry,
        read.catch(() => undefined),
      );
    };
    for (let i = 0; i < entries.length; i++) {
      for (let ahead = i; ahead < i + READ_AHEAD_TRACES; ahead++) readAhead(ahead);
      const entry = entries[i];
      let live = entry.live;
      if (!live) {
        const read = await reads.get(entry);
        reads.delete(entry);
        if (this.ring.get(entry.traceId) !== entry) continue; // deleted or evicted while it was read
        // Spans that arrived meanwhile brought the body in: that one is the latest.
        live = entry.live ?? (read && LiveTrace.fromStored(read.trace, this.pricing));
        if (!live) this.bodies.unreadable(entry.traceId);
      }
      if (live) yield live;
    }
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
    const live = await this.visible(traceId);
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
    this.addSpans(request, touched, false, true);
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

  /** Continuous forwarding: off, ok, retrying or dropping, with its counts. */
  async forwardingStatus(): Promise<ForwardingStatus> {
    return this.options.forwardingStatus?.() ?? FORWARDING_STATUS_OFF;
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
    const entry = this.ring.get(traceId);
    if (!entry) return false;
    this.ring.delete(traceId);
    this.spanTotal -= entry.spanCount;
    this.forgetEntry(entry);
    return true;
  }

  async clear(): Promise<void> {
    this.assembly.drain();
    // What was spent stays in the history; only the traces go.
    for (const entry of this.ring.values()) this.options.history?.release(entry.traceId, () => this.recordOfEntry(entry));
    this.ring.clear();
    this.views.clear();
    this.bodies.clear();
    this.metrics.clear();
    this.sessionEvents.clear();
    this.spanTotal = 0;
    this.options.persistence?.removeAll();
    this.feed.clear();
  }

  subscribe(listener: (change: TraceChange) => void): Unsubscribe {
    return this.feed.subscribe(listener);
  }

  /** The store failed or recovered: a change event carries the new `persistenceError` to every viewer. */
  storeStateChanged(): void {
    this.feed.touchStats();
  }

  /** Emits pending changes and writes pending traces to disk. */
  async flush(): Promise<void> {
    this.assembly.drain();
    this.feed.flush();
    await Promise.all([this.options.persistence?.flush(), this.options.history?.flush()]);
    this.bodies.trim();
  }

  /** Trace bodies in memory now (the rest are read from the store when viewed). */
  get residentTraces(): number {
    return this.bodies.residentCount;
  }

  /** Writes what is pending and stops; says what the store could not take. */
  async close(): Promise<StoreCloseReport> {
    if (this.ageTimer) clearInterval(this.ageTimer);
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
    const entry = this.ring.get(traceId);
    return entry && this.recordOfEntry(entry);
  }

  private recordOfEntry(entry: TraceEntry): RunRecord | undefined {
    const live = this.bodyNow(entry);
    return live && recordOf(live);
  }

  /**
   * A trace's body for a reader that cannot wait (the history counts synchronously): the one in
   * memory, or read from its file now and not kept. Undefined only when the file is unreadable,
   * which is noted as a problem rather than counted as an empty trace.
   */
  private bodyNow(entry: TraceEntry): LiveTrace | undefined {
    if (entry.live) return entry.live;
    const read = this.options.persistence?.readTraceSync?.(entry.traceId);
    if (read) return LiveTrace.fromStored(read.trace, this.pricing);
    this.bodies.unreadable(entry.traceId);
    return undefined;
  }

  private async visible(traceId: string): Promise<LiveTrace | undefined> {
    this.assembly.drain();
    const entry = this.ring.get(traceId);
    if (!entry || entry.spanCount === 0) return undefined;
    const live = await this.bodies.load(entry);
    return live && live.spanCount > 0 ? live : undefined;
  }

  private visibleTraceCount(): number {
    let n = 0;
    for (const entry of this.ring.values()) if (entry.spanCount > 0) n++;
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

/** What sessions read of a trace (none for a trace with neither spans nor logs). */
function sessionInput(live: LiveTrace): SessionTraceInput[] {
  if (live.spanCount === 0 && live.stored.logs.length === 0) return [];
  return [{ stored: live.stored, facts: live.facts, summary: live.summary() }];
}

function recordOf(live: LiveTrace): RunRecord | undefined {
  return runRecordOf(live.stored.traceId, live.stored.spans, live.facts);
}

/** Traces the breakdown across traces covers, newest first. */
export const OVERALL_BREAKDOWN_TRACES = 1_000;

/** Trace files read at once by a query over many traces. */
const READ_AHEAD_TRACES = 8;

/** True when a trace's summary names a session: its spans' session ids and those its agent log records carry. */
function namesSession(summary: TraceSummary): boolean {
  return summary.sessions.length > 0;
}

/** Whether a run could be in a group, judged on its summary alone (attribute tests pass here). */
function mayMatchGroup(summary: TraceSummary, filter: GroupFilter): boolean {
  return matchesGroupFilter({ summary, hasAttribute: () => true }, filter);
}
